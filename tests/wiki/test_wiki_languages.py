"""The wiki side in the wiki's language, on the real wiki: install-templates (the real bot, real
Pywikibot) with ``[site] language`` = en, fr or es writes the message page
``Module:Partnership tracker/i18n.json``; then, read back through ``action=parse``:

* the notice on a tagged page says, in that language, what the catalogs say, with its help links
  (each field to its guidance section, the infobox documentation) and the language's ``lang``;
* the editor's preview of an infobox with bad values shows, for each finding, the very message the
  bot writes in that language (``check_page(..., lang)``), under a heading whose plural follows the
  number of findings; the infobox's heading and links are in the language;
* English reads as before the catalogs existed;
* ``lang=`` of the notice overrides the configured language; a language without a catalog, or a
  message missing in the language, falls back to English, and no key is ever shown;
* labels and help texts of the rules page given as language maps are shown in the language.

Every test puts the English install (and the shipped rules) back: other modules share the wiki."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import pytest

from bot import i18n
from bot.check import saved_text
from bot.install import I18N_TITLE, i18n_file
from bot.parse import find_infobox, name_set
from bot.rules import DEFAULT_RULES, Rules, load_rules
from bot.validate import check_page
from bot.wikitext import DEFAULT_EXTENSION_TAGS, read

from .api import WikiApi
from .botrun import Bot, bot_fixture
from .conftest import DevWiki
from .test_devwiki import unique

RULES = "Module:Partnership tracker/rules.json"
TAG = "{{Partnership incomplete|missing=coi_disclosure,metrics|invalid=end}}\nText."
BAD_BOX = """{{Partnership infobox
| partner = TBD
| model = friendship
| goals = fame, awareness
| metrics = 3 uploads
| start = 2021-05
| end = 2020
| partner_url = www.example.org
| content_license = CC BY-NC 4.0
| status = active
| last_reviewed = 2019-01-01
| data_sharing = personal
| feedback = the talk page
| Metrics = x
}}"""
ONE_FINDING = """{{Partnership infobox
| partner = Example | model = content | goals = free-content | metrics = 3 uploads
| coi_disclosure = None known | community_role = Volunteers upload files | status = proposed
| partner_url = www.example.org
}}"""
SPAN = re.compile(
    r'<span class="partnership-preview-warning" data-field="([^"]*)" data-code="([^"]*)"[^>]*>(.*?)</span>', re.DOTALL
)
LANGS = ("en", "fr", "es")
BOT_ONLY = {"duplicate_param", "no_infobox", "multiple_infoboxes"}


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """The wiki side installed in English (the shipped configuration)."""
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


@contextmanager
def installed_in(bot: Bot, lang: str) -> Iterator[Bot]:
    """The real install-templates with ``[site] language = lang``; English installed again afterwards."""
    config = bot.workdir / f"bot-{lang}.toml"
    text = bot.config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^language = .*$", f'language = "{lang}"', text, flags=re.MULTILINE), encoding="utf-8")
    other = Bot(bot.devwiki, config, bot.workdir)
    other.ok("install-templates")
    try:
        yield other
    finally:
        bot.ok("install-templates")


@contextmanager
def configured(api: WikiApi, lang: str) -> Iterator[None]:
    """The wiki side in ``lang``: the one page a language changes, written as install-templates
    writes it (:func:`test_the_message_page_follows_the_configured_language` runs the real install
    and checks it writes exactly this page); English put back afterwards. Two installs per test
    made this module take minutes."""
    api.edit(I18N_TITLE, i18n_file(lang, i18n.load()).text, f"tests: the wiki side in {lang}")
    try:
        yield
    finally:
        api.edit(I18N_TITLE, i18n_file("en", i18n.load()).text, "tests: the wiki side in English again")


@pytest.fixture(scope="module", params=LANGS)
def wiki_lang(request: pytest.FixtureRequest, bot: Bot, admin_api: WikiApi) -> Iterator[str]:
    """Each language's wiki side once per module (pytest groups the tests by it): every edit of
    the message page makes the wiki refresh every page that reads it, about 10 s here."""
    lang: str = request.param
    with configured(admin_api, lang) if lang != "en" else nullcontext():
        yield lang


def rendered(api: WikiApi, text: str, title: str = "Language check") -> str:
    """The HTML of ``text`` previewed as ``title`` (no revision: an editor's preview)."""
    out: str = api.parse(text, title=title, prop="text")["text"]
    assert "scribunto-error" not in out, out[:2000]
    assert "ptracker-" not in out, "a message key is shown"
    return out


def expanded(api: WikiApi, text: str, title: str = "Language check") -> str:
    """The wikitext ``text`` expands to (links as written: the guidance page does not exist here,
    and a red link's HTML drops the section)."""
    out: str = api.post(action="expandtemplates", text=text, title=title, prop="wikitext")["expandtemplates"][
        "wikitext"
    ]
    return out


def plain(markup: str) -> str:
    """Text as a reader sees it: tags dropped, entities decoded, spaces (no-break too) collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def wikitext_words(wikitext: str) -> str:
    """A message's wikitext as the reader sees it: links by their text, bold and italics dropped."""
    text = re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", wikitext)
    return plain(text.replace("'''", "").replace("''", ""))


def bot_messages(text: str, rules: Rules, lang: str) -> dict[tuple[str, str], str]:
    """The bot's field-level findings (those with a field) for ``text`` in ``lang``: (field, code) -> message
    as read."""
    names = name_set((rules.infobox_name, *rules.aliases))
    today = dt.datetime.now(dt.UTC).date()
    result = check_page(
        "Preview", find_infobox(read(saved_text(text), DEFAULT_EXTENSION_TAGS), names), rules, today, lang
    )
    # links (the guidance, a help text's [[Talk:…]]) are read by their target; the words of a
    # message that name a link ("[[wikilink]]") stay as written
    links = re.compile(r"\[\[([^\]|]*[#:][^\]|]*)\]\]")
    return {(f.field, f.code): plain(links.sub(r"\1", f.message)) for f in result.findings if f.field}


def test_the_message_page_is_the_catalogs_as_json(bot: Bot, admin_api: WikiApi) -> None:
    _, text = admin_api.read(I18N_TITLE)
    assert json.loads(text) == json.loads(i18n_file("en", i18n.load()).text)
    info = admin_api.get(action="query", titles=I18N_TITLE, prop="info")["query"]["pages"][0]
    assert info["contentmodel"] == "json"


def test_the_message_page_follows_the_configured_language(bot: Bot, admin_api: WikiApi) -> None:
    with installed_in(bot, "fr"):
        _, text = admin_api.read(I18N_TITLE)
        assert json.loads(text) == json.loads(i18n_file("fr", i18n.load()).text)
    assert json.loads(admin_api.read(I18N_TITLE)[1])["language"] == "en"


def test_the_notice_is_in_the_configured_language_with_its_help_links(
    bot: Bot, admin_api: WikiApi, wiki_lang: str
) -> None:
    lang = wiki_lang  # the wiki side is in this language (the module's fixture)
    rules = load_rules()
    m = i18n.messages(lang)
    out = rendered(admin_api, TAG)
    wikitext = expanded(admin_api, TAG)
    notice = out[out.index("partnership-incomplete") - 100 : out.index("</table>")]
    assert f'lang="{lang}"' in notice
    shown = plain(notice)
    assert wikitext_words(m.text("ptracker-wiki-notice-intro", rules.guidance_page)) in shown
    assert plain(m.text("ptracker-wiki-notice-missing", "")).rstrip(".") in shown
    assert wikitext_words(m.text("ptracker-wiki-notice-footer", "Template:Partnership infobox")) in shown
    for field in ("coi_disclosure", "metrics", "end"):
        rule = rules.params[field]
        assert rule.label_in(lang) in shown, field
        target = (
            f"{rules.guidance_page}#{rule.section}" if rule.section else f"Template:Partnership infobox#param-{field}"
        )
        assert f"[[{target}|{rule.label_in(lang)}]]" in wikitext, field
    assert "[[Template:Partnership infobox|" in wikitext, "the link to the infobox documentation"
    if lang == "en":  # English reads as before the catalogs
        assert (
            "This partnership page is incomplete. Some of what the partnership guidance asks every partnership" in shown
        )
        assert "Please fill in: conflict-of-interest disclosure and specific goals or metrics." in shown
        assert "Please correct the end date (" in shown
    else:
        assert "This partnership page is incomplete" not in shown and "Please" not in shown


def test_the_preview_says_what_the_bot_says_in_the_configured_language(
    bot: Bot, admin_api: WikiApi, wiki_lang: str
) -> None:
    lang = wiki_lang  # the wiki side is in this language (the module's fixture)
    rules = load_rules()
    m = i18n.messages(lang)
    many = rendered(admin_api, BAD_BOX, "Preview language")
    one = rendered(admin_api, ONE_FINDING, "Preview language")
    expected = bot_messages(BAD_BOX, rules, lang)
    shown = {(html.unescape(f), html.unescape(c)): plain(text) for f, c, text in SPAN.findall(many)}
    assert set(shown) == {k for k in expected if k[1] not in BOT_ONLY} and len(shown) >= 12
    for key, message in shown.items():
        assert message == expected[key], key
    heading = wikitext_words(m.text("ptracker-wiki-preview-intro", "Template:Partnership infobox", len(shown)))
    assert heading in plain(many)
    assert plain(m.text("ptracker-wiki-preview-error")) in plain(many)
    assert plain(m.text("ptracker-wiki-preview-warning")) in plain(many)
    assert wikitext_words(m.text("ptracker-wiki-preview-intro", "Template:Partnership infobox", 1)) in plain(one)
    assert m.text("ptracker-wiki-infobox-heading") in plain(many)
    assert m.text("ptracker-wiki-infobox-help") in plain(many)


def test_plural_forms_follow_the_language(bot: Bot, admin_api: WikiApi) -> None:
    """One finding: French's singular ("ce point"), several: its plural with the number."""
    with configured(admin_api, "fr"):
        one = plain(rendered(admin_api, ONE_FINDING, "Preview plural"))
        many = plain(rendered(admin_api, BAD_BOX, "Preview plural"))
    assert "signalerait ce point dans l'infobox" in one
    assert re.search(r"signalerait ces \d+ points dans l'infobox", many)


def test_lang_overrides_and_english_is_the_fallback(bot: Bot, admin_api: WikiApi) -> None:
    es = plain(rendered(admin_api, "{{Partnership incomplete|missing=metrics|lang=es}}"))
    assert "Esta página de alianza está incompleta." in es and "Falta completar:" in es
    for code in ("de", "not a code"):  # no catalog, or no language: English
        shown = plain(rendered(admin_api, f"{{{{Partnership incomplete|missing=metrics|lang={code}}}}}"))
        assert "This partnership page is incomplete." in shown and "Please fill in:" in shown, code
    data = json.loads(admin_api.read(I18N_TITLE)[1])
    del data["messages"]["fr"]["ptracker-wiki-notice-missing"]
    admin_api.edit(I18N_TITLE, json.dumps(data), "tests: one French message missing")
    try:
        shown = plain(rendered(admin_api, "{{Partnership incomplete|missing=metrics|lang=fr}}"))
    finally:
        admin_api.edit(I18N_TITLE, i18n_file("en", i18n.load()).text, "tests: every message back")
    assert "Cette fiche de partenariat est incomplète." in shown, "the language's messages"
    label = load_rules().params["metrics"].label_in("fr")
    assert f"Please fill in: {label}." in shown, "the missing one in English (the label still French)"


def test_rules_texts_given_per_language(bot: Bot, admin_api: WikiApi) -> None:
    rules = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules["params"]["metrics"]["label"] = {
        "en": "specific goals",
        "fr": "objectifs précis",
        "es": "objetivos concretos",
    }
    rules["params"]["end"]["help"] = {"fr": "une date AAAA-MM-JJ", "en": "a date YYYY-MM-DD"}
    content = next(v for v in rules["values"]["model"] if v["value"] == "content")
    content["label"] = {"en": "Content", "fr": "Contenus"}
    try:
        with configured(admin_api, "fr"):
            admin_api.edit(RULES, json.dumps(rules), "tests: labels per language")
            notice = plain(rendered(admin_api, TAG))
            box = plain(rendered(admin_api, ONE_FINDING, "Preview labels"))
            english = plain(rendered(admin_api, "{{Partnership incomplete|missing=metrics|invalid=end|lang=en}}"))
            spanish = plain(rendered(admin_api, "{{Partnership incomplete|missing=metrics|invalid=end|lang=es}}"))
    finally:
        admin_api.edit(RULES, DEFAULT_RULES.read_text(encoding="utf-8"), "tests: the shipped rules back")
    assert "objectifs précis" in notice and "(une date AAAA-MM-JJ)" in notice
    assert "Objectifs précis" in box and "Contenus" in box, "the infobox's label and value label"
    assert "specific goals" in english and "(a date YYYY-MM-DD)" in english
    assert "objetivos concretos" in spanish and "(a date YYYY-MM-DD)" in spanish, "no Spanish help: English's"


#: (languages, message, numbers). Forms as translators write them: two in en, fr, es; three in ru.
#: (MediaWiki 1.43 gives fr and es the plural categories one and other, Babel's CLDR adds "many",
#: so a third French form would be read differently; two forms read the same.) Numbers below 1,000:
#: the module writes them with MediaWiki's formatNum, the bot with Babel, and the two group digits
#: differently in Spanish (1234: "1234" and "1.234"; 12345: "12 345" and "12.345").
FORMAT_CASES = [
    (("en", "fr", "es"), "{{PLURAL:$1|$1 page|$1 pages}}", [0, 1, 2, 5, 21, 101, 999]),
    (("ru",), "{{PLURAL:$1|$1 страница|$1 страницы|$1 страниц}}", [0, 1, 2, 5, 21, 22, 111]),
    (("en", "fr", "es", "ru"), "{{PLURAL:$1|0=none|one $1|$1 many}} and {{PLURAL:$1|1=just one|other}}", [0, 1, 3]),
    (("en", "fr", "es"), "{{PLURAL:$1|[[A|b]] $1|[[C|d]] {{x|y}} $1}} $2 $3", [1, 4]),
    (("en", "fr", "es"), "{{plural:$1|only one form}}, $1", [1, 2]),
]


def test_the_modules_format_messages_as_the_bot_does(bot: Bot, admin_api: WikiApi) -> None:
    """Module:Partnership tracker/i18n's format against bot/i18n.py's for the same message, language
    and number: PLURAL forms by each language's rules (Russian's three too), explicit N= forms, a |
    inside a link or template, too few forms, case of PLURAL, a parameter not given."""
    runs = [(lang, text, n) for langs, text, numbers in FORMAT_CASES for lang in langs for n in numbers]
    cases = [{"lang": lang, "text": text, "params": [n, "two"]} for lang, text, n in runs]
    module = unique("Module:I18n format check")
    admin_api.edit(
        module,
        "local i18n = require('Module:Partnership tracker/i18n')\n"
        f"local cases = mw.text.jsonDecode([==[{json.dumps(cases)}]==])\n"
        "return { run = function() local out = {}\n"
        "  for i, c in ipairs(cases) do out[i] = i18n.format(c.lang, c.text, c.params) end\n"
        "  return mw.text.jsonEncode(out) end }",
        "tests: the message formatter",
    )
    call = "{{#invoke:" + module.removeprefix("Module:") + "|run}}"
    reply = admin_api.post(action="expandtemplates", text=call, title="Format check", prop="wikitext")
    lua = json.loads(reply["expandtemplates"]["wikitext"])
    catalogs = i18n.Catalogs(by_lang={code: {} for code in ("en", "fr", "es", "ru")}, documentation={})
    for (lang, text, n), got in zip(runs, lua, strict=True):
        expected = i18n.Messages(lang, catalogs).format(text, n, "two")
        assert plain(html.unescape(got)) == plain(expected), (lang, text, n)


def test_the_rules_in_words_on_the_documentation_follow_the_language(
    bot: Bot, admin_api: WikiApi, wiki_lang: str
) -> None:
    lang = wiki_lang  # the wiki side is in this language (the module's fixture)
    m = i18n.messages(lang)
    shown = plain(rendered(admin_api, "{{#invoke:Partnership infobox|rules}}", "Template:Partnership infobox/doc"))
    for column in ("parameter", "label", "required", "value", "guidance"):
        assert m.text(f"ptracker-wiki-doc-column-{column}") in shown, column
    assert wikitext_words(m.text("ptracker-wiki-doc-intro", RULES)) in shown
    assert plain(m.text("ptracker-wiki-doc-kind-text")) in shown
    if lang == "en":  # as before the catalogs
        assert "Free text. For example: the organisation or person the Foundation works with" in shown
        assert "last_reviewed more than 365 days ago, while status is active, gets a warning." in shown
        assert "; warnings do not: duplicate_param, privacy_risk, stale and unknown_param." in shown
