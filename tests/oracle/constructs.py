"""The constructs of issue 12, as wikitext snippets the page generator composes around and inside an
infobox (see :mod:`tests.oracle.generate`). Each list holds the well-formed and the broken forms."""

from __future__ import annotations

from tests.oracle import REDIRECT, TEMPLATE

#: A complete, valid infobox (no findings), so that any field a reader loses shows as a finding.
BASE_PARAMS: tuple[tuple[str, str], ...] = (
    ("partner", "Kiwix"),
    ("partner_url", "https://www.kiwix.org/"),
    ("model", "distribution"),
    ("goals", "dissemination, global-reach"),
    ("metrics", "Number of ZIM downloads per quarter"),
    ("coi_disclosure", "None known"),
    ("community_role", "Volunteers curate the offline selections"),
    ("status", "active"),
    ("start", "2012-05"),
    ("agreement", "project-plan"),
    ("transparency", "public"),
    ("feedback", "[[Talk:Kiwix|talk page]]"),
    ("content_license", "CC BY-SA 4.0"),
    ("data_sharing", "none"),
    ("last_reviewed", "2026-06-14"),
)

#: Extension tags closed, unclosed, wrongly closed, self-closing; bodies holding template syntax.
EXT = (
    '<ref name="r1">Annual report, p. 4</ref>',
    "<ref>a|b}}c</ref>",
    "<ref>{{cite web|url=https://example.org|title=T}}</ref>",
    "<ref>[[x|y]] {{ [[ |status=active</ref>",
    "<ref>}}</ref>",
    '<ref name="report">',
    '<ref name="r2" />',
    "<ref name=r3/>",
    "<ref>x</ ref>",
    "<ref>x</REF>",
    "<REF NAME=a>x</ref >",
    "<ref >x</ref\n>",
    "<ref>a<ref>b</ref>c</ref>",
    "<poem>",
    "<poem>a|b\n}}</poem>",
    "<references>",
    "<references/>",
    "<references />",
    '<indicator name="i">x|y</indicator>',
    '<indicator name="i">',
    '<templatestyles src="Oracle/styles.css" />',
    '<templatestyles src="a.css">',
    "<nowiki>|x=}}</nowiki>",
    "<nowiki/>",
    "<nowiki>",
    "</nowiki>",
    "<pre>}}|</pre>",
    "<pre>",
    "<math>a|b}}</math>",
    "<math>",
    "<chem>H2O|}}</chem>",
    '<syntaxhighlight lang="text">|}}</syntaxhighlight>',
    "<source>x}}</source>",
    "<score>{ c|d }</score>",
    "<gallery>\nFile:A.jpg|b=c\n</gallery>",
    "<section begin=a />",
    "<languages/>",
    "<translate>x|y</translate>",
    "<span>x|y}}</span>",
    "<ref",
    "<ref/",
    "<refs>x|y</refs>",
)

COMMENTS = (
    "<!-- c -->",
    "<!-- | }} {{ -->",
    "<!--",
    "\n<!-- alone on its line -->\n",
    "\n  <!-- a --> <!-- b -->  \n",
    "<!---->",
    "<!-- partner = x -->",
    "-->",
)

INCLUSION = (
    "<noinclude>x</noinclude>",
    "<includeonly>x</includeonly>",
    "<onlyinclude>x</onlyinclude>",
    "<noinclude>",
    "</noinclude>",
    "<includeonly>",
    "</includeonly>",
    "<onlyinclude>",
    "<NOINCLUDE>a</noinclude>",
    "<includeonly/>",
)

LINKS = (
    "[[x}}|b=c]]",
    "[[a|b]]",
    "[[File:X.png|thumb|a=b|c]]",
    "[https://example.org a|b]",
    "[[",
    "]]",
    "[[a]]]",
    "[[a|{{b}}]]",
    "[[{{a}}|b]]",
)

