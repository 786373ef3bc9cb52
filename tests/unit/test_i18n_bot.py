"""Every word the bot writes, in the wiki's language: findings (every code), the offline checker's
output, the status page, edit summaries, the run summary, the rules page's language maps and the
TemplateData built from them. Pure: no wiki."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from bot import edit_summaries
from bot import rules as rules_module
from bot.check import check_text
from bot.cli import main
from bot.config import load_config
from bot.errors import ConfigError
from bot.i18n import messages
from bot.model import PageResult, RunReport, Skip
from bot.rules import FINDING_CODES, Rules, parse_rules_text
from bot.run_summary import progress_text, run_line
from bot.status_page import backoff_line, is_backoff, is_stamp, needs_save, render_status, status_page
from bot.tagging import Tag
from tests.conftest import AS_OF, ROOT

RULES_FILE = ROOT / "templates_wiki" / "Module" / "Partnership tracker" / "rules.json"
LANGS = ("fr", "es")

#: Pages that between them raise every finding code, every kind of ``invalid``, an unknown
#: parameter with and without a guess, and a positional one.
PAGES = {
    "Everything wrong": """{{Partnership infobox
| partner = TBD
| partner_url = ftp://example.org
| model = foo
| goals = free-content, bogus, other
| metrics =
| coi_disclosure = None known
| community_role = Volunteers
| status = active
| start = 2020-02-30
| agreement = mou
| feedback = the talk page
| content_license = CC BY-NC 4.0
| data_sharing = personal
| last_reviewed = 2020-01-01
| Metrics = 3
| logo = x.png
| contact = a
| contact = b
| stray
}}""",
    "Dates reversed": """{{Partnership infobox|partner=P|model=legal|goals=privacy|metrics=m
|coi_disclosure=None known|community_role=c|status=completed|start=2012-05|end=2011-06|agreement=mou
|impact_report=[[R]]|lessons=L}}""",
    "No infobox": "Just text.",
    "Two infoboxes": "{{Partnership infobox|partner=A}}\n{{Partnership infobox|partner=B}}",
}


def _results(rules: Rules, lang: str) -> list[PageResult]:
    return [check_text(title, text, rules, AS_OF, lang=lang) for title, text in PAGES.items()]


def test_the_pages_raise_every_finding_code(rules: Rules) -> None:
    codes = {f.code for r in _results(rules, "en") for f in r.findings}
    assert codes == set(FINDING_CODES)


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_is_translated_and_fully_formatted(rules: Rules, lang: str) -> None:
    """Each finding's message differs from the English one, has no ``$n`` or PLURAL left, and
    names the field it is about; the findings themselves (fields, codes, severities) are the same."""
    english = [f for r in _results(rules, "en") for f in r.findings]
    translated = [f for r in _results(rules, lang) for f in r.findings]
    assert [(f.field, f.code, f.severity) for f in translated] == [(f.field, f.code, f.severity) for f in english]
    assert len(translated) >= 16
    for en, tr in zip(english, translated, strict=True):
        assert tr.message != en.message, (lang, tr.code, tr.message)
        assert not re.search(r"\$\d|\{\{PLURAL", tr.message, re.IGNORECASE), (lang, tr.message)
        if tr.field and tr.code != "unknown_param":
            assert tr.field in tr.message, (lang, tr.message)


def test_findings_use_the_rules_page_texts_in_the_language(rules: Rules) -> None:
    by_lang = {
        lang: {(f.field, f.code): f.message for r in _results(rules, lang) for f in r.findings}
        for lang in ("en", "fr", "es")
    }
    assert "metrics (specific goals or metrics) is missing" in by_lang["en"][("metrics", "missing")]
    assert "Le champ metrics (objectifs précis ou indicateurs) est manquant" in by_lang["fr"][("metrics", "missing")]
    assert "Falta el campo metrics (objetivos concretos o métricas)" in by_lang["es"][("metrics", "missing")]
    assert (
        "Demandez au partenaire une licence libre comme CC BY-SA 4.0"
        in by_lang["fr"][("content_license", "nonfree_license")]
    )
    assert "¿Querías decir metrics?" in by_lang["es"][("Metrics", "unknown_param")]


def test_plurals_and_numbers_follow_the_language(rules: Rules) -> None:
    """The stale finding's day count: CLDR plural forms and digit grouping per language."""
    few = dataclasses.replace(rules, stale_days=1)
    many = dataclasses.replace(rules, stale_days=1500)
    page = PAGES["Everything wrong"]

    def stale(r: Rules, lang: str) -> str:
        (finding,) = [f for f in check_text("P", page, r, AS_OF, lang=lang).findings if f.code == "stale"]
        return finding.message

    assert "more than 1 day ago" in stale(few, "en")
    assert "more than 1,500 days ago" in stale(many, "en")
    assert "il y a plus de 1 jour," in stale(few, "fr")
    assert "plus de 1\u202f500 jours," in stale(many, "fr")
    assert "hace más de 1 día," in stale(few, "es")
    assert "más de 1.500 días," in stale(many, "es")


