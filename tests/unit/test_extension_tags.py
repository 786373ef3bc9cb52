"""``[site] extension_tags``: Meta-Wiki's set by default, checked on load (lower-case names, non-empty)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG, SiteConfig, load_config, meta_extension_tags
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def _config_with(tmp_path: Path, line: str | None) -> Path:
    """config/bot.toml with its extension_tags list replaced by ``line`` (None: removed)."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    start = text.index("extension_tags = [")
    end = text.index("]\n", start) + 2
    text = text[:start] + (line + "\n" if line is not None else "") + text[end:]
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_list_is_metas_and_the_default() -> None:
    tags = load_config(DEFAULT_CONFIG).site.extension_tags
    assert tags == meta_extension_tags()
    assert {"ref", "references", "nowiki", "pre", "poem", "math", "templatestyles", "indicator"} <= tags
    assert all(t == t.lower() and "<" not in t for t in tags)
    # The dev wiki's config leaves the key out: the default is the same set.
    devwiki = load_config(ROOT / "config" / "devwiki.toml", {"DEVWIKI_DIR": "/tmp/devwiki"})
    assert devwiki.site.extension_tags == tags


def test_missing_key_means_metas_set(tmp_path: Path) -> None:
    assert load_config(_config_with(tmp_path, None)).site.extension_tags == meta_extension_tags()
    site = SiteConfig(family="meta", code="meta", namespaces=(0,), maxlag=5, max_retries=5, retry_wait=5)
    assert site.extension_tags == meta_extension_tags()


def test_own_list_replaces_the_default(tmp_path: Path) -> None:
    config = load_config(_config_with(tmp_path, 'extension_tags = ["ref", "references", "ref"]'))
    assert config.site.extension_tags == frozenset({"ref", "references"})


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("extension_tags = []", "expected a non-empty list of tag names"),
        ('extension_tags = "ref"', "expected a non-empty list of tag names"),
        ("extension_tags = [1, 2]", "expected a non-empty list of tag names"),
        ('extension_tags = ["ref", "Poem"]', "'Poem' is not a lower-case tag name"),
        ('extension_tags = ["<ref>"]', "'<ref>' is not a lower-case tag name"),
        ('extension_tags = ["ref", ""]', "'' is not a lower-case tag name"),
        ('extension_tags = ["my tag"]', "'my tag' is not a lower-case tag name"),
    ],
)
def test_bad_list_names_file_key_and_fix(tmp_path: Path, line: str, what: str) -> None:
    path = _config_with(tmp_path, line)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    (problem,) = err.value.problems
    assert problem.startswith(f"{path}: key 'site.extension_tags': {what}")
    assert "lower-case names without brackets" in problem