TEMPLATES = (
    "{{foo|a=b}}",
    "{{foo|{{bar|c}}}}",
    "{{#if:x|a|b}}",
    "{{#if:|a=b|c}}",
    "{{#switch:a|a=1|#default=2}}",
    "{{!}}",
    "{{=}}",
    "{{foo",
    "}}",
    "{{",
    "{{{",
    "}}}",
    "{{{x}}}",
    "{{{x|d}}}",
    "{{{1|{{foo}}}}}",
    "{{{{{x}}}}}",
    "{{ {{foo}} }}",
    "{{foo|}}}",
    "{{{{foo}}}}",
    "{{#invoke:x|y|a=b}}",
)

OTHER = (
    "-{ a|b }-",
    "-{a}-",
    "-{",
    "}-",
    "\n==a==\n",
    "\n== b = c ==\n",
    "&#124;",
    "&#125;&#125;",
    "&nbsp;",
    "''a|b''",
    "{|\n| a || b\n|}",
    "~~~~",
    "__NOTOC__",
)

#: Whitespace and characters MediaWiki treats specially (NBSP is not PHP whitespace; the API turns
#: CRLF into LF and C0 controls into U+FFFD).
SPACES = (" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u200e", "\r\n", "\x0b", "\x00", "\x01", " " * 40)

#: Every snippet family, for a uniform pick.
SNIPPETS = (EXT, COMMENTS, INCLUSION, LINKS, TEMPLATES, OTHER)


def name_variants(name: str) -> tuple[str, ...]:
    """Ways to write a template name that MediaWiki reads (some do, some do not transclude it)."""
    first, rest = name[0], name[1:]
    spaced = name.split(" ")
    return (
        name,
        first.lower() + rest,
        "Template:" + name,
        "template :" + name,
        ":Template:" + name,
        "TEMPLATE:" + name,
        name.replace(" ", "_"),
        name.replace(" ", "\u00a0", 1),
        name.replace(" ", "&nbsp;", 1),
        name.replace(" ", "&#32;", 1),
        f"&#x{ord(first):X};" + rest,
        f"&#{ord(first)};" + rest,
        name.replace(" ", "  ", 1),
        "safesubst:" + name,
        "SAFESUBST:" + name,
        "msg:" + name,
        "raw:" + name,
        "subst:" + name,
        "msgnw:" + name,
        "int:" + name,
        name + "#fragment",
        name + "\u200e",
        name + " " * 60,
        "\n " + name + " \n",
        spaced[0] + "<noinclude></noinclude> " + " ".join(spaced[1:]),
        spaced[0] + "<!-- c --> " + " ".join(spaced[1:]),
        spaced[0] + "<includeonly>x</includeonly> " + " ".join(spaced[1:]),
        name.replace(" ", "\t", 1),
        name.replace(" ", "\n", 1),
        name + "<nowiki/>",
        name + "{{!}}",
        name[:-1],
        name + "s",
    )


BOX_NAMES = (*name_variants(TEMPLATE), *name_variants(REDIRECT))

#: Ways to write a parameter's name around the name itself.
PARAM_NAME_FORMS = (
    "{}",
    " {} ",
    "{}\u00a0",
    "\u00a0{}",
    "{}\t",
    "\t{}",
    "{}\n",
    "{}<!-- c -->",
    "<!-- c -->{}",
    "{}<noinclude></noinclude>",
    "{}<includeonly>x</includeonly>",
    "{}<ref>x</ref>",
    "{}{{!}}",
    "{}\u2003",
    "{}\u200e",
    "{}\x0b",
)

#: Wrappers around the whole infobox ({} is the box).
WRAPPERS = (
    "<includeonly>{}</includeonly>",
    "<noinclude>{}</noinclude>",
    "<onlyinclude>{}</onlyinclude>",
    "<nowiki>{}</nowiki>",
    "<!-- {} -->",
    "<ref>{}</ref>",
    "<ref name=x>{}",
    "{{Box|content={}}}",
    "{{Box|{}}}",
    "{{#if:1|{}}}",
    "{{#if:|{}}}",
    "{{#if:|x|{}}}",
    "[[x|{}]]",
    "<poem>{}</poem>",
    "<pre>{}",
    "-{{}}-",
    "{{{x|{}}}}",
    "{{{x|y|{}}}}",
    "== {} ==",
    "<div>{}</div>",
    "<includeonly>{}",
    "<onlyinclude>{}</onlyinclude><onlyinclude>x</onlyinclude>",
)
