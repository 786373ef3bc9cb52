"""Smoke tests of the dev wiki itself: it runs, accounts work, link tables are prompt."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from .api import ApiError, WikiApi
from .conftest import DevWiki, run_devwiki

pytestmark = pytest.mark.wiki


def unique(prefix: str) -> str:
    """A page title no earlier run has used (the wiki's database outlives test runs)."""
    return f"{prefix} {uuid.uuid4().hex[:12]}"


def test_status_answers(devwiki: DevWiki) -> None:
    result = run_devwiki("status")
    assert result.returncode == 0, result.stdout
    assert devwiki.url in result.stdout


def test_up_again_is_a_fast_no_op(devwiki: DevWiki) -> None:
    started = time.monotonic()
    result = run_devwiki("up")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == f"{devwiki.url}/index.php"
    assert elapsed < 5, f"up took {elapsed:.1f}s when the wiki was already up"


#: The MediaWiki version ``scripts/devwiki`` runs: 1.43 unless ``DEVWIKI_MW`` picks another.
MW_VERSION = os.environ.get("DEVWIKI_MW") or "1.43"


def test_site_configuration(admin_api: WikiApi) -> None:
    data = admin_api.get(action="query", meta="siteinfo", siprop="general|namespaces|extensions")["query"]
    assert data["general"]["generator"].startswith(f"MediaWiki {MW_VERSION}.")
    assert data["general"]["articlepath"] == "/index.php?title=$1"
    assert data["namespaces"]["0"]["subpages"] is True
    names = {ext["name"] for ext in data["extensions"]}
    assert {"ParserFunctions", "TemplateData", "Cite", "Scribunto"} <= names


def test_admin_edits_and_reads_back(admin_api: WikiApi) -> None:
    title = unique("Devwiki smoke")
    first = admin_api.edit(title, "first", "create")
    second = admin_api.edit(title, "second text", "change")
    assert second > first
    assert admin_api.read(title) == (second, "second text")
    revisions = admin_api.revisions(title)
    assert [r.revid for r in revisions] == [second, first]
    assert revisions[0].parentid == first
    assert revisions[0].user == "Admin"
    assert revisions[0].comment == "change"
    assert admin_api.exists(title)


def test_transclusion_is_in_embeddedin_at_once(admin_api: WikiApi) -> None:
    template = unique("Template:Devwiki probe")
    page = unique("Devwiki transcluder")
    admin_api.edit(template, "probe", "template")
    admin_api.edit(page, f"{{{{{template.removeprefix('Template:')}}}}}", "use it")
    assert page in admin_api.embeddedin(template)


def test_template_edit_updates_embedding_pages_at_once(admin_api: WikiApi) -> None:
    # Needs the refreshLinks jobs of the template edit to have run before the reply.
    template = unique("Template:Devwiki category probe")
    pages = [unique("Devwiki category page") for _ in range(3)]
    admin_api.edit(template, "no category yet", "template")
    for page in pages:
        admin_api.edit(page, f"{{{{{template.removeprefix('Template:')}}}}}", "use it")
    category = unique("Devwiki probe category")
    admin_api.edit(template, f"[[Category:{category}]]", "add a category")
    assert set(pages) <= set(admin_api.categorymembers(category))


def test_parse_with_extensions(admin_api: WikiApi) -> None:
    module = unique("Module:Devwiki probe")
    admin_api.edit(
        module,
        'local p = {}\nfunction p.hello(frame)\n  return "Hello, " .. frame.args[1]\nend\nreturn p\n',
        "lua",
    )
    parsed = admin_api.parse(
        "{{#if: x | parserfunctions-ok }} "
        f"{{{{#invoke:{module.removeprefix('Module:')}|hello|lua}}}} "
        "Text<ref>A reference</ref> [[Some link]] [[Category:Parsed]]\n<references />"
    )
    assert "parserfunctions-ok" in parsed["text"]
    assert "Hello, lua" in parsed["text"]
    assert "A reference" in parsed["text"]
    assert 'class="references"' in parsed["text"]
    assert [c["category"] for c in parsed["categories"]] == ["Parsed"]
    assert [link["title"] for link in parsed["links"]] == ["Some link"]
    assert module in [t["title"] for t in parsed["templates"]]


def test_scribunto_uses_luasandbox(admin_api: WikiApi) -> None:
    module = unique("Module:Devwiki engine")
    admin_api.edit(module, 'return { f = function() return "lua-ok" end }', "lua")
    data = admin_api.post(
        action="parse",
        contentmodel="wikitext",
        prop="text|limitreportdata",
        text=f"{{{{#invoke:{module.removeprefix('Module:')}|f}}}}",
    )["parse"]
    assert "lua-ok" in data["text"]
    # Only the LuaSandbox engine reports memory usage (LuaStandalone is the fallback).
    assert "scribunto-limitreport-memusage" in {r["name"] for r in data["limitreportdata"]}


def test_templatedata(admin_api: WikiApi) -> None:
    template = unique("Template:Devwiki data")
    blob = {"description": "probe", "params": {"name": {"type": "string"}}}
    admin_api.edit(template, f"<templatedata>{json.dumps(blob)}</templatedata>", "td")
    data = admin_api.get(action="templatedata", titles=template)
    pages = list(data["pages"].values())
    assert pages[0]["params"]["name"]["type"] == "string"


def test_bot_account(bot_api: WikiApi, devwiki: DevWiki) -> None:
    me = bot_api.userinfo()
    assert me["name"] == devwiki.bot_account
    assert "bot" in me["groups"]
    assert {"apihighlimits", "noratelimit", "bot", "edit"} <= set(me["rights"])


def test_bot_is_not_rate_limited(bot_api: WikiApi) -> None:
    # A new account is a "newbie" whose edits are limited to 8 a minute by default.
    title = unique("Devwiki rate")
    for i in range(12):
        bot_api.edit(title, f"edit {i}", f"rate {i}", bot=True)
    assert len(bot_api.revisions(title)) == 12


def test_protect_and_delete(admin_api: WikiApi, bot_api: WikiApi) -> None:
    title = unique("Devwiki protected")
    admin_api.edit(title, "protect me", "create")
    result = admin_api.protect(title)
    assert {p["edit"] for p in result["protections"] if "edit" in p} == {"sysop"}
    with pytest.raises(ApiError) as caught:
        bot_api.edit(title, "bot was here", "try")
    assert caught.value.code == "protectedpage"
    admin_api.delete(title)
    assert not admin_api.exists(title)


@pytest.fixture
def fake_lag(devwiki: DevWiki) -> Iterator[None]:
    path = devwiki.data_dir / "fake-lag"
    path.write_text("10\n", encoding="utf-8")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def test_maxlag_without_replicas(bot_api: WikiApi) -> None:
    # No replica: MediaWiki reports lag -1, so maxlag=5 passes and only maxlag<=-2 fails.
    bot_api.get(action="query", meta="siteinfo", maxlag=5)
    with pytest.raises(ApiError) as caught:
        bot_api.get(action="query", meta="siteinfo", maxlag=-2)
    assert caught.value.code == "maxlag"


@pytest.mark.usefixtures("fake_lag")
def test_maxlag_with_fake_lag(bot_api: WikiApi) -> None:
    with pytest.raises(ApiError) as caught:
        bot_api.get(action="query", meta="siteinfo", maxlag=5)
    assert caught.value.code == "maxlag"
    assert caught.value.response["error"]["lag"] == 10
    bot_api.get(action="query", meta="siteinfo", maxlag=11)


def test_secret_files_are_private(devwiki: DevWiki) -> None:
    for path in (devwiki.pywikibot_dir / "user-password.py", devwiki.data_dir / "credentials.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


#: What Pywikibot itself writes in the Pywikibot directory, under the umask of whoever runs it.
PYWIKIBOT_RUNTIME = ("apicache", "logs", "throttle.ctrl")


def test_the_wiki_is_private_and_its_logs_hold_no_password(devwiki: DevWiki) -> None:
    """``up`` leaves everything it and the wiki write readable by their owner only (600/700, also
    in a wiki an older devwiki made), and no log holds a password: the BotPassword that
    createBotPassword.php prints is hidden in the install log."""
    data = devwiki.data_dir
    runtime = [devwiki.pywikibot_dir / name for name in PYWIKIBOT_RUNTIME]
    exposed = [
        str(path)
        for path in (data, *data.rglob("*"))
        if not path.is_symlink()
        and not any(path == r or path.is_relative_to(r) for r in runtime)
        and path.stat().st_mode & 0o077
    ]
    assert not exposed, f"readable by others: {exposed}"
    secrets = [devwiki.admin_password, devwiki.bot_password]
    logs = [path for path in (data / "logs").rglob("*") if path.is_file()]
    assert [str(p) for p in logs if any(s.encode() in p.read_bytes() for s in secrets)] == []
    assert "password:'<hidden>'" in (data / "logs" / "install.log").read_text(encoding="utf-8")


PYWIKIBOT_SCRIPT = """
import sys
import pywikibot
site = pywikibot.Site()
site.login()
print('user', site.user())
print('family', site.family.name, site.code)
print('apihighlimits', site.has_right('apihighlimits'))
page = pywikibot.Page(site, sys.argv[1])
page.text = 'saved by pywikibot'
page.save(summary='pywikibot smoke test', bot=True)
print('revid', page.latest_revision_id)
"""


def test_pywikibot_logs_in_and_edits(
    devwiki: DevWiki, bot_api: WikiApi, tmp_path_factory: pytest.TempPathFactory
) -> None:
    title = unique("Devwiki pywikibot")
    # Run from an unrelated directory: only PYWIKIBOT_DIR may lead Pywikibot to the config.
    result = subprocess.run(
        [devwiki.python, "-c", PYWIKIBOT_SCRIPT, title],
        cwd=tmp_path_factory.mktemp("pwb-cwd"),
        env=devwiki.pywikibot_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["user"] == devwiki.bot_account
    assert lines["family"] == "devwiki en"
    assert lines["apihighlimits"] == "True"
    revid, text = bot_api.read(title)
    assert (str(revid), text) == (lines["revid"], "saved by pywikibot")
    assert bot_api.revisions(title)[0].user == devwiki.bot_account


def test_apache_is_not_running() -> None:
    result = subprocess.run(["pgrep", "-x", "apache2"], capture_output=True, text=True, check=False)
    assert result.returncode == 1, f"apache2 runs: {result.stdout}"
