"""Stage 2, reading: every page stage 1 found is read (lazily, 500 per request) and decided at
once (stage 3); the pass keeps what it found (:class:`~bot.pipeline.tally.Tally`), never the
text. Pages an incremental pass did not need to read keep their stored results. In a dry run each
planned edit is shown as a diff as it is decided. ``should_stop`` is polled between pages."""

from __future__ import annotations

import logging

from bot.diff import unified_diff
from bot.errors import Interrupted
from bot.model import Skip
from bot.pipeline.context import PassContext
from bot.pipeline.step1_find import Selection
from bot.pipeline.step3_decide import Judge
from bot.pipeline.tally import Tally

log = logging.getLogger(__name__)


def read_pages(ctx: PassContext, judge: Judge, sel: Selection) -> Tally:
    """Read and decide the selected pages; the tally holds the kept and removed stored pages too.
    Raises ``Interrupted`` (nothing saved) when ``should_stop`` turns true."""
    tally = Tally(kept=[r.result for r in sel.kept], removed=sel.removed)
    tally.skipped += [Skip(r.title, r.skip) for r in sel.kept if r.skip]
    for page in sel.pages:
        result, decision = judge.decide(page)
        tally.record(page, result, decision)
        log.debug(
            "read %s: %s", page.title, "complete" if result.complete else "incomplete", extra={"page": page.title}
        )
        if ctx.dry_run and decision.edit is not None:  # shown as decided: no text is kept
            ctx.on_diff(unified_diff(page.title, page.text, decision.edit.text))
        ctx.on_progress(len(tally.records))
        if ctx.should_stop():
            raise Interrupted(f"stopped after reading {len(tally.records)} pages; nothing was saved")
    return tally
