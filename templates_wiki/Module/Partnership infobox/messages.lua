-- Module:Partnership infobox/messages
--
-- The messages of the editor's preview checks (Module:Partnership infobox/check), worded as the
-- bot words them (bot/messages.py): what is wrong, what a good value looks like (the rules page's
-- help text) and the guidance section it comes from. Values written by the editor are shown
-- escaped (<nowiki>), so a message never runs wikitext from the page.

local U = mw.ustring

-- Wikitext-safe pieces of messages.
local function q(value)
	return "'" .. mw.text.nowiki(value) .. "'"
end

local function guide(rules, param)
	if not param.section then
		return ''
	end
	local point = param.point and (' (' .. param.point .. ')') or ''
	return ' Guidance: [[' .. rules.guidance_page .. '#' .. param.section .. ']]' .. point .. '.'
end

local function named(rule)
	local label = rule.param.label
	return label == rule.name and rule.name or (rule.name .. ' (' .. label .. ')')
end

local function why(rule, condValue)
	if not condValue then
		return 'It is required on every partnership page.'
	end
	return 'It is required because ' .. rule.condField .. ' is ' .. condValue .. '.'
end

local function infoboxCall(rules)
	return mw.text.nowiki('{{' .. rules.infobox.name .. '}}')
end

local M = {}

function M.missing(rules, rule, condValue)
	return named(rule) .. ' is missing. ' .. why(rule, condValue) .. ' Add ' .. rule.param.help .. '.'
		.. guide(rules, rule.param)
end

function M.placeholder(rules, rule, value, condValue)
	return named(rule) .. ' holds only the placeholder ' .. q(value) .. '. ' .. why(rule, condValue)
		.. ' Replace it with ' .. rule.param.help .. '.' .. guide(rules, rule.param)
end

function M.invalid(rules, rule, value, bad)
	local param, help = rule.param, rule.param.help
	local allowed = table.concat(rule.enumOrder, ', ')
	if param.type == 'enum' then
		return rule.name .. ' is ' .. q(value) .. ', which is not an allowed ' .. param.label
			.. '. Use one of: ' .. allowed .. ' — ' .. help .. '.' .. guide(rules, param)
	elseif param.type == 'list' then
		local quoted = {}
		for i, b in ipairs(bad) do
			quoted[i] = q(b)
		end
		return rule.name .. ' has ' .. table.concat(quoted, ', ') .. ', not among the allowed ' .. param.label
			.. '. Each item must be one of: ' .. allowed .. ' — ' .. help .. '.' .. guide(rules, param)
	elseif param.type == 'date' then
		return rule.name .. ' is ' .. q(value) .. ', which is not a real calendar date written YYYY-MM-DD, '
			.. 'YYYY-MM or YYYY. Write ' .. help .. '.' .. guide(rules, param)
	elseif param.type == 'url' then
		return rule.name .. ' is ' .. q(value) .. ', which is not an http(s) address. Write ' .. help .. '.'
			.. guide(rules, param)
	end
	return rule.name .. ' is ' .. q(value) .. ', which holds no <nowiki>[[wikilink]], [external link]</nowiki> '
		.. 'or http(s) URL. Give ' .. help .. '.' .. guide(rules, param)
end

function M.date_order(rules, rule, value, before)
	return rule.name .. ' (' .. mw.text.nowiki(value) .. ') is before ' .. rule.param.not_before .. ' ('
		.. mw.text.nowiki(before) .. '). Correct whichever date is wrong; ' .. rule.name .. ' must not be before '
		.. rule.param.not_before .. '.'
		.. guide(rules, rule.param)
end

function M.nonfree_license(rules, rule, value)
	return rule.name .. ' is ' .. q(value) .. ': NonCommercial, NoDerivatives and Wikipedia-only licences are '
		.. 'not free, so the content cannot be used on Wikimedia projects. Ask the partner for '
		.. mw.text.split(rule.param.help, ';', true)[1] .. '.' .. guide(rules, rule.param)
end

function M.stale(rules, rule, value, asOf)
	return rule.name .. ' is ' .. mw.text.nowiki(value) .. ', more than ' .. rules.stale.max_age_days
		.. ' days before ' .. asOf .. ', and the partnership is still active. Review the page, then set '
		.. rule.param.help .. '.' .. guide(rules, rule.param)
end

function M.privacy_risk(rules, rule, value)
	return rule.name .. ' is ' .. mw.text.nowiki(value) .. ': the partner receives private user information. '
		.. 'Make sure this is in line with the privacy policy and explained on the page.' .. guide(rules, rule.param)
end

function M.unknown_param(rules, name, positional)
	if positional then
		return 'An unnamed value (parameter ' .. name .. ') is not part of ' .. infoboxCall(rules)
			.. '. Give it a name (name = value) or remove it; a stray | can cause this.'
	end
	local guess = ''
	local folded = U.gsub(U.lower(name), ' ', '_')
	for known in pairs(rules.params) do
		if known:lower() == folded then
			guess = ' Did you mean ' .. known .. '? (names are case-sensitive)'
		end
	end
	return mw.text.nowiki(name) .. ' is not a parameter of ' .. infoboxCall(rules) .. ', so it is ignored.' .. guess
end

return M
