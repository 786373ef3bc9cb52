"""The on-wiki status page (``User:PartnershipBot/Status``): the figures of a pass, rendered to go
between the bot's two markers (:mod:`bot.markers`) and saved only when those figures change or the
last save is older than the heartbeat. Pure.

The bot writes only between the markers: a person's lines above or below them stay byte for byte.
It creates a missing page whole (:func:`status_page`: a short explanation, then the markers). A page
in the old format (first line :data:`OLD_HEADER`, which said edits are overwritten) is replaced
whole once; any other page without real markers is not saved (:mod:`bot.pipeline.step5_status` reports it).

Between the markers: one stamp line (``; Checked: …``) and the figures below it. Everything but
the stamp line is compared, so a pass that changed nothing makes no edit; the figures deliberately
leave out what differs on every pass (edits made, seconds taken), which the run report and log
carry. The shutoff line is live: it transcludes the shutoff page inside ``{{#if:}}``
(ParserFunctions), so the page shows "engaged" as soon as the shutoff page holds text, though the
bot saves nothing then (comments vanish on transclusion and ``#if`` trims whitespace; text inside
``<noinclude>`` on the shutoff page stops the bot but does not show here).

Bounded: at most :data:`MAX_ERRORS` error lines of :data:`LINE_CHARS` characters and
:data:`MAX_REASONS` skip reasons with :data:`TITLES_SHOWN` titles each are listed ("and N more");
:func:`render_status` lists fewer when the text would not fit its byte budget. Absolute file
paths in error lines are shown by their file name only (:func:`redact_paths`).

Language: every word is a ``ptracker-status-*`` message in the wiki's language (``lang``, English by
default). Error lines and skip reasons are the bot's own English text (in ``<nowiki>``). The stamp
line is recognised in every language of the catalogs (:func:`is_stamp`), so a page stamped in one
language is read correctly after the wiki's language changed (its figures then differ: saved).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from bot import i18n
from bot.markers import END_MARKER, START_MARKER

#: The English stamp line's start (:func:`is_stamp` knows every language's).
STAMP_PREFIX = "; Checked: "
#: The English back-off line's start (:func:`is_backoff` knows every language's).
BACKOFF_PREFIX = "; Back-off: "
#: The first line of a status page written whole by earlier versions of the bot.
OLD_HEADER = "<!-- Written by the partnership tracker bot; edits here are overwritten. -->"
#: Above the markers of a status page the bot creates.
HEAD = i18n.messages("en").text("ptracker-status-head") + "\n"
MAX_ERRORS = 20
MAX_REASONS = 20
TITLES_SHOWN = 10
LINE_CHARS = 1_000
#: Fewer lines listed, in this order, until the text fits its budget: (errors, reasons, titles).
_DETAIL = ((MAX_ERRORS, MAX_REASONS, TITLES_SHOWN), (5, 10, 3), (0, 0, 0))


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
    max_bytes: int | None = None,
    rules: str = "",
    lang: str = "en",
) -> str:
    """The text between the status page's markers (starts and ends with a line break), in
    ``lang``. ``skipped`` holds (title, reason); ``errors`` one line each. With ``max_bytes``, fewer
    error lines and titles are listed when the full list would not fit (the counts stay).
    ``rules``: the rules line (:func:`rules_line`), after the tagged count."""
    m = i18n.messages(lang)
    stamp = m.text("ptracker-status-checked", f"{now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC")
    if next_run:
        stamp += "; " + m.text("ptracker-status-next-run", f"{next_run.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC")
    head = [
        f"; {stamp} {m.text('ptracker-status-saved-when')}",
        "; " + m.text("ptracker-status-pages", pages, complete, pages - complete, summary_page),
        "; " + m.text("ptracker-status-tagged", tagged_pages),
        *([rules] if rules else []),
    ]
    reasons = sorted(Counter(_reason(reason) for _, reason in skipped).items())
    text = ""
    for max_errors, max_reasons, titles in _DETAIL:
        skip_lines = [_skip_line(m, r, n, skipped, titles) for r, n in reasons[:max_reasons]]
        if len(reasons) > max_reasons:
            skip_lines.append("\n* " + m.text("ptracker-status-more-reasons", len(reasons) - max_reasons))
        error_lines = [f"\n* <nowiki>{_cut(_plain(redact_paths(e)))}</nowiki>" for e in errors[:max_errors]]
        if len(errors) > max_errors:
            error_lines.append("\n* " + m.text("ptracker-status-more-errors", len(errors) - max_errors))
        lines = [
            "",
            *head,
            "; " + m.text("ptracker-status-skipped", len(skipped)) + "".join(skip_lines),
            "; " + m.text("ptracker-status-errors", len(errors)) + "".join(error_lines),
            shutoff_line(shutoff_page, lang),
            "",
        ]
        text = "\n".join(lines)
        if max_bytes is None or len(text.encode("utf-8")) <= max_bytes:
            break
    return text


def rules_line(title: str, revision: int, problem: str, lang: str = "en") -> str:
    """``; Rules: revision N of [[title]]`` (a permanent link), and, when the page's current
    revision is not the one applied, why (its revision, the JSON path and the fix; English)."""
    m = i18n.messages(lang)
    line = "; " + m.text("ptracker-status-rules", str(revision), title)
    if problem:
        why = f"<nowiki>{_cut(_plain(redact_paths(problem)), 2 * LINE_CHARS)}</nowiki>"
        line += "\n* " + m.text("ptracker-status-rules-not-applied", why)
    return line


def shutoff_line(shutoff_page: str, lang: str = "en") -> str:
    """The live shutoff line: "engaged" while the shutoff page, transcluded, shows any text."""
    m = i18n.messages(lang)
    shown = "{{#ifexist:" + shutoff_page + "|{{:" + shutoff_page + "}}}}"
    engaged = m.text("ptracker-status-shutoff-engaged", shutoff_page)
    idle = m.text("ptracker-status-shutoff-idle", shutoff_page)
    return "; " + m.text("ptracker-status-shutoff", "{{#if:" + shown + "|" + engaged + "|" + idle + "}}")


def status_page(inner: str, lang: str = "en") -> str:
    """The whole text of a status page the bot creates (or replaces in the old format)."""
    return f"{i18n.messages(lang).text('ptracker-status-head')}\n{START_MARKER}{inner}{END_MARKER}"


def is_old_format(text: str) -> bool:
    """Whether the page is the old bot format, which said that edits there are overwritten."""
    return text.split("\n", 1)[0].strip() == OLD_HEADER


def migrated(old_text: str, inner: str, lang: str = "en") -> str:
    """The new page for an old-format status page: the bot's block (it ended with its
    ``; Shutoff:`` line) becomes the marked one, and whatever a person wrote below that line stays
    below the end marker, byte for byte. Without a ``; Shutoff:`` line the old page was the bot's
    alone."""
    at = old_text.find("\n; Shutoff:")
    end = old_text.find("\n", at + 1) if at >= 0 else -1
    rest = old_text[end:] if end >= 0 else ""
    return status_page(inner, lang) + rest


def needs_save(old: str | None, new: str, now: dt.datetime, heartbeat: dt.timedelta) -> bool:
    """True when the page (its text between the markers, ``old``) is missing, a figure changed,
    or the old stamp is older than ``heartbeat`` (or unreadable)."""
    if old is None:
        return True
    if _without_stamp(old.strip()) != _without_stamp(new.strip()):
        return True
    m = _stamp_pattern().search(old)
    if not m:
        return True
    stamped = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
    return now - stamped >= heartbeat


#: An absolute file path (POSIX, ``~/…`` or ``C:\…``) of at least two parts; group 1 is its file name.
_SEGMENT = r"[^\s/\\()\[\]{}<>|\"',;:]+"
_PATH = re.compile(rf"(?<![\w.~/\\:\[-])(?:[A-Za-z]:|~)?[/\\](?:{_SEGMENT}[/\\])+({_SEGMENT})")


def redact_paths(text: str) -> str:
    """``text`` with every absolute file path replaced by its file name (``(/srv/bot/config/bot.toml)``
    → ``(bot.toml)``): the status page is public, the machine's layout is not. URLs and page titles
    (``Partnership tracker/1``) are not paths and stay."""
    return _PATH.sub(r"\1", text)


def _reason(reason: str) -> str:
    return _cut(reason.split(":")[0], 100)


def _skip_line(m: i18n.Messages, reason: str, count: int, skipped: Sequence[tuple[str, str]], show: int) -> str:
    """``* reason: N — [[:A]], [[:B]] and 3 more``: the first titles skipped for that reason."""
    titles = sorted(t for t, r in skipped if _reason(r) == reason)
    links = ", ".join(f"[[:{t}]]" for t in titles[:show])
    if len(titles) > show:
        links = m.text("ptracker-status-more-titles", links, len(titles) - show)
    return f"\n* <nowiki>{_plain(reason)}</nowiki>: {m.number(count)}" + (f" — {links}" if links else "")


def _cut(text: str, limit: int = LINE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def backoff_line(notice: str, lang: str = "en") -> str:
    """``; Back-off: <nowiki>notice</nowiki>`` (at most 300 characters of the notice)."""
    shown = "<nowiki>" + notice.replace("<", "&lt;")[:300] + "</nowiki>"
    return "; " + i18n.messages(lang).text("ptracker-status-backoff", shown)


def is_backoff(line: str) -> bool:
    """Whether ``line`` is a back-off line, in any language of the catalogs."""
    return line.startswith(_starts("ptracker-status-backoff"))


@cache
def _starts(key: str) -> tuple[str, ...]:
    """``"; "`` and the text before ``$1`` of message ``key``, in every language."""
    return tuple(sorted({"; " + i18n.messages(lang).raw(key).split("$1")[0] for lang in i18n.load().languages}))


def is_stamp(line: str) -> bool:
    """Whether ``line`` is a stamp line, in any language of the catalogs."""
    return _stamp_pattern().match(line) is not None


@cache
def _stamp_pattern() -> re.Pattern[str]:
    """``; <"Checked: " in any language>YYYY-MM-DD HH:MM UTC``; group 1 is the time."""
    starts = sorted(_starts("ptracker-status-checked"), key=len, reverse=True)
    either = "|".join(re.escape(s) for s in starts)
    return re.compile(rf"^(?:{either})(\d{{4}}-\d\d-\d\d \d\d:\d\d) UTC", re.MULTILINE)


def _without_stamp(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not is_stamp(line))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"(?i)</?nowiki\s*/?>", "", text).split())
