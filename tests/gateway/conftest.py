"""The real Pywikibot gateway against the fake wiki of ``tests/transport.py``, in processes of their own.

Why a process of their own: Pywikibot reads ``PYWIKIBOT_DIR`` and its user-config.py once, when it
is first imported. The tests against the real wiki (``tests/wiki``) import it in the pytest process
after pointing ``PYWIKIBOT_DIR`` at the test wiki's directory; had these tests imported it first,
with the fake wiki's directory, the real wiki's login would find no family and no user name. So
this folder is collected only by a pytest session whose every argument lies inside it
(``tests/conftest.py`` leaves it out of any other session), and the suite runs each of its modules
in a child pytest (``tests/unit/test_gateway_offline.py``). Run them directly with
``.venv/bin/python -m pytest tests/gateway`` (or one module).

Such a session points ``PYWIKIBOT_DIR`` at a fresh directory for the fake wiki before anything
imports pywikibot. Each module logs in once (``gateway``); ``wiki`` gives each test the transport
with no handler and no calls recorded yet.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.wiki.pwb import PywikibotGateway
from tests.conftest import only_gateway_tests
from tests.transport import FakeTransport, connect, make_pywikibot_dir

_MADE: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    if not only_gateway_tests(config):
        return
    if "pywikibot" in sys.modules:
        raise pytest.UsageError("tests/gateway: pywikibot was imported before the fake wiki's PYWIKIBOT_DIR was set")
    path = make_pywikibot_dir(Path(tempfile.mkdtemp(prefix="fake-pywikibot-")))
    _MADE.append(path)
    os.environ["PYWIKIBOT_DIR"] = str(path)
    os.environ.pop("PYWIKIBOT_DIR_PWB", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    while _MADE:
        shutil.rmtree(_MADE.pop(), ignore_errors=True)


@pytest.fixture(scope="module")
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture(scope="module")
def gateway(transport: FakeTransport) -> PywikibotGateway:
    return connect(transport)


@pytest.fixture
def wiki(transport: FakeTransport, gateway: PywikibotGateway) -> Iterator[FakeTransport]:
    transport.calls.clear()
    yield transport
    transport.handler = lambda call: None