def test_english_is_the_default_and_unchanged(rules: Rules) -> None:
    assert _results(rules, "en") == [check_text(t, x, rules, AS_OF) for t, x in PAGES.items()]


# -- the rules page's language maps ------------------------------------------------------------------


def test_rules_text_takes_the_language_else_english_else_the_first() -> None:
    assert rules_module.text("Goals", "fr") == "Goals"
    assert rules_module.text({"en": "Goals", "fr": "Objectifs"}, "fr") == "Objectifs"
    assert rules_module.text({"en": "Goals", "fr": "Objectifs"}, "es") == "Goals"
    assert rules_module.text({"de": "Ziele", "fr": "Objectifs"}, "es") == "Ziele"
    assert rules_module.text({}, "es") == ""


def test_shipped_rules_have_every_label_and_help_in_three_languages(rules: Rules) -> None:
    for rule in rules.params.values():
        for lang in ("fr", "es"):
            assert rule.label_in(lang) and rule.hint_in(lang), (rule.name, lang)
            assert rule.hint_in(lang) != rule.hint, (rule.name, lang)
            labels = rule.value_labels_in(lang)
            assert [v for v, _ in labels] == [v for v, _ in rule.value_labels]
            assert all(label for _, label in labels)
        assert rule.label_in("en") == rule.label and rule.hint_in("en") == rule.hint
    assert dict(rules.params["status"].value_labels_in("fr"))["active"] == "Actif"
    assert dict(rules.params["status"].value_labels_in("es"))["active"] == "Activa"


def test_the_licence_help_keeps_its_semicolon_in_every_language(rules: Rules) -> None:
    """The nonfree message asks for the help text's part before ``;``."""
    rule = rules.params["content_license"]
    for lang in ("en", "fr", "es"):
        assert ";" in rule.hint_in(lang), lang


def test_rules_schema_takes_plain_strings_or_language_maps_and_names_a_bad_one() -> None:
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    data["params"]["partner"]["label"] = "partner"  # a plain string stays valid
    data["values"]["status"][0]["label"] = {"en": "Proposed"}
    rules = parse_rules_text(json.dumps(data), "test")
    assert rules.params["partner"].label_in("fr") == "partner"
    data["params"]["goals"]["help"] = {"EN": "x"}
    data["params"]["goals"]["label"] = {"en": 3}
    with pytest.raises(ConfigError) as caught:
        parse_rules_text(json.dumps(data), "test")
    text = "\n".join(caught.value.problems)
    assert "params.goals.help" in text and "params.goals.label" in text
    assert '{"en": "…", "fr": "…"}' in text


