-- Module:Partnership infobox/check
--
-- The field-level checks of the partnership tracker bot, in Lua, driven by the community's rules
-- page (Module:Partnership tracker/rules.json, read with mw.loadJsonData). The infobox calls it in
-- preview to show an editor what the bot would report. The bot's Python (bot/validate.py,
-- bot/values.py) is the reference: same order of reasoning, same codes, same value readers:
--
-- 1. a value is absent when empty (for a list: no item left), a placeholder when it only stands in
--    for an answer (for a list: every item was one);
-- 2. a parameter is required always, or when an enumerated field holds one of the listed values
--    (an invalid or absent value of that field makes no such rule apply);
-- 3. required and absent: missing; required and placeholder: placeholder; optional: nothing;
-- 4. present: its format (enum, list, date, url, link), at most one "invalid" per field; then
--    date_order, nonfree_license, stale, privacy_risk; unknown parameters are warnings.
--
-- Differences from the bot it cannot avoid (see templates_wiki/README.md): values arrive expanded
-- (templates in a value are run first; the bot reads the text as written), duplicate parameters
-- are invisible here (duplicate_param is the bot's alone), and so are page-level problems
-- (no_infobox, multiple_infoboxes).

local p = {}

local U = mw.ustring

-- Python's str.strip(): surrounding whitespace.
local function strip(s)
	return (U.gsub(U.gsub(s, '^%s+', ''), '%s+$', ''))
end
p.strip = strip

-- bot.values.fold_enum: case-insensitive, runs of spaces, underscores and hyphens as one hyphen.
local function foldEnum(s)
	local folded = U.gsub(U.lower(strip(s)), '[%s_%-]+', '-')
	return (U.gsub(U.gsub(folded, '^%-+', ''), '%-+$', ''))
end
p.foldEnum = foldEnum

-- bot.values.fold_words: lower case, whitespace runs as one space.
local function foldWords(s)
	local words = {}
	for word in U.gmatch(U.lower(s), '[^%s]+') do
		words[#words + 1] = word
	end
	return table.concat(words, ' ')
end
p.foldWords = foldWords

-- bot.values.is_placeholder: empty once surrounding punctuation and spaces are gone, or one of
-- the placeholder words.
local function isPlaceholder(value, words)
	local core = U.gsub(U.gsub(value, '^[%s%p]+', ''), '[%s%p]+$', '')
	return core == '' or words[foldWords(core)] == true
end
p.isPlaceholder = isPlaceholder

-- bot.values.split_list: comma-separated items, trimmed, empty ones dropped.
local function splitList(value)
	local items = {}
	for _, raw in ipairs(mw.text.split(value, ',', true)) do
		local item = strip(raw)
		if item ~= '' then
			items[#items + 1] = item
		end
	end
	return items
end
p.splitList = splitList

local function daysInMonth(year, month)
	local leap = (year % 4 == 0 and year % 100 ~= 0) or year % 400 == 0
	return ({ 31, leap and 29 or 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[month]
end

-- bot.values.parse_date: YYYY, YYYY-MM or YYYY-MM-DD that exists on the calendar, else nil.
-- A date is { year, month or nil, day or nil }.
local function parseDate(value)
	local s = strip(value)
	local y, m, d = s:match('^(%d%d%d%d)%-(%d%d)%-(%d%d)$')
	if not y then
		y, m = s:match('^(%d%d%d%d)%-(%d%d)$')
	end
	if not y then
		y = s:match('^(%d%d%d%d)$')
	end
	if not y then
		return nil
	end
	y, m, d = tonumber(y), m and tonumber(m), d and tonumber(d)
	if y < 1 or (m and (m < 1 or m > 12)) or (d and (d < 1 or d > daysInMonth(y, m))) then
		return nil
	end
	return { y, m, d }
end
p.parseDate = parseDate

local function precision(date)
	return date[2] == nil and 1 or date[3] == nil and 2 or 3
end

-- bot.values.date_before: a strictly before b, at the coarser of the two precisions.
local function dateBefore(a, b)
	local n = math.min(precision(a), precision(b))
	for i = 1, n do
		if a[i] ~= b[i] then
			return a[i] < b[i]
		end
	end
	return false
end
p.dateBefore = dateBefore

-- Days since 1970-01-01 of a calendar date (proleptic Gregorian).
local function dayNumber(y, m, d)
	y = m <= 2 and y - 1 or y
	local era = math.floor(y / 400)
	local yoe = y - era * 400
	local doy = math.floor((153 * (m + (m > 2 and -3 or 9)) + 2) / 5) + d - 1
	local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
	return era * 146097 + doe - 719468
end
p.dayNumber = dayNumber

-- The last day a partial date covers, as a day number.
local function lastDay(date)
	local m = date[2] or 12
	return dayNumber(date[1], m, date[3] or daysInMonth(date[1], m))
end

-- bot.values.is_http_url: a bare http(s) URL with a host and no spaces or wiki brackets.
local function isHttpUrl(value)
	local s = strip(value)
	local rest = U.match(s, '^[hH][tT][tT][pP][sS]?://([^%s<>%[%]{}|"]+)$')
	if not rest then
		return false
	end
	local netloc = U.match(rest, '^[^/?#]*')
	local hostinfo = U.match(netloc, '[^@]*$')
	return U.match(hostinfo, '^[^:]*') ~= ''
end
p.isHttpUrl = isHttpUrl

-- bot.values.has_link: a [[wikilink]] with a target, an [external link] or a bare http(s) URL.
local function hasLink(value)
	local s = U.lower(value)
	if U.find(s, 'https?://[^%s<>%[%]"]') then
		return true
	end
	if U.find(s, '%[https?://[^%s%]][^%]]*%]') or U.find(s, '%[//[^%s%]][^%]]*%]') then
		return true
	end
	for inner in U.gmatch(s, '%[%[([^%[%]]*)%]%]') do
		local first = U.match(inner, '^%s*(.)')
		if first and not U.find(first, '[|{}<>]') then
			return true
		end
	end
	return false
end
p.hasLink = hasLink

-- The licence rule of the rules page (bot.values.is_nonfree_licence): the licence's words are its
-- runs of ASCII letters and digits, A-Z lower-cased; a phrase of licences.nonfree_phrases is words
-- separated by one space, each one or more alternatives separated by "|"; the licence is not free
-- when some phrase's words stand together, in order, among its words.
local function isNonfree(value, rules)
	local words = {}
	for word in value:gmatch('[A-Za-z0-9]+') do
		words[#words + 1] = word:lower()
	end
	for _, phrase in ipairs((rules.licences or {}).nonfree_phrases or {}) do
		local alts = {}
		for _, part in ipairs(mw.text.split(phrase, ' ', true)) do
			local set = {}
			for _, alt in ipairs(mw.text.split(part, '|', true)) do
				set[alt] = true
			end
			alts[#alts + 1] = set
		end
		for i = 1, #words - #alts + 1 do
			local all = true
			for k, set in ipairs(alts) do
				if not set[words[i + k - 1]] then
					all = false
					break
				end
			end
			if all then
				return true
			end
		end
	end
	return false
end
p.isNonfree = isNonfree

-- The rules page prepared for checking: per parameter its allowed values (folded value ->
-- display name) and its condition; the placeholder words folded. Cached per title.
local prepared = {}

function p.prepare(rules)
	local key = tostring(rules)
	if prepared[key] then
		return prepared[key]
	end
	local out = { rules = rules, params = {}, placeholders = {} }
	for _, word in ipairs(rules.placeholders or {}) do
		out.placeholders[foldWords(word)] = true
	end
	for name, param in pairs(rules.params) do
		local rule = { name = name, param = param, enum = {}, enumOrder = {} }
		for _, item in ipairs((rules.values or {})[param.values or ''] or {}) do
			local folded = foldEnum(item.value)
			rule.enum[folded] = item.label or item.value -- a string or a language map: i18n.text
			rule.enumOrder[#rule.enumOrder + 1] = item.value
		end
		if type(param.required) == 'table' then
			for field, values in pairs(param.required) do
				rule.condField, rule.condValues = field, {}
				for _, v in ipairs(values) do
					rule.condValues[foldEnum(v)] = true
				end
			end
		end
		out.params[name] = rule
	end
	prepared[key] = out
	return out
end

local M = require('Module:Partnership infobox/messages')

-- ("absent" | "placeholder" | "present", the usable value): bot.validate._presence.
local function presence(raw, rule, ctx)
	if rule.param.type == 'list' then
		local items, real = splitList(raw), {}
		for _, item in ipairs(items) do
			if not isPlaceholder(item, ctx.placeholders) then
				real[#real + 1] = item
			end
		end
		if #real > 0 then
			return 'present', table.concat(real, ', ')
		end
		return (#items > 0 and 'placeholder' or 'absent'), ''
	end
	if raw == '' then
		return 'absent', ''
	end
	if isPlaceholder(raw, ctx.placeholders) then
		return 'placeholder', ''
	end
	return 'present', raw
end

-- The folded value of the field a rule depends on, when it makes the rule required.
local function conditionValue(rule, args, ctx)
	if not rule.condField then
		return nil
	end
	local value = foldEnum(args[rule.condField] or '')
	local field = ctx.params[rule.condField]
	if field and field.enum[value] and rule.condValues[value] then
		return value
	end
	return nil
end

local function formatProblem(m, rule, value, rules)
	local kind = rule.param.type
	if kind == 'enum' and not rule.enum[foldEnum(value)] then
		return M.invalid(m, rules, rule, value)
	elseif kind == 'list' then
		local bad = {}
		for _, item in ipairs(splitList(value)) do
			if not rule.enum[foldEnum(item)] then
				bad[#bad + 1] = item
			end
		end
		return #bad > 0 and M.invalid(m, rules, rule, value, bad) or nil
	elseif (kind == 'date' and not parseDate(value)) or (kind == 'url' and not isHttpUrl(value))
		or (kind == 'link' and not hasLink(value)) then
		return M.invalid(m, rules, rule, value)
	end
	return nil
end

local function inList(list, value)
	for _, item in ipairs(list or {}) do
		if item == value then
			return true
		end
	end
	return false
end

-- The findings for an infobox's arguments (a table name -> value, positional ones under numbers)
-- on the day asOf ('YYYY-MM-DD'): a list of { field, code, severity, message }, sorted by field
-- and code as the bot sorts them; the messages in m's language (Module:Partnership tracker/i18n;
-- by default the wiki's configured one).
function p.validate(args, rules, asOf, m)
	m = m or require('Module:Partnership tracker/i18n').new()
	local ctx = p.prepare(rules)
	local found, list = {}, {}
	local function add(field, code, message)
		local key = field .. '\0' .. code
		if not found[key] then
			found[key] = true
			list[#list + 1] = {
				field = field, code = code, severity = (rules.severities or {})[code] or 'error', message = message,
			}
		end
	end
	local present = {}
	for name, rule in pairs(ctx.params) do
		local raw = args[name] or ''
		local state, value = presence(raw, rule, ctx)
		local condValue = conditionValue(rule, args, ctx)
		local required = rule.param.required == true or condValue ~= nil
		if state == 'absent' and required then
			add(name, 'missing', M.missing(m, rules, rule, condValue))
		elseif state == 'placeholder' and required then
			add(name, 'placeholder', M.placeholder(m, rules, rule, raw, condValue))
		elseif state == 'present' then
			local problem = formatProblem(m, rule, value, rules)
			if problem then
				add(name, 'invalid', problem)
			else
				present[name] = value
			end
		end
	end
	for name, rule in pairs(ctx.params) do
		local before = rule.param.not_before
		if before and present[name] and present[before] then
			local a, b = parseDate(present[name]), parseDate(present[before])
			if a and b and dateBefore(a, b) then
				add(name, 'date_order', M.date_order(m, rules, rule, present[name], present[before]))
			end
		end
		if rule.param.type == 'licence' and present[name] and isNonfree(present[name], rules) then
			add(name, 'nonfree_license', M.nonfree_license(m, rules, rule, present[name]))
		end
	end
	local stale, privacy = rules.stale or {}, rules.privacy or {}
	local reviewed = stale.field and parseDate(present[stale.field] or '')
	local year, month, day = asOf:match('^(%d+)-(%d+)-(%d+)$')
	if reviewed and inList(stale.when_status, foldEnum(present.status or ''))
		and dayNumber(tonumber(year), tonumber(month), tonumber(day)) - lastDay(reviewed) > stale.max_age_days then
		add(stale.field, 'stale', M.stale(m, rules, ctx.params[stale.field], present[stale.field], asOf))
	end
	if privacy.field and inList(privacy.risky_values, foldEnum(present[privacy.field] or '')) then
		add(privacy.field, 'privacy_risk', M.privacy_risk(m, rules, ctx.params[privacy.field], present[privacy.field]))
	end
	for key in pairs(args) do
		local name = tostring(key)
		if type(key) == 'number' or not rules.params[name] then
			add(name, 'unknown_param', M.unknown_param(m, rules, name, type(key) == 'number'))
		end
	end
	table.sort(list, function(a, b)
		if a.field ~= b.field then
			return a.field < b.field
		end
		return a.code < b.code
	end)
	return list
end

return p
