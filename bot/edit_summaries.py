"""The bot's edit summaries, in the wiki's language (``ptracker-editsummary-*`` messages). Pure.

Every summary is framed the same way: ``Bot: <what> ([[shutoff page|stop the bot]])`` — a tag edit
made under a revision of the rules page also links that revision. Kept short: MediaWiki cuts a
summary at 500 characters (the callers cut long ones before that).
"""

from __future__ import annotations

from bot.i18n import Messages, messages
from bot.tagging import Tag


def framed(m: Messages, what: str, shutoff_page: str, rules_revision: int = 0) -> str:
    """``Bot: what ([[shutoff|stop the bot]])``; with ``rules_revision``, ``(per [[Special:
    PermanentLink/N|rules]]; …)`` too."""
    stop = m.text("ptracker-editsummary-stop")
    if rules_revision:
        return m.text("ptracker-editsummary-bot-rules", what, shutoff_page, stop, str(rules_revision))
    return m.text("ptracker-editsummary-bot", what, shutoff_page, stop)


def _describe(m: Messages, tag: Tag) -> str:
    parts = []
    if tag.missing:
        parts.append(m.text("ptracker-editsummary-missing", ", ".join(tag.missing)))
    if tag.invalid:
        parts.append(m.text("ptracker-editsummary-invalid", ", ".join(tag.invalid)))
    if tag.problem == "no_infobox":
        parts.append(m.text("ptracker-editsummary-no-infobox"))
    elif tag.problem == "multiple_infoboxes":
        parts.append(m.text("ptracker-editsummary-multiple-infoboxes"))
    elif tag.problem:
        parts.append(tag.problem.replace("_", " "))
    return "; ".join(parts) or m.text("ptracker-editsummary-incomplete")


def tag_change(old: Tag | None, new: Tag | None, lang: str = "en") -> str:
    """A short phrase for a tag change (without the frame):

    * none → tag: ``"tag incomplete partnership page: missing coi_disclosure, metrics"``
    * tag → other tag: ``"update incomplete tag: now missing metrics; invalid end"``
    * tag → none: ``"remove incomplete tag: page complete"``
    * no change (both ``None`` or equal): ``""`` — there is no edit to describe.
    """
    m = messages(lang)
    if old == new:
        return ""
    if new is None:
        return m.text("ptracker-editsummary-tag-remove")
    if old is None:
        return m.text("ptracker-editsummary-tag-add", _describe(m, new))
    return m.text("ptracker-editsummary-tag-update", _describe(m, new))


def tag_edit(old: Tag | None, new: Tag | None, shutoff_page: str, rules_revision: int, lang: str = "en") -> str:
    """The whole summary of a tag edit; an edit that changes no tag's parameters merged several
    tags into one."""
    what = tag_change(old, new, lang) or messages(lang).text("ptracker-editsummary-tag-dedupe")
    return framed(messages(lang), what, shutoff_page, rules_revision)


def status(complete: int, incomplete: int, errors: int, shutoff_page: str, lang: str = "en") -> str:
    """Saving the status page's figures."""
    m = messages(lang)
    return framed(m, m.text("ptracker-editsummary-status", complete, incomplete, errors), shutoff_page)


def backoff(notice: str | None, shutoff_page: str, lang: str = "en") -> str:
    """Writing (``notice``) or removing (None) the back-off line."""
    m = messages(lang)
    what = m.text("ptracker-editsummary-backoff", notice) if notice else m.text("ptracker-editsummary-backoff-over")
    return framed(m, what, shutoff_page)


def data(pages: int, complete: int, shutoff_page: str, lang: str = "en") -> str:
    """Saving the JSON data page."""
    m = messages(lang)
    return framed(m, m.text("ptracker-editsummary-data", pages, complete), shutoff_page)


def data_part(n: int, of: int, shutoff_page: str, lang: str = "en") -> str:
    """Saving part ``n`` of ``of`` of the JSON data page (:mod:`bot.data_parts`)."""
    m = messages(lang)
    return framed(m, m.text("ptracker-editsummary-data-part", n, of), shutoff_page)


def data_retired(shutoff_page: str, lang: str = "en") -> str:
    """Emptying a part of the JSON data page that is no longer needed."""
    m = messages(lang)
    return framed(m, m.text("ptracker-editsummary-data-retired"), shutoff_page)


def summary_table(changes: str, pages: int, complete: int, shutoff_page: str, lang: str = "en") -> str:
    """Saving the summary table; ``changes`` says which rows changed (the summary stage's words)."""
    m = messages(lang)
    return framed(m, m.text("ptracker-editsummary-summary", changes, pages, complete), shutoff_page)


def templatedata(shutoff_page: str, lang: str = "en") -> str:
    """Saving the infobox documentation's TemplateData block."""
    m = messages(lang)
    return framed(m, m.text("ptracker-editsummary-templatedata"), shutoff_page)
