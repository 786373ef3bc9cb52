-- Module:Partnership infobox/messages
--
-- The messages of the editor's preview checks (Module:Partnership infobox/check): the bot's own
-- finding messages (the ptracker-finding-* keys of its catalogs, read through
-- Module:Partnership tracker/i18n), with the same parameters in the same order as bot/messages.py
-- gives them, so the preview says what the bot will say, in the same language. What is wrong,
-- what a good value looks like (the rules page's help text, in the language) and the guidance
-- section it comes from.
--
-- A finding's message is plain text (it names [[wikilink]]s and {{templates}} as words): its
-- text is shown literally (m:literal), the guidance sentence after it is wikitext (a link).
-- Values written by the editor are shown escaped (<nowiki>), so a message never runs wikitext from
-- the page. Every function takes m, the messages of the language (i18n.new(lang)).

local U = mw.ustring

-- A value as the bot quotes it (Python's repr, single quotes), escaped.
local function q(value)
	return "'" .. mw.text.nowiki(value) .. "'"
end

local function hint(m, rule)
	return m:text(rule.param.help)
end

local function guide(m, rules, param)
	if not param.section then
		return ''
	end
	if param.point then
		return ' ' .. m:msg('ptracker-finding-guidance-point', rules.guidance_page, param.section, param.point)
	end
	return ' ' .. m:msg('ptracker-finding-guidance', rules.guidance_page, param.section)
end

local function named(m, rule)
	local label = m:text(rule.param.label)
	return label == rule.name and rule.name or (rule.name .. ' (' .. label .. ')')
end

local function why(m, rule, condValue)
	if not condValue then
		return m:literal('ptracker-finding-required-always')
	end
	return m:literal('ptracker-finding-required-when', rule.condField, condValue)
end

local M = {}

function M.missing(m, rules, rule, condValue)
	return m:literal('ptracker-finding-missing', named(m, rule), why(m, rule, condValue), hint(m, rule))
		.. guide(m, rules, rule.param)
end

function M.placeholder(m, rules, rule, value, condValue)
	return m:literal('ptracker-finding-placeholder', named(m, rule), q(value), why(m, rule, condValue), hint(m, rule))
		.. guide(m, rules, rule.param)
end

function M.invalid(m, rules, rule, value, bad)
	local param = rule.param
	local allowed, label = table.concat(rule.enumOrder, ', '), m:text(param.label)
	local text
	if param.type == 'enum' then
		text = m:literal('ptracker-finding-invalid-enum', rule.name, q(value), label, allowed, hint(m, rule))
	elseif param.type == 'list' then
		local quoted = {}
		for i, b in ipairs(bad) do
			quoted[i] = q(b)
		end
		text = m:literal('ptracker-finding-invalid-list', rule.name, table.concat(quoted, ', '), label, allowed,
			hint(m, rule))
	elseif param.type == 'date' then
		text = m:literal('ptracker-finding-invalid-date', rule.name, q(value), hint(m, rule))
	elseif param.type == 'url' then
		text = m:literal('ptracker-finding-invalid-url', rule.name, q(value), hint(m, rule))
	else
		text = m:literal('ptracker-finding-invalid-link', rule.name, q(value), hint(m, rule))
	end
	return text .. guide(m, rules, param)
end

function M.date_order(m, rules, rule, value, before)
	return m:literal('ptracker-finding-date-order', rule.name, mw.text.nowiki(value), mw.text.nowiki(before),
		rule.param.not_before) .. guide(m, rules, rule.param)
end

-- The help text's first part (up to a ";") says what to ask for.
function M.nonfree_license(m, rules, rule, value)
	local ask = mw.text.split(hint(m, rule), ';', true)[1]:gsub('%s+$', '')
	return m:literal('ptracker-finding-nonfree-license', rule.name, q(value), ask) .. guide(m, rules, rule.param)
end

function M.stale(m, rules, rule, value, asOf)
	return m:literal('ptracker-finding-stale', rule.name, mw.text.nowiki(value), rules.stale.max_age_days, asOf,
		hint(m, rule)) .. guide(m, rules, rule.param)
end

function M.privacy_risk(m, rules, rule, value)
	return m:literal('ptracker-finding-privacy-risk', rule.name, mw.text.nowiki(value)) .. guide(m, rules, rule.param)
end

function M.unknown_param(m, rules, name, positional)
	if positional then
		return m:literal('ptracker-finding-unknown-positional', name, rules.infobox.name)
	end
	local guess = ''
	local folded = U.gsub(U.lower(name), ' ', '_')
	for known in pairs(rules.params) do
		if known:lower() == folded then
			guess = ' ' .. m:literal('ptracker-finding-did-you-mean', known)
		end
	end
	return m:literal('ptracker-finding-unknown-param', mw.text.nowiki(name), rules.infobox.name) .. guess
end

return M
