"""Issue 16 on the real wiki: the incremental pass's two former blind spots, as seeded random
trials; after every step the incremental pass must leave the tags and the table a full dry run
with a fresh state would (``setup.compare``: ``wrong_tags``, ``lost_rows``, ``extra_stale_rows``).

* **a redirect to the infobox** added (``{{Blind new N}}`` pages join the table), turned into a
  plain template or deleted (``{{Blind old N}}`` pages leave it), in a seeded order: the pages
  using it make no edit of their own, so recent changes never name them;
* **edits under the bot's account** that the bot did not make (an operator with its login):
  seeded sequences of completing, emptying, untagging, adding text and creating pages, every one
  saved through the API as the bot's account, an incremental pass after each.

Before issue 16 both diverged from a full pass in nearly every trial (6 of 6 and 4–6 of 6, measured
on 4a295eb). ``./scripts/test`` runs one trial of each; ``./scripts/reliability`` six.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
from collections.abc import Callable, Iterator

import pytest

from tests.wiki.api import ApiError, WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .concurrency import Sequence, Setup
from .scenario import body

REDIRECT = "#REDIRECT [[Template:Partnership infobox]]"
BOT_ACTIONS = ("complete", "incomplete", "remove tag", "add text", "create")


@pytest.fixture(scope="module")
def as_bot(relwiki: DevWiki) -> Iterator[WikiApi]:
    """The bot's own account, used by hand (as an operator with the bot's login would)."""
    with WikiApi(relwiki.api) as api:
        api.login(relwiki.bot_user, relwiki.bot_password)
        yield api


def _absent(api: WikiApi, title: str) -> None:
    with contextlib.suppress(ApiError):  # not there
        api.delete(title, "reliability tests: a trial starts afresh")


def redirect_trial(setup: Setup, seed: int) -> list[str]:
    rng = random.Random(seed)
    old, new = f"Template:Blind old {seed}", f"Template:Blind new {seed}"
    setup.api.edit(old, REDIRECT, "reliability tests: a redirect to the infobox")
    _absent(setup.api, new)
    uses = [old, new] + [rng.choice(["Partnership infobox", old, new]) for _ in range(3)]
    pages = {
        f"Blind {seed} {i}": body(f"Blind partner {i}", metrics=rng.random() < 0.5).replace(
            "{{Partnership infobox", "{{" + name.removeprefix("Template:"), 1
        )
        for i, name in enumerate(uses)
    }
    setup.start(pages)
    setup.run()
    problems = setup.compare(f"seed {seed}, the first pass")
    steps = ["add", rng.choice(["unredirect", "delete"])]
    rng.shuffle(steps)
    for step in steps:
        if step == "add":
            setup.api.edit(new, REDIRECT, "reliability tests: a new redirect to the infobox")
        elif step == "unredirect":
            setup.api.edit(old, "A template that is no longer the infobox.", "reliability tests: not a redirect")
        else:
            setup.api.delete(old, "reliability tests: the redirect goes")
        setup.run("--incremental")
        problems += setup.compare(f"seed {seed}, after {step}")
    counters.add("probes", len(steps))
    return problems


def bot_account_trial(setup: Setup, as_bot: WikiApi, seed: int, steps: int = 3) -> list[str]:
    rng = random.Random(seed)
    seq = Sequence(dataclasses.replace(setup, api=as_bot), rng, f"Own {seed}")
    setup.start({})
    for _ in range(3):
        seq.new_page()
    setup.run()
    problems = setup.compare(f"seed {seed}, the first pass")
    for n in range(steps):
        action = rng.choice(BOT_ACTIONS)
        seq.step(action)  # saved as the bot's account, then an incremental pass
        problems += setup.compare(f"seed {seed}, step {n + 1} ({action}, under the bot's account)") + seq.damage()
    counters.add("probes", steps)
    return problems


def test_a_redirect_added_or_removed_leaves_what_a_full_pass_would(make_setup: Callable[..., Setup]) -> None:
    problems = redirect_trial(make_setup(11, "Blind redirects"), 1)
    assert not problems, "\n".join(problems)


def test_edits_under_the_bots_account_leave_what_a_full_pass_would(
    make_setup: Callable[..., Setup], as_bot: WikiApi
) -> None:
    problems = bot_account_trial(make_setup(13, "Blind own", retag_after_days="0"), as_bot, 1)
    assert not problems, "\n".join(problems)


@pytest.mark.full
@pytest.mark.parametrize("seed", range(2, 7))
def test_redirect_trials(make_setup: Callable[..., Setup], seed: int) -> None:
    problems = redirect_trial(make_setup(11, f"Blind redirects {seed}"), seed)
    assert not problems, "\n".join(problems)


@pytest.mark.full
@pytest.mark.parametrize("seed", range(2, 7))
def test_bot_account_trials(make_setup: Callable[..., Setup], as_bot: WikiApi, seed: int) -> None:
    problems = bot_account_trial(make_setup(13, f"Blind own {seed}", retag_after_days="0"), as_bot, seed)
    assert not problems, "\n".join(problems)
