"""The terminal progress line: drawn in place, wiped before a dry run's diff is printed."""

from __future__ import annotations

import io

from bot.logs import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_is_wiped_before_other_output_and_drawn_again_after() -> None:
    tty = Terminal()
    progress = Progress(tty)
    progress(10)
    progress.clear()
    assert tty.getvalue() == "\rpages read: 10\r\x1b[K"
    progress(11)  # drawn again at once, not 0.1 s later
    progress.finish()
    assert tty.getvalue().endswith("\rpages read: 11\r\x1b[K")


def test_nothing_is_written_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out)
    progress(10)
    progress.clear()
    progress.finish()
    assert out.getvalue() == ""


def test_around_wipes_the_line_before_each_diff() -> None:
    tty = Terminal()
    progress = Progress(tty)
    shown: list[str] = []
    show = progress.around(lambda d: shown.append(tty.getvalue() + "|" + d))
    progress(3)
    show("--- a diff")
    assert shown == ["\rpages read: 3\r\x1b[K|--- a diff"]
