"""The real Pywikibot gateway against the fake wiki of ``tests/transport.py``: each module of
``tests/gateway`` runs in a pytest process of its own, because Pywikibot reads ``PYWIKIBOT_DIR``
once per process and the tests against the real wiki need it pointed at theirs (see
``tests/gateway/conftest.py``). This process never imports pywikibot for them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import GATEWAY_TESTS, ROOT

MODULES = sorted(path.name for path in GATEWAY_TESTS.glob("test_*.py"))


def test_there_are_gateway_modules() -> None:
    assert len(MODULES) >= 3, MODULES


@pytest.mark.parametrize("module", MODULES)
def test_gateway_module_passes_in_a_process_of_its_own(module: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYWIKIBOT_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", f"tests/gateway/{module}", "-q", "-p", "no:cacheprovider", "-rfE"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary = proc.stdout.strip().splitlines()[-1:] or ["(no output)"]
    assert proc.returncode == 0, f"tests/gateway/{module}: {summary[0]}\n{proc.stdout[-8000:]}\n{proc.stderr[-3000:]}"
    assert " passed" in summary[0] and "skipped" not in summary[0], summary[0]
