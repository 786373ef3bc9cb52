"""Tests against the real local MediaWiki started by scripts/devwiki (marker: wiki)."""
