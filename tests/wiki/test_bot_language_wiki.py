"""The real bot (real Pywikibot) with ``[site] language = "fr"`` against the test wiki: the tag's
and the status page's edit summaries, the status page and the run summary are in French, read back
through the API. The module ends by running the bot in English again (install-templates and a
pass), so the wiki's own pages are English for the modules after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .api import WikiApi
from .botrun import Bot, bot_fixture, make_page
from .conftest import DevWiki

STATUS = "User:PartnershipBot/Status"


@pytest.fixture(scope="module")
def bot_fr(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory, language='"fr"')
    english = bot_fixture(devwiki, admin_api, tmp_path_factory)
    next(english)  # install-templates and a pass in English
    for _ in english:
        pass


def test_french_wiki_gets_french_tag_summary_status_page_and_run_summary(bot_fr: Bot, admin_api: WikiApi) -> None:
    title, body = make_page(admin_api, "Langue")
    out = bot_fr.ok("run")
    assert out.report["tagged"] >= 1
    _, text = admin_api.read(title)
    assert text == "{{Partnership incomplete|missing=metrics}}\n" + body
    tag_edit = admin_api.revisions(title, 1)[0]
    assert tag_edit.user == bot_fr.devwiki.bot_account
    assert tag_edit.comment.startswith("Robot : marquage de la page de partenariat incomplète : manquant : metrics")
    assert "|arrêter le robot]])" in tag_edit.comment
    _, status = admin_api.read(STATUS)
    assert "; Dernière vérification : " in status
    assert "; Marquées comme incomplètes : " in status
    assert "; Arrêt d'urgence : " in status and "Pour arrêter le robot, écrivez n'importe quoi" in status
    assert "Checked:" not in status and "Tagged as incomplete" not in status
    status_edit = admin_api.revisions(STATUS, 1)[0]
    assert status_edit.comment.startswith("Robot : état : ")
    summary_line = out.stdout.strip().splitlines()[-1]
    assert summary_line.startswith("passage complet : "), out.text
    assert " ; " in summary_line and "modification" in summary_line


def test_french_check_uses_the_wiki_language_by_default(bot_fr: Bot, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``check`` with the French config and no ``--lang``: the findings and the total in French."""
    folder = tmp_path_factory.mktemp("pages")
    (folder / "Page.wiki").write_text("Just text.", encoding="utf-8")
    out = bot_fr.run("check", str(folder))
    assert out.code == 1, out.text
    assert "Aucun {{Partnership infobox}} n'a été trouvé sur cette page." in out.stdout
    assert out.stdout.strip().splitlines()[-1].startswith("1 page vérifiée au ")
