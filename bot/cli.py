"""Command line: ``python -m bot SUBCOMMAND``. The only place that turns ``BotError``s into
messages on standard error and exit codes (0 ok, 1 incomplete pages, 2 usage/input/config error,
3 safety stop, 4 shutoff engaged)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence

from bot.check import check_paths, render_json, render_text
from bot.config import config_path, load_config
from bot.errors import BotError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-25")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    parser.add_argument("--config", help="bot config file (default: $PARTNERSHIP_BOT_CONFIG or config/bot.toml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate wikitext files offline (no wiki needed)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="date for staleness checks (default: today, UTC)")  # fmt: skip
    check.add_argument("paths", nargs="+", metavar="PATH", help="a .wiki file, or a directory searched for them")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(config_path(args.config))
        if args.command == "check":
            as_of = args.as_of or dt.datetime.now(dt.UTC).date()
            run = check_paths(args.paths, config.rules, as_of)
            for err in run.errors:
                print(f"error: {err}", file=sys.stderr)
            if args.format == "json":
                print(render_json(run))
            else:
                print(render_text(run, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
            return run.exit_code
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2
