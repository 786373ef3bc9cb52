"""Command line: ``python -m bot SUBCOMMAND``. The only place that turns ``BotError``s into
messages on standard error and exit codes: 0 ok, 1 incomplete pages (``check``), 2 usage, input,
config or wiki error, 3 safety stop, 4 shutoff engaged, 5 stopped by a signal, 6 another pass
holds the lock, 7 the pass finished but some pages could not be saved (listed on stderr).

Sub-commands: ``check`` (offline), ``run`` (one pass on the wiki), ``install-templates`` (the wiki
side), ``seed`` (create example pages on a dev wiki)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.check import check_paths, expand_paths, render_json, render_text
from bot.config import Config, config_path, load_config
from bot.errors import BotError, InputError
from bot.logs import Progress, setup_logging


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
    parser.add_argument("--log-format", choices=("text", "json"), default="text", help="log lines on stderr")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate wikitext files offline (no wiki needed)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="date for staleness checks (default: today, UTC)")  # fmt: skip
    check.add_argument("paths", nargs="+", metavar="PATH", help="a .wiki file, or a directory searched for them")
    run = sub.add_parser("run", help="one pass on the wiki: validate, tag, update the summary and status pages")
    run.add_argument("--dry-run", action="store_true", help="print unified diffs; write nothing")
    run.add_argument("--report-json", metavar="FILE", help="write the run report as JSON")
    run.add_argument("--incremental", action="store_true", help="read only pages edited since the last pass")
    run.add_argument("--wait", action="store_true", help="wait for another pass to finish instead of exiting")
    run.add_argument("--print-table", action="store_true", help="print the summary table as text")
    run.add_argument("--config", dest="run_config", metavar="PATH", help="bot config file (same as the global one)")
    install = sub.add_parser("install-templates", help="create or update the wiki-side pages from templates_wiki/")
    install.add_argument("--dry-run", action="store_true", help="list what would change; write nothing")
    sub.add_parser("schedule", help="run passes on the configured schedule until SIGTERM (a daemon)")
    status = sub.add_parser("status", help="print the last passes, the lock and the next runs (local; no wiki)")
    status.add_argument("--json", action="store_true", help="as JSON")
    seed = sub.add_parser("seed", help="create a wiki page from each .wiki file that is missing (dev wikis)")
    seed.add_argument("paths", nargs="+", metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_format, args.verbose)
    try:
        config = load_config(config_path(getattr(args, "run_config", None) or args.config))
        if args.command == "check":
            return _check(args, config)
        if args.command == "run":
            return _run(args, config)
        if args.command == "install-templates":
            return _install(args, config)
        if args.command == "seed":
            return _seed(args, config)
        if args.command == "schedule":
            from bot.schedule import serve

            setup_logging(config.schedule.log_format if args.log_format == "text" else args.log_format, args.verbose)
            return serve(config, _now)
        if args.command == "status":
            from bot.status_cli import print_status

            return print_status(config, _now(), as_json=args.json)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted: nothing more was written; run the same command again to finish", file=sys.stderr)
        return 130
    return 2


def _check(args: argparse.Namespace, config: Config) -> int:
    as_of = args.as_of or dt.datetime.now(dt.UTC).date()
    run = check_paths(args.paths, config.rules, as_of, config.site.extension_tags)
    for err in run.errors:
        print(f"error: {err}", file=sys.stderr)
    if args.format == "json":
        print(render_json(run))
    else:
        print(render_text(run, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    return run.exit_code


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _run(args: argparse.Namespace, config: Config) -> int:
    from bot.pipeline.runner import StopFlag, run_once, stop_on_signals

    progress = Progress()
    stop = StopFlag()
    try:
        with stop_on_signals(stop):
            outcome = run_once(
                config,
                _now,
                kind="incremental" if args.incremental else "full",
                dry_run=args.dry_run,
                should_stop=stop,
                on_diff=progress.around(lambda d: print(d, end="", flush=True)),
                on_progress=progress,
                wait_for_lock=True if args.wait else None,
                want_rows=args.print_table,
            )
    finally:
        progress.finish()
    report = outcome.report
    if args.report_json:
        try:
            Path(args.report_json).write_text(json.dumps(report.as_dict(), indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the run report to {args.report_json}: {exc.strerror}") from None
    if args.print_table:
        from bot.texttable import text_table

        print(text_table(outcome.rows))
    for skip in report.skipped:
        print(f"skipped: {skip.title}: {skip.reason}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(report.line())
    return 7 if report.errors else 0


def _install(args: argparse.Namespace, config: Config) -> int:
    from bot.diff import unified_diff
    from bot.install import install, wiki_files
    from bot.pipeline.runner import login

    gateway = login(config)

    def show(title: str, old: str, new: str) -> None:
        if args.dry_run:
            print(unified_diff(title, old, new), end="")

    with _edits_outside_a_pass(config, "install-templates", dry_run=args.dry_run):
        done = install(gateway, wiki_files(), dry_run=args.dry_run, shutoff=config.pages.shutoff, on_diff=show)
    for item in done:
        if item.action in ("created", "updated"):
            print(f"{'would be ' if args.dry_run else ''}{item.action}: {item.title}")
    changed = sum(i.action in ("created", "updated") for i in done)
    print(f"install-templates: {len(done)} pages, {changed} {'to change' if args.dry_run else 'changed'}")
    return 0


@contextlib.contextmanager
def _edits_outside_a_pass(config: Config, what: str, *, dry_run: bool = False) -> Iterator[None]:
    """Edits under the bot's account outside a pass: recent changes leave them out, so the next
    incremental pass must list every page. The mark is forgotten first (a failure here leaves the
    wiki untouched), under the run lock (a pass running now would store its own mark after)."""
    if dry_run:
        yield
        return
    from bot.lock import RunLock
    from bot.pipeline.runner import lock_path
    from bot.state import MARK_KEY, StateStore

    with RunLock(lock_path(config), wait=True, what=what):
        with StateStore(config.run.state_path) as store:
            store.set_meta(MARK_KEY, "")
        yield


def _seed(args: argparse.Namespace, config: Config) -> int:
    from bot.install import seed
    from bot.pipeline.runner import login

    files: list[Path] = []
    for item in expand_paths(args.paths):
        if isinstance(item, InputError):
            raise item
        files.append(item)
    gateway = login(config)
    with _edits_outside_a_pass(config, "seed"):
        done = seed(gateway, files)
    created = sum(i.action == "created" for i in done)
    print(f"seed: {len(done)} pages, {created} created, {len(done) - created} already there")
    return 0
