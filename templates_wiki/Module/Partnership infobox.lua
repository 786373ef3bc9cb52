-- Module:Partnership infobox
--
-- {{Partnership infobox}}, drawn from the community's rules page (RULES below, a JSON page read
-- with mw.loadJsonData): every parameter the rules define, in the page's order, under its label;
-- allowed values shown by their display names; empty rows left out. Entry points:
--
--   {{#invoke:Partnership infobox|main|revision={{REVISIONID}}}}  the infobox (the template's
--       arguments); when revision is empty (a preview: MediaWiki gives {{REVISIONID}} no value
--       before the page is saved) a box above it lists what the bot would report on the fields,
--       each as <span class="partnership-preview-warning" data-field=… data-code=…>.
--   {{#invoke:Partnership infobox|rules}}   the rules in words, for the documentation.
--   {{#invoke:Partnership infobox|blank}}   a blank copy of the infobox, in <pre>.
--
-- The checks are Module:Partnership infobox/check (the bot's field-level checks, in Lua).
--
-- Words: the bot's messages (Module:Partnership tracker/i18n) in the wiki's configured language,
-- or in the language of the #invoke's lang= (not the template's: lang is no infobox parameter);
-- labels and value labels of the rules page may be given per language.

local check = require('Module:Partnership infobox/check')
local i18n = require('Module:Partnership tracker/i18n')

local p = {}

-- The rules page (its content model is JSON: Scribunto gives it to Module pages ending in .json).
local RULES = 'Module:Partnership tracker/rules.json'

local function loadRules(frame)
	local title = (frame and frame.args.rules and frame.args.rules ~= '') and frame.args.rules or RULES
	return mw.loadJsonData(title), title
end

-- The keys of the top-level "params" object of a JSON text, in written order (a scan of its
-- strings and brackets; JSON escapes in a key are left as written).
local function paramKeys(text)
	local keys, depth, top, inParams, i = {}, 0, nil, false, 1
	while true do
		i = text:find('["{}%[%]]', i)
		if not i then
			return keys
		end
		local c = text:sub(i, i)
		if c == '"' then
			local j = i + 1
			while true do
				local k = text:find('["\\]', j)
				if not k then
					return keys
				elseif text:sub(k, k) == '\\' then
					j = k + 2
				else
					j = k
					break
				end
			end
			if text:match('^%s*:', j + 1) then
				local key = text:sub(i + 1, j - 1)
				if depth == 1 then
					top = key
				elseif depth == 2 and inParams then
					keys[#keys + 1] = key
				end
			end
			i = j + 1
		else
			if c == '{' or c == '[' then
				depth = depth + 1
				if depth == 2 then
					inParams = top == 'params' and c == '{'
				end
			else
				depth = depth - 1
			end
			i = i + 1
		end
	end
end

-- The parameters in the order the rules page lists them. A JSON object has no order in Lua, so
-- the order is read from the page's text. Any name not found that way follows, sorted.
function p.order(rules, title)
	local order, seen = {}, {}
	for _, name in ipairs(paramKeys(mw.title.new(title):getContent() or '')) do
		if rules.params[name] and not seen[name] then
			seen[name] = true
			order[#order + 1] = name
		end
	end
	local rest = {}
	for name in pairs(rules.params) do
		if not seen[name] then
			rest[#rest + 1] = name
		end
	end
	table.sort(rest)
	for _, name in ipairs(rest) do
		order[#order + 1] = name
	end
	return order
end

local function ucfirst(s)
	return mw.getContentLanguage():ucfirst(s)
end

-- A value as shown: allowed values by their display names in the language (each item of a list).
local function display(m, rule, value)
	local kind = rule.param.type
	if kind == 'enum' then
		return m:text(rule.enum[check.foldEnum(value)]) or value
	elseif kind == 'list' then
		local items = check.splitList(value)
		for i, item in ipairs(items) do
			items[i] = m:text(rule.enum[check.foldEnum(item)]) or item
		end
		return table.concat(items, ', ')
	end
	return value
end

local CELL = 'text-align:left; vertical-align:top; padding:0.2em 0.4em 0.2em 0;'

local function infobox(m, args, rules, title)
	local ctx = check.prepare(rules)
	local current = mw.title.getCurrentTitle()
	local caption = current.text
	if current.namespace == 10 and (args.partner or '') ~= '' then
		caption = args.partner
	end
	local box = mw.html.create('table')
		:addClass('infobox partnership-infobox')
		:cssText('float:right; clear:right; width:22em; margin:0 0 1em 1em; padding:0.2em; '
			.. 'border:1px solid #a2a9b1; border-spacing:3px; background:#f8f9fa; color:#202122; '
			.. 'font-size:88%; line-height:1.5em;')
	box:tag('caption'):cssText('font-size:125%; font-weight:bold; padding:0.2em;'):wikitext(caption)
	box:tag('tr'):tag('th'):attr('colspan', '2')
		:cssText('background:#cedff2; text-align:center; padding:0.2em;'):wikitext(m:msg('ptracker-wiki-infobox-heading'))
	for _, name in ipairs(p.order(rules, title)) do
		local value = args[name] or ''
		if value ~= '' then
			local rule = ctx.params[name]
			local shown = display(m, rule, value)
			if shown:find('^[*#:;]') then
				shown = '\n' .. shown .. '\n'
			end
			local row = box:tag('tr'):attr('data-param', name)
			row:tag('th'):attr('scope', 'row'):cssText(CELL .. ' width:40%;'):wikitext(ucfirst(m:text(rule.param.label)))
			row:tag('td'):cssText('vertical-align:top; overflow-wrap:anywhere; word-break:break-word;')
				:wikitext(shown)
		end
	end
	box:tag('tr'):tag('td'):attr('colspan', '2')
		:cssText('text-align:center; font-size:90%; padding-top:0.3em; border-top:1px solid #a2a9b1;')
		:wikitext('[[' .. rules.guidance_page .. '|' .. m:msg('ptracker-wiki-infobox-guidance') .. ']] · [[Template:'
			.. rules.infobox.name .. '|' .. m:msg('ptracker-wiki-infobox-help') .. ']]')
	return tostring(box)
end

-- The preview box: every field-level finding, as a span the tests (and gadgets) can read.
function p.previewBox(m, findings, rules)
	if #findings == 0 then
		return ''
	end
	local lines = {}
	for _, f in ipairs(findings) do
		local span = mw.html.create('span')
			:addClass('partnership-preview-warning')
			:attr('data-field', f.field)
			:attr('data-code', f.code)
			:attr('data-severity', f.severity)
			:wikitext(f.message)
		local severity = f.severity == 'warning' and ("''" .. m:msg('ptracker-wiki-preview-warning') .. "'' ")
			or ("'''" .. m:msg('ptracker-wiki-preview-error') .. "''' ")
		lines[#lines + 1] = '* ' .. severity .. tostring(span)
	end
	return '<div lang="' .. m.lang .. '" dir="' .. mw.language.new(m.lang):getDir() .. '" '
		.. 'class="partnership-preview-warnings" style="clear:both; margin:0 0 1em; padding:0.4em 0.8em; '
		.. 'border:1px solid #a2a9b1; border-left:6px solid #f28500; background:#fef6e7; color:#202122;">'
		.. m:msg('ptracker-wiki-preview-intro', 'Template:' .. rules.infobox.name, #findings) .. '\n'
		.. table.concat(lines, '\n') .. '\n</div>\n'
end

-- Today, as the bot's checks take it (UTC).
local function today()
	return os.date('!%Y-%m-%d')
end

function p.main(frame)
	local rules, title = loadRules(frame)
	local parent = frame:getParent()
	local args = parent and parent.args or {}
	local m = i18n.new(frame.args.lang)
	local out = infobox(m, args, rules, title)
	local transcluded = parent and parent:getTitle() ~= mw.title.getCurrentTitle().prefixedText
	if transcluded and mw.text.trim(frame.args.revision or '') == '' then
		out = p.previewBox(m, check.validate(args, rules, today(), m), rules) .. out
	end
	return out
end


-- Code items joined as alternatives in the language ("a, b or c").
local function codeList(m, values)
	local items = {}
	for i, v in ipairs(values) do
		items[i] = '<code>' .. mw.text.nowiki(v) .. '</code>'
	end
	if #items < 2 then
		return items[1] or ''
	end
	local last = table.remove(items)
	local comma = mw.message.new('comma-separator'):inLanguage(m.lang):plain()
	return m:msg('ptracker-wiki-doc-or', table.concat(items, comma), last)
end

-- Code items joined as a list in the language ("a, b and c").
local function codes(m, values)
	local items = {}
	for i, v in ipairs(values) do
		items[i] = '<code>' .. mw.text.nowiki(v) .. '</code>'
	end
	return m:list(items)
end

-- When a parameter is required, in words.
function p.requiredText(m, param)
	if param.required == true then
		return "'''" .. m:msg('ptracker-wiki-doc-required-always') .. "'''"
	elseif type(param.required) == 'table' then
		local parts = {}
		for field, values in pairs(param.required) do
			parts[#parts + 1] = "'''" .. m:msg('ptracker-wiki-doc-required-when', field, codeList(m, values)) .. "'''"
		end
		table.sort(parts)
		return table.concat(parts, '; ')
	end
	return m:msg('ptracker-wiki-doc-required-no')
end

-- {{#invoke:Partnership infobox|rules}}: the rules page in words: a table of the parameters (each
-- row with the anchor param-<name> the notice links to) and the page-wide rules; in the wiki's
-- language, or the #invoke's lang=.
function p.rules(frame)
	local rules, title = loadRules(frame)
	local ctx, m = check.prepare(rules), i18n.new(frame.args.lang)
	local columns = {}
	for i, column in ipairs({ 'parameter', 'label', 'required', 'value', 'guidance' }) do
		columns[i] = m:msg('ptracker-wiki-doc-column-' .. column)
	end
	local out = {
		m:msg('ptracker-wiki-doc-intro', title),
		'{| class="wikitable" style="width:100%;"',
		'! ' .. table.concat(columns, ' !! '),
	}
	for _, name in ipairs(p.order(rules, title)) do
		local param = rules.params[name]
		local value = { m:msg('ptracker-wiki-doc-kind-' .. param.type) }
		for _, item in ipairs((rules.values or {})[param.values or ''] or {}) do
			value[#value + 1] = '\n* <code>' .. mw.text.nowiki(item.value) .. '</code> – ' .. m:text(item.label or item.value)
		end
		value[#value + 1] = (#value > 1 and '\n' or ' ')
			.. m:msg('ptracker-wiki-doc-example', mw.text.nowiki(m:text(param.help)))
		if param.not_before then
			value[#value + 1] = ' ' .. m:msg('ptracker-wiki-doc-not-before', param.not_before)
		end
		local guidance = ''
		if param.section then
			guidance = '[[' .. rules.guidance_page .. '#' .. param.section .. '|' .. param.section .. ']]'
				.. (param.point and (' ("' .. param.point .. '")') or '')
		end
		out[#out + 1] = '|- id="param-' .. name .. '"'
		out[#out + 1] = '| <code>' .. name .. '</code> || ' .. ucfirst(m:text(param.label)) .. ' || '
			.. p.requiredText(m, param) .. ' || ' .. table.concat(value) .. '\n| ' .. guidance
	end
	out[#out + 1] = '|}'
	local words = {}
	for word in pairs(ctx.placeholders) do
		words[#words + 1] = word
	end
	table.sort(words)
	out[#out + 1] = '* ' .. m:msg('ptracker-wiki-doc-placeholders', codeList(m, words))
	local phrases = (rules.licences or {}).nonfree_phrases
	if phrases then
		local shown = {}
		for i, phrase in ipairs(phrases) do
			shown[i] = (phrase:gsub('|', ' / '))
		end
		out[#out + 1] = '* ' .. m:msg('ptracker-wiki-doc-licence', codeList(m, shown))
	end
	local stale, privacy = rules.stale or {}, rules.privacy or {}
	if stale.field then
		out[#out + 1] = '* ' .. m:msg('ptracker-wiki-doc-stale', stale.field, stale.max_age_days,
			codeList(m, stale.when_status or {}))
	end
	if privacy.field then
		out[#out + 1] = '* ' .. m:msg('ptracker-wiki-doc-privacy', privacy.field, codeList(m, privacy.risky_values or {}))
	end
	local errors, warnings = {}, {}
	for code, severity in pairs(rules.severities or {}) do
		local list = severity == 'warning' and warnings or errors
		list[#list + 1] = code
	end
	table.sort(errors)
	table.sort(warnings)
	out[#out + 1] = '* ' .. m:msg('ptracker-wiki-doc-severities', codes(m, errors), codes(m, warnings))
	return table.concat(out, '\n')
end

-- {{#invoke:Partnership infobox|blank}}: every parameter, empty, in <pre>.
function p.blank(frame)
	local rules, title = loadRules(frame)
	local order, width = p.order(rules, title), 0
	for _, name in ipairs(order) do
		width = math.max(width, #name)
	end
	local lines = { '{{' .. rules.infobox.name }
	for _, name in ipairs(order) do
		lines[#lines + 1] = '| ' .. name .. string.rep(' ', width - #name) .. ' = '
	end
	lines[#lines + 1] = '}}'
	return frame:extensionTag('pre', mw.text.nowiki(table.concat(lines, '\n')))
end

return p
