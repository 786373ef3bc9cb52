"""The shutoff page, watched through a pass: read once before the first write (with the pass's
first request), again every ``shutoff_check_edits`` saves or ``shutoff_check_seconds``, whichever
comes first, and right before the summary and status writes, so at most that many edits follow a
shutoff. The rule itself (what counts as engaged) is :func:`bot.safety.shutoff_engaged`."""

from __future__ import annotations

import logging

from bot import safety
from bot.errors import ShutoffEngaged
from bot.model import PageSnapshot
from bot.pipeline.context import PassContext

log = logging.getLogger(__name__)


class ShutoffWatch:
    """When the shutoff page was last read in this pass, and how many edits were made since."""

    def __init__(self, ctx: PassContext) -> None:
        self._ctx = ctx
        self._read_at = 0.0
        self._edits_since = 0

    def check(self, page: PageSnapshot | None, edits: int = 0) -> None:
        """Raise ``ShutoffEngaged`` when the shutoff page (as just read) is engaged; ``edits``:
        saved so far in this pass (the message says how many, and the log too)."""
        self._read_at, self._edits_since = self._ctx.timer(), 0
        try:
            safety.check_shutoff(page, edits)
        except ShutoffEngaged:
            if edits:
                log.warning("the shutoff page is engaged: stopping after %d edits of this pass", edits)
            raise

    def recheck(self, edits: int, *, force: bool = False) -> None:
        """Read the shutoff page again when ``force`` (right before the summary and status writes)
        or when due (see the module's text)."""
        run = self._ctx.cfg.run
        due = (
            self._edits_since >= run.shutoff_check_edits
            or self._ctx.timer() - self._read_at >= run.shutoff_check_seconds
        )
        if force or due:
            title = self._ctx.cfg.pages.shutoff
            self.check(self._ctx.gw.read([title])[title], edits)

    def edit_made(self) -> None:
        """Count one save attempt towards the cadence."""
        self._edits_since += 1
