"""Stage 1, the rules: the community's rules page (``[pages] rules``), read with the pass's first
request (beside the shutoff page), decides what this pass applies (:func:`bot.rules.choose_rules`):
its current revision when valid; else the last valid revision a completed pass applied, kept in the
state database (:data:`bot.state.RULES_KEY`), the problem then named on the status page; with
neither, the pass stops before any write (``ConfigError``, exit 2). A changed revision changes the
settings' fingerprint (its digest), so the pass is a full sweep, within the usual caps.
"""

from __future__ import annotations

import dataclasses
import json
import logging

from bot.model import PageSnapshot
from bot.pipeline.context import PassContext
from bot.rules import choose_rules
from bot.state import RULES_KEY

log = logging.getLogger(__name__)


def apply(ctx: PassContext, page: PageSnapshot | None) -> PassContext:
    """The pass's context with the rules it applies (``ctx.cfg.rules``) and what is wrong with the
    page (``ctx.rules_problem``). Raises ``ConfigError`` when no valid revision is known."""
    stored = None
    raw = ctx.store.get(RULES_KEY) if ctx.store is not None else None
    if raw:
        item = json.loads(raw)
        stored = (int(item["revid"]), str(item["text"]))
    choice = choose_rules(ctx.cfg.pages.rules, page, stored)
    if choice.problem:
        log.warning("rules: %s", choice.problem)
    cfg = dataclasses.replace(ctx.cfg, rules=choice.rules)
    fresh = page is not None and not choice.problem and (stored is None or stored[0] != page.revid)
    entry = json.dumps({"revid": page.revid, "text": page.text}) if fresh and page is not None else ""
    return dataclasses.replace(ctx, cfg=cfg, rules_problem=choice.problem, rules_entry=entry)