# -- the offline checker ---------------------------------------------------------------------------


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    for title, text in PAGES.items():
        (tmp_path / f"{title}.wiki").write_text(text, encoding="utf-8")
    code = main(["check", "--as-of", AS_OF.isoformat(), *args, str(tmp_path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_lang_fr_and_es_translate_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _check(tmp_path, capsys, "--lang", "fr")
    assert code == 1
    assert out.splitlines()[-1] == "4 pages vérifiées au 2026-11-25 : 0 complète, 4 incomplètes"
    assert "No infobox: INCOMPLÈTE (1 erreur, 0 avertissement)" in out
    assert "  erreur        (page): no_infobox — Aucun {{Partnership infobox}} n'a été trouvé" in out
    assert "  avertissement contact: duplicate_param — contact est renseigné 2 fois" in out
    code, out, _ = _check(tmp_path, capsys, "--lang", "es")
    assert out.splitlines()[-1] == "4 páginas revisadas a fecha de 2026-11-25: 0 completas, 4 incompletas"
    assert "Two infoboxes: INCOMPLETA (1 error, 0 avisos)" in out


def test_check_json_keeps_the_contracts_keys_and_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, english, _ = _check(tmp_path, capsys, "--format", "json")
    _, french, _ = _check(tmp_path, capsys, "--format", "json", "--lang", "fr")
    en, fr = json.loads(english), json.loads(french)

    def shape(doc: dict[str, object]) -> object:
        return [
            (p["title"], p["complete"], [(f["field"], f["code"], f["severity"]) for f in p["findings"]])
            for p in doc["pages"]  # type: ignore[attr-defined]
        ]

    assert shape(en) == shape(fr)
    assert en != fr


def test_check_unknown_language_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _check(tmp_path, capsys, "--lang", "xx")
    assert code == 2 and out == ""
    assert "no messages in language 'xx'; there are: en, es, fr" in err


# -- the status page -------------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _status(lang: str, now: dt.datetime = NOW) -> str:
    return render_status(
        now=now,
        pages=3,
        complete=1,
        tagged_pages=2,
        skipped=[("A", "protected: the bot may not edit it")],
        errors=["X: the save failed"],
        shutoff_page="User:Bot/Shutoff",
        summary_page="Partnership tracker",
        next_run=now + dt.timedelta(hours=1),
        lang=lang,
    )


def test_status_page_in_french_and_spanish() -> None:
    fr = _status("fr")
    assert "; Dernière vérification : 2026-11-25 12:00 UTC; prochain passage : 2026-11-25 13:00 UTC (cette page" in fr
    assert "; Pages : 3 (1 complète, 2 incomplètes) — voir [[Partnership tracker]]" in fr
    assert "; Marquées comme incomplètes : 2" in fr
    assert "; Pages ignorées : 1" in fr and "; Erreurs : 1" in fr
    assert "non activé. Pour arrêter le robot, écrivez n'importe quoi sur [[User:Bot/Shutoff]]." in fr
    es = _status("es")
    assert "; Páginas: 3 (1 completa, 2 incompletas) — véase [[Partnership tracker]]" in es
    assert "'''activada''': el bot no hace ninguna edición" in es
    assert status_page("", "fr").startswith("Le robot de suivi des partenariats tient à jour")


def test_status_stamp_is_recognised_in_every_language() -> None:
    later = NOW + dt.timedelta(minutes=30)
    day = dt.timedelta(hours=24)
    for lang in ("en", "fr", "es"):
        assert not needs_save(_status(lang), _status(lang, later), later, day), lang
        stamp = _status(lang).splitlines()[1]
        assert is_stamp(stamp), lang
    assert needs_save(_status("en"), _status("fr", later), later, day), "a new language is a new page"
    assert is_backoff(backoff_line("3 passes failed", "fr")) and is_backoff(backoff_line("x", "es"))
    assert backoff_line("a <b>", "fr") == "; Pause après échecs : <nowiki>a &lt;b></nowiki>"


# -- edit summaries, the run summary ---------------------------------------------------------------


def test_edit_summaries_in_french() -> None:
    tag = Tag(("metrics", "goals"), ("end",))
    summary = edit_summaries.tag_edit(None, tag, "User:Bot/Shutoff", 42, "fr")
    assert summary.startswith(
        "Robot : marquage de la page de partenariat incomplète : manquant : goals, metrics; invalide : end (selon"
    )
    assert summary.endswith("(selon les [[Special:PermanentLink/42|règles]] ; [[User:Bot/Shutoff|arrêter le robot]])")
    assert (
        edit_summaries.tag_edit(tag, None, "S", 0, "es")
        == "Bot: retirada de la marca de incompleta: página completa ([[S|detener el bot]])"
    )
    assert (
        edit_summaries.status(1, 2, 1, "S", "fr")
        == "Robot : état : 1 complète, 2 incomplètes, 1 erreur ([[S|arrêter le robot]])"
    )
    assert edit_summaries.data(10, 4, "S", "es").startswith(
        "Bot: actualización de los datos de alianzas: 10 páginas, 4 completas"
    )
    assert edit_summaries.templatedata("S", "fr").startswith("Robot : mise à jour des TemplateData")
    assert edit_summaries.tag_edit(None, tag, "S", 7) == (
        "Bot: tag incomplete partnership page: missing goals, metrics; invalid end "
        "(per [[Special:PermanentLink/7|rules]]; [[S|stop the bot]])"
    )


def _report(**kw: object) -> RunReport:
    base: dict[str, object] = dict(
        started="2026-11-25T12:00:00+00:00", dry_run=False, pages_seen=1, pages_read=1, complete=0,
        incomplete=1, tagged=1, untagged=0, updated=0, skipped=(Skip("A", "x"),), api_requests=1234,
        setup_requests=3, edits=2, seconds=12.25, summary_saved=True, status_saved=True,
    )  # fmt: skip
    return RunReport(**(base | kw))  # type: ignore[arg-type]


def test_run_summary_in_every_language() -> None:
    report = _report()
    assert (
        run_line(report)
        == report.line()
        == (
            "full pass: 1 page (0 complete, 1 incomplete); tagged 1, untagged 0, updated 0, skipped 1; "
            "2 edits, 0 errors, 1,234 API requests (+3 set-up), 12.2 s"
        )
    )
    assert run_line(report, "fr") == (
        "passage complet : 1 page (0 complète, 1 incomplète) ; 1 marquée, 0 démarquée, 0 mise à jour, "
        "1 ignorée ; 2 modifications, 0 erreur, 1\u202f234 requêtes API (+3 de préparation), 12,2 s"
    )
    quiet = _report(kind="incremental", source="recent changes, quiet", dry_run=True)
    assert run_line(quiet, "es").startswith("prueba incremental (no se escribe nada) (cambios recientes, ninguno): ")
    assert progress_text("fr") == "pages lues : " and progress_text() == "pages read: "


def test_every_message_of_the_bot_is_in_every_language() -> None:
    """No key of the bot's prefixes falls back to English in French or Spanish by mistake."""
    english = messages("en").catalogs.by_lang["en"]
    prefixes = ("ptracker-finding-", "ptracker-editsummary-", "ptracker-status-", "ptracker-run-", "ptracker-check-",
                "ptracker-templatedata-")  # fmt: skip
    ours = [k for k in english if k.startswith(prefixes)]
    assert len(ours) > 80
    for lang in LANGS:
        catalog = messages(lang).catalogs.by_lang[lang]
        missing = [k for k in ours if k not in catalog]
        assert not missing, (lang, missing)


# -- the language setting --------------------------------------------------------------------------


def test_site_language_may_name_an_environment_variable(tmp_path: Path) -> None:
    """The dev wiki's config: ``language = "${DEVWIKI_LANG:-en}"``."""
    devwiki = ROOT / "config" / "devwiki.toml"
    env = {"DEVWIKI_DIR": str(tmp_path)}
    assert load_config(devwiki, env).site.language == "en"
    assert load_config(devwiki, env | {"DEVWIKI_LANG": "fr"}).site.language == "fr"
    with pytest.raises(ConfigError) as caught:
        load_config(devwiki, env | {"DEVWIKI_LANG": "xx"})
    assert "site.language" in str(caught.value) and "no messages in language 'xx'" in str(caught.value)
