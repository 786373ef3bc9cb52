-- Module:Partnership incomplete
--
-- Renders the text of {{Partnership incomplete}}, the maintenance notice that the
-- partnership tracker bot puts as the first line of a partnership page whose
-- {{Partnership infobox}} is incomplete:
--
--   {{Partnership incomplete|missing=metrics,coi_disclosure|invalid=end|problem=multiple_infoboxes}}
--
-- Each list is comma-separated canonical infobox parameter names (sorted by the
-- bot); any list may be absent. Names are shown to readers in plain words, each
-- linked to the part of the partnership guidance it comes from. Unknown names are
-- shown as code (escaped), never dropped, so a newer bot never loses information.
--
-- Scribunto (Lua 5.1). Entry point: {{#invoke:Partnership incomplete|main}}, which
-- reads the arguments of the calling template, or the #invoke's own when it is
-- given missing=, invalid= or problem= (so documentation can show an example
-- without transcluding the template), and returns the whole notice box.
-- The category is added by the template, not here.
--
-- The words are the bot's messages (ptracker-wiki-notice-*) in the language of lang= (of the
-- template, or of the #invoke) when given, else the wiki's configured language (see
-- Module:Partnership tracker/i18n); the rules page's labels and hints may be given per language.

local p = {}

-- The community's rules page (JSON, read with mw.loadJsonData): the guidance page, the infobox's
-- name and, per parameter, the plain words (label), the guidance section and what a good value
-- looks like (help), so the notice and the bot's messages name fields the same way.
local RULES = 'Module:Partnership tracker/rules.json'

local rules = mw.loadJsonData(RULES)
local i18n = require('Module:Partnership tracker/i18n')

local GUIDANCE = rules.guidance_page

-- Where each parameter is explained (the template page transcludes its /doc,
-- which carries an anchor "param-<name>" per parameter).
local DOC = 'Template:' .. rules.infobox.name

-- Canonical parameter name -> plain words, guidance section (or nil) and, for
-- the "please correct" list, what a good value looks like (each a string, or
-- an object of language -> text: see Module:Partnership tracker/i18n).
local FIELDS = {}
for name, param in pairs(rules.params) do
	FIELDS[name] = { name = name, words = param.label, section = param.section, good = param.help }
end

-- Page-level problems (the "problem" parameter): their messages.
local PROBLEMS = {
	multiple_infoboxes = 'ptracker-wiki-notice-problem-multiple-infoboxes',
	no_infobox = 'ptracker-wiki-notice-problem-no-infobox',
}

local function trim(s)
	return mw.text.trim(s or '')
end

-- Split "a, b,,c" into {'a', 'b', 'c'}: trimmed, empties and repeats dropped,
-- order kept.
local function splitList(value)
	local items, seen = {}, {}
	value = trim(value)
	if value == '' then
		return items
	end
	for _, raw in ipairs(mw.text.split(value, ',', true)) do
		local item = trim(raw)
		if item ~= '' and not seen[item] then
			seen[item] = true
			items[#items + 1] = item
		end
	end
	return items
end

-- The FIELDS entry for a name as written; tolerates stray case, spaces and
-- hyphens ("COI disclosure"), though the bot always writes canonical names.
local function lookup(name)
	if FIELDS[name] then
		return FIELDS[name]
	end
	local folded = mw.ustring.lower(name):gsub('[%s%-]+', '_')
	return FIELDS[folded]
end

local function guidanceLink(section, text)
	if section then
		return '[[' .. GUIDANCE .. '#' .. section .. '|' .. text .. ']]'
	end
	return '[[' .. GUIDANCE .. '|' .. text .. ']]'
end

-- One field in plain words, linked to its guidance section, or to the infobox
-- documentation when the guidance has no section for it. The parameter name is
-- kept as a tooltip so editors can find it in the source.
local function describe(m, name, withHint)
	local field = lookup(name)
	if not field then
		return '<code>' .. mw.text.nowiki(name) .. '</code>'
	end
	local words, link = m:text(field.words), nil
	if field.section then
		link = guidanceLink(field.section, words)
	else
		link = '[[' .. DOC .. '#param-' .. field.name .. '|' .. words .. ']]'
	end
	local tooltip = mw.text.encode(m:msg('ptracker-wiki-notice-field-tooltip', field.name))
	local out = '<span title="' .. tooltip .. '">' .. link .. '</span>'
	if withHint and field.good then
		out = out .. ' <span style="color:#54595d;">(' .. m:text(field.good) .. ')</span>'
	end
	return out
end

local function describeAll(m, names, withHint)
	local parts = {}
	for i, name in ipairs(names) do
		parts[i] = describe(m, name, withHint)
	end
	return parts
end

-- Arguments: those given to the calling template; when the module is invoked
-- directly with arguments of its own (e.g. in documentation), those.
local function getArgs(frame)
	local own = frame.args or {}
	if own.missing or own.invalid or own.problem or own.lang then
		return own
	end
	local parent = frame:getParent()
	if parent then
		return parent.args
	end
	return own
end

function p.render(args)
	local m = i18n.new(args.lang)
	local missing = splitList(args.missing)
	local invalid = splitList(args.invalid)
	local problems = splitList(args.problem)

	local lines = {}
	lines[#lines + 1] = m:msg('ptracker-wiki-notice-intro', GUIDANCE)

	local items = {}
	for _, name in ipairs(problems) do
		if PROBLEMS[name] then
			items[#items + 1] = m:msg(PROBLEMS[name])
		else
			items[#items + 1] = m:msg('ptracker-wiki-notice-problem-other', '<code>' .. mw.text.nowiki(name) .. '</code>')
		end
	end
	if #missing > 0 then
		items[#items + 1] = m:msg('ptracker-wiki-notice-missing', m:list(describeAll(m, missing, false)))
	end
	if #invalid > 0 then
		local parts = describeAll(m, invalid, true)
		local shown = #parts == 1 and parts[1] or ('\n** ' .. table.concat(parts, '\n** '))
		items[#items + 1] = m:msg('ptracker-wiki-notice-invalid', shown, #parts)
	end
	if #items > 0 then
		lines[#lines + 1] = '\n* ' .. table.concat(items, '\n* ')
	end

	lines[#lines + 1] = '\n<div style="font-size:90%; margin-top:0.3em;">'
		.. m:msg('ptracker-wiki-notice-footer', DOC) .. '</div>'
	return table.concat(lines)
end

-- The notice box around the text: an "ambox"-like table with inline styles, as
-- the wiki has no site CSS for message boxes; lang and dir are the notice's language's.
function p.box(text, lang)
	local attrs = ''
	if lang then
		attrs = 'lang="' .. lang .. '" dir="' .. mw.language.new(lang):getDir() .. '" '
	end
	return '<table ' .. attrs .. 'class="plainlinks ambox ambox-content partnership-incomplete" role="presentation" '
		.. 'style="width:80%; margin:0 10% 1em; border:1px solid #a2a9b1; '
		.. 'border-left:10px solid #f28500; background:#fbfbfb; color:#202122; border-collapse:collapse;">'
		.. '<tr><td style="width:3em; padding:0.25em 0.5em; text-align:center; vertical-align:middle; '
		.. 'font-size:180%; color:#f28500;" aria-hidden="true">&#9888;</td>'
		.. '<td style="padding:0.35em 0.6em; vertical-align:middle;">\n'
		.. text
		.. '\n</td></tr></table>'
end

function p.main(frame)
	local args = getArgs(frame)
	return p.box(p.render(args), i18n.language(args.lang))
end

-- Exposed for testing.
p._splitList = splitList
p._describe = describe
p._FIELDS = FIELDS

return p
