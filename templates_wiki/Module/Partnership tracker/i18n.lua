-- Module:Partnership tracker/i18n
--
-- The words of the wiki side (the notice, the infobox, the editor's preview), in the page's
-- language. The messages are the bot's own catalogs (i18n/*.json in the bot's repository), which
-- install-templates writes onto the wiki as one JSON page, DATA below:
--
--   { "language": "<the wiki's configured language>", "messages": { "<lang>": { "<key>": "<text>" } } }
--
-- so there is one source and no copy kept by hand here. Formatting follows MediaWiki's message
-- syntax as the bot's bot/i18n.py does:
--
-- * $1 … $9 are parameters: a Lua number is written the language's way (mw.language:formatNum),
--   a string is inserted as it is (the caller escapes what an editor wrote);
-- * {{PLURAL:$n|form|form…}} takes the form for the number in parameter n by the language's plural
--   rules (mw.language:plural, MediaWiki's own CLDR data); a form "N=text" is taken when the number
--   is exactly N; too few forms: the last one. A | inside [[…]] or {{…}} does not split a form.
--   (Scribunto's mw.message has only :plain(), which leaves PLURAL as written.)
--
-- The language: the lang= argument when given (a valid language code), else the JSON's
-- "language", else English. A key missing in the language is taken from English (and its plural
-- forms read by English's rules); a key missing in English too is an error naming the key and the
-- page — a reader never sees a key in place of a message.
--
-- Rules-page texts (a parameter's label and help, a value's label) may be one string for every
-- language or an object of language -> text: text() takes the language's, else English's, else
-- the first by language code (bot/rules.py's text() takes the first as written: JSON's order is
-- lost in Lua); an empty text counts as none, an empty object gives ''.

local p = {}

local DATA = 'Module:Partnership tracker/i18n.json'
local FALLBACK = 'en'

local data

local function catalogs()
	if not data then
		local ok, loaded = pcall(mw.loadJsonData, DATA)
		if not ok or type(loaded) ~= 'table' or type(loaded.messages) ~= 'table' then
			error('[[' .. DATA .. ']] is missing or not a message catalog page: run the bot\'s install-templates', 0)
		end
		data = loaded
	end
	return data
end

-- The language to write in: lang (when a valid code), else the configured one, else English.
function p.language(lang)
	lang = mw.text.trim(lang or '')
	if lang ~= '' and mw.language.isValidCode(lang) then
		return mw.ustring.lower(lang)
	end
	local configured = catalogs().language
	if type(configured) == 'string' and configured ~= '' then
		return configured
	end
	return FALLBACK
end

-- Split a PLURAL's forms on | outside [[…]] and {{…}}.
local function splitForms(body)
	local forms, depth, first, i = {}, 0, 1, 1
	while i <= #body do
		local pair = body:sub(i, i + 1)
		if pair == '[[' or pair == '{{' then
			depth, i = depth + 1, i + 2
		elseif (pair == ']]' or pair == '}}') and depth > 0 then
			depth, i = depth - 1, i + 2
		else
			if body:sub(i, i) == '|' and depth == 0 then
				forms[#forms + 1] = body:sub(first, i - 1)
				first = i + 1
			end
			i = i + 1
		end
	end
	forms[#forms + 1] = body:sub(first)
	return forms
end

-- Index of the "}}" closing a PLURAL whose forms begin at first (nested braces count), or nil.
local function pluralEnd(text, first)
	local depth, i = 0, first
	while i <= #text do
		local pair = text:sub(i, i + 1)
		if pair == '{{' then
			depth, i = depth + 1, i + 2
		elseif pair == '}}' then
			if depth == 0 then
				return i
			end
			depth, i = depth - 1, i + 2
		else
			i = i + 1
		end
	end
	return nil
end

local function number(value)
	if type(value) == 'number' then
		return value
	end
	return tonumber(value or '') or 0
end

local function plural(language, n, body)
	local forms, plain = splitForms(body), {}
	for _, form in ipairs(forms) do
		local exact, rest = form:match('^%s*(%d+)=(.*)$')
		if exact then
			if tonumber(exact) == n then
				return rest
			end
		else
			plain[#plain + 1] = form
		end
	end
	if #plain == 0 then
		return ''
	end
	return language:plural(math.abs(n), plain)
end

local languages = {}

-- A message text with its PLURALs, then its parameters, filled in the language code. literal:
-- the message's own text (not the parameters) is escaped, to show as plain text.
function p.format(code, text, params, literal)
	local language = languages[code] or mw.language.new(code)
	languages[code] = language
	local out, pos = {}, 1
	while true do
		local s, e, n = text:find('{{[Pp][Ll][Uu][Rr][Aa][Ll]:%$([1-9])|', pos)
		if not s then
			break
		end
		local close = pluralEnd(text, e + 1)
		if not close then
			break
		end
		out[#out + 1] = text:sub(pos, s - 1)
		out[#out + 1] = plural(language, number(params[tonumber(n)]), text:sub(e + 1, close - 1))
		pos = close + 2
	end
	out[#out + 1] = text:sub(pos)
	local filled = table.concat(out)
	if literal then
		filled = mw.text.nowiki(filled)
	end
	return (filled:gsub('%$([1-9])', function(d)
		local value = params[tonumber(d)]
		if value == nil then
			return '$' .. d
		elseif type(value) == 'number' then
			return language:formatNum(value)
		end
		return tostring(value)
	end))
end

-- The messages of one language: m:msg(key, ...) (wikitext), m:literal(key, ...) (the message's
-- words shown as plain text, the parameters as given), m:text(rulesText), m:list(items), m.lang.
local Messages = {}
Messages.__index = Messages

function p.new(lang)
	return setmetatable({ lang = p.language(lang) }, Messages)
end

local function message(self, key, params, literal)
	local messages = catalogs().messages
	local own = messages[self.lang]
	local text, code = own and own[key], self.lang
	if text == nil then
		text, code = (messages[FALLBACK] or {})[key], FALLBACK
	end
	if text == nil then
		error('no message "' .. key .. '" in [[' .. DATA .. ']]: run the bot\'s install-templates', 0)
	end
	return p.format(code, text, params, literal)
end

function Messages:msg(key, ...)
	return message(self, key, { ... }, false)
end

function Messages:literal(key, ...)
	return message(self, key, { ... }, true)
end

-- A rules-page text in this language (a string, or an object of language -> text).
function p.text(value, lang)
	if type(value) ~= 'table' then
		return value
	end
	if (value[lang] or '') ~= '' then
		return value[lang]
	elseif (value[FALLBACK] or '') ~= '' then
		return value[FALLBACK]
	end
	local codes = {}
	for code in pairs(value) do
		codes[#codes + 1] = code
	end
	table.sort(codes)
	return codes[1] and value[codes[1]] or ''
end

function Messages:text(value)
	return p.text(value, self.lang)
end

-- Items joined the language's way ("a, b and c"), with MediaWiki's own separator messages.
function Messages:list(items)
	local function core(key)
		return mw.message.new(key):inLanguage(self.lang):plain()
	end
	return mw.text.listToText(items, core('comma-separator'), core('and') .. core('word-separator'))
end

return p
