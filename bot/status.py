"""The on-wiki status page (``User:PartnershipBot/Status``): rendered from a pass's figures, and
saved only when those figures change or the last save is older than the heartbeat.

The page holds one stamp line (``Checked: …``) and the figures below it. Everything but the stamp
line is compared, so a pass that changed nothing makes no edit; the figures deliberately leave out
what differs on every pass (edits made, seconds taken), which the run report and log carry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

STAMP_PREFIX = "; Checked: "
_STAMP = re.compile(r"^; Checked: (\d{4}-\d\d-\d\d \d\d:\d\d) UTC", re.MULTILINE)


def render_status(
    *,
    now: dt.datetime,
    pages: int,
    complete: int,
    tagged_pages: int,
    skipped: Sequence[tuple[str, str]],
    errors: Sequence[str],
    shutoff_page: str,
    summary_page: str,
    next_run: dt.datetime | None = None,
) -> str:
    """The whole status page. ``skipped`` holds (title, reason); ``errors`` one line each."""
    reasons = Counter(reason.split(":")[0] for _, reason in skipped)
    lines = [
        "<!-- Written by the partnership tracker bot; edits here are overwritten. -->",
        f"{STAMP_PREFIX}{now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
        + (f"; next run: {next_run.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if next_run else "")
        + " (this page is saved when a figure below changes, and at least daily)",
        f"; Pages: {pages} ({complete} complete, {pages - complete} incomplete) — see [[{summary_page}]]",
        f"; Tagged as incomplete: {tagged_pages}",
        f"; Skipped: {len(skipped)}" + "".join(_skip_line(r, n, skipped) for r, n in sorted(reasons.items())),
        f"; Errors: {len(errors)}" + "".join(f"\n* <nowiki>{_plain(e)}</nowiki>" for e in errors),
        f"; Shutoff: not engaged. To stop the bot, write anything on [[{shutoff_page}]].",
    ]
    return "\n".join(lines)


def needs_save(old: str | None, new: str, now: dt.datetime, heartbeat: dt.timedelta) -> bool:
    """True when the page is missing, a figure changed, or the old stamp is older than
    ``heartbeat`` (or unreadable)."""
    if old is None:
        return True
    if _without_stamp(old.strip()) != _without_stamp(new.strip()):
        return True
    m = _STAMP.search(old)
    if not m:
        return True
    stamped = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
    return now - stamped >= heartbeat


def _skip_line(reason: str, count: int, skipped: Sequence[tuple[str, str]], show: int = 10) -> str:
    """``* reason: N — [[:A]], [[:B]] and 3 more``: the first titles skipped for that reason."""
    titles = sorted(t for t, r in skipped if r.split(":")[0] == reason)
    links = ", ".join(f"[[:{t}]]" for t in titles[:show])
    more = f" and {len(titles) - show} more" if len(titles) > show else ""
    return f"\n* <nowiki>{_plain(reason)}</nowiki>: {count} — {links}{more}"


def _without_stamp(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(STAMP_PREFIX))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"(?i)</?nowiki\s*/?>", "", text).split())
