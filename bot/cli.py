"""Command line: ``python -m bot SUBCOMMAND`` (or the console script ``partnership-bot``).

The only place that turns ``BotError``s into messages on standard error and exit codes
(:data:`EXIT_CODES`). ``--config`` may be given before or after the subcommand. Before anything
else, :func:`main` checks that the bot's dependencies can be imported: run with a Python that lacks
them (the system's, not ``.venv/bin/python``), it says how to set up and exits 2, without a traceback."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.check import check_paths, expand_paths, render_json, render_text
from bot.config import Config, config_path, load_config
from bot.errors import BotError, InputError
from bot.logs import Progress, setup_logging
from bot.rules import load_rules


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-25")


#: Exit status → meaning, as ``--help`` and the README give them.
EXIT_CODES = {
    0: "done (check: every page complete)",
    1: "check: some page is incomplete",
    2: "usage, input, configuration, state, login or wiki error (the message says what to do)",
    3: "a safety cap stopped the pass before any write",
    4: "the shutoff page is engaged",
    5: "stopped by SIGTERM/SIGINT after the page in hand (run again to finish)",
    6: "another pass holds the run lock",
    7: "the pass finished but some saves failed (listed on stderr, in the run report and on the status page)",
    130: "interrupted (Ctrl-C) outside a pass, e.g. while logging in; nothing more was written",
}
DESCRIPTION = """\
Partnership tracker: checks the {{Partnership infobox}} pages of a MediaWiki wiki against the
contract (docs/contract.md), tags incomplete pages with {{Partnership incomplete}}, keeps the summary
table and the status page up to date, and checks .wiki files offline for editors and CI."""
#: The bot's own dependencies (pyproject.toml): without them only a one-line message is given.
DEPENDENCIES = ("pywikibot", "apscheduler", "jsonschema", "babel")


def build_parser() -> argparse.ArgumentParser:
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    prog = "python -m bot" if invoked in ("__main__.py", "-m", "") else invoked
    epilog = "exit status:\n" + "\n".join(f"  {code:>3}  {what}" for code, what in EXIT_CODES.items())
    epilog += f"\n\nA command's own options: {prog} COMMAND --help"
    parser = argparse.ArgumentParser(
        prog=prog,
        description=DESCRIPTION,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    config_help = "bot config file (default: $PARTNERSHIP_BOT_CONFIG, else config/bot.toml)"
    parser.add_argument("--config", metavar="FILE", help=config_help)
    parser.add_argument("--log-format", choices=("text", "json"), default="text", help="log lines on stderr")
    verbose_help = "also log each page's action and other details (debug lines)"
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    # --config and -v after the subcommand too; SUPPRESS keeps the one given before it when not repeated
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=config_help)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, details: str) -> argparse.ArgumentParser:
        description = f"{summary[0].upper()}{summary[1:]}. {details}"
        return sub.add_parser(name, help=summary, description=description, parents=[common])

    check = command(
        "check",
        "validate .wiki files offline (no wiki needed)",
        "Findings per page, then a total; exit 0 when every page is complete, 1 when any is not, 2 when a "
        "path is missing, holds no .wiki file or cannot be read.",
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="json: contract §3")
    check.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="date for staleness checks (default: today, UTC)")  # fmt: skip
    check.add_argument("--rules", metavar="FILE", type=Path, default=None,
                       help="a rules page saved as JSON (default: the shipped "
                            "templates_wiki/Module/Partnership tracker/rules.json)")  # fmt: skip
    check.add_argument("--lang", metavar="CODE", default=None,
                       help="the language of the findings and the report: en, es or fr (default: [site] language)")  # fmt: skip
    check.add_argument("paths", nargs="+", metavar="PATH", help="a .wiki file, or a folder searched for them")
    run = command(
        "run",
        "one pass on the wiki: validate, tag, update the summary and status pages",
        "Prints a progress line on a terminal and a one-line summary; -v logs each page's action.",
    )
    run.add_argument("--dry-run", action="store_true", help="print unified diffs; write nothing")
    run.add_argument("--report-json", metavar="FILE", help="write the run report as JSON")
    run.add_argument("--incremental", action="store_true", help="read only pages edited since the last pass")
    run.add_argument(
        "--reread",
        action="store_true",
        help="a full pass that reads every page's text (without it a full pass reads only pages whose revision "
        "changed since the last pass and re-validates the stored infoboxes of the others)",
    )
    run.add_argument("--wait", action="store_true", help="wait for another pass to finish instead of exiting")
    run.add_argument("--print-table", action="store_true", help="print the summary table as text")
    install = command(
        "install-templates",
        "create or update the wiki-side pages from templates_wiki/",
        "Only pages whose text differs are saved; the summary and shutoff pages are created, never overwritten.",
    )
    install.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    command("schedule", "run passes on the configured schedule until SIGTERM (a daemon)", "See [schedule].")
    status = command(
        "status",
        "print the last passes, the lock holder, the next runs and any back-off",
        "Read from the state database only; no wiki needed.",
    )
    status.add_argument("--json", action="store_true", help="as JSON")
    export = command(
        "export",
        "write the summary table's rows with their findings as CSV or JSON, from the state database",
        'One record per row of the table the last pass built (contract §4 "Data export"); no wiki needed.',
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default) or json")
    export.add_argument("--output", metavar="FILE", default="-", help="write to FILE (default, or -: standard output)")
    seed = command(
        "seed",
        "dev wikis: create a page from each .wiki file that is missing (title = file name)",
        "Never changes an existing page.",
    )
    seed.add_argument("paths", nargs="+", metavar="PATH", help="a .wiki file, or a folder searched for them")
    unlisted = command(
        "unlisted",
        "dev wikis: say why pages made from these .wiki files are not in the summary table",
        "Asks the wiki which of them use the infobox; for each other page, reads its text on the wiki "
        "as the bot does (no infobox, one inside a comment, <nowiki> or a template the wiki lacks, …).",
    )
    unlisted.add_argument("paths", nargs="+", metavar="PATH", help="a .wiki file, or a folder searched for them")
    return parser


def missing_dependency() -> str | None:
    """The first of :data:`DEPENDENCIES` this Python cannot import, or None."""
    return next((name for name in DEPENDENCIES if importlib.util.find_spec(name) is None), None)


def main(argv: Sequence[str] | None = None) -> int:
    missing = missing_dependency()
    if missing:
        print(
            f"error: {sys.executable} lacks the bot's dependencies (no module {missing!r}); run ./scripts/setup, "
            "then use .venv/bin/partnership-bot or .venv/bin/python -m bot",
            file=sys.stderr,
        )
        return 2
    args = build_parser().parse_args(argv)
    setup_logging(args.log_format, args.verbose)
    try:
        config = load_config(config_path(args.config))
        if args.command == "check":
            return _check(args, config)
        if args.command == "run":
            return _run(args, config)
        if args.command == "install-templates":
            return _install(args, config)
        if args.command == "export":
            return _export(args, config)
        if args.command == "seed":
            return _seed(args, config)
        if args.command == "unlisted":
            return _unlisted(args, config)
        if args.command == "schedule":
            from bot.schedule import serve

            setup_logging(config.schedule.log_format if args.log_format == "text" else args.log_format, args.verbose)
            return serve(config, _now)
        if args.command == "status":
            from bot.local_status import print_status

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
    rules = load_rules(args.rules) if args.rules else config.rules
    run = check_paths(args.paths, rules, as_of, config.site.extension_tags, args.lang or config.site.language)
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
    from bot.run_summary import progress_text, run_line

    progress = Progress(label=progress_text(config.site.language))
    stop = StopFlag()
    try:
        with stop_on_signals(stop):
            outcome = run_once(
                config,
                _now,
                kind="incremental" if args.incremental else "full",
                reread=args.reread,
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
    print(run_line(report, config.site.language))
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
        files = wiki_files(config.site.language)
        done = install(gateway, files, dry_run=args.dry_run, shutoff=config.pages.shutoff, on_diff=show)
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


def _export(args: argparse.Namespace, config: Config) -> int:
    """The rows of the table the last pass built, from the stored results (no wiki); exit 2 with
    what to do when there is no state yet or the file cannot be written."""
    from bot import export
    from bot.errors import StateError
    from bot.state import StateStore

    path = config.run.state_path
    if not path.is_file():
        raise StateError(f"no state database at {path} yet: run a pass first (`python -m bot run`), then export")
    with StateStore(path) as store:
        if not store.runs(1):
            raise StateError(f"{path} records no pass yet: run a pass first (`python -m bot run`), then export")
        results = [record.result for record in store.pages().values()]
    text = export.to_csv(results) if args.format == "csv" else export.to_json(export.data_document(results))
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write the export to {args.output}: {exc.strerror}") from None
    return 0


def _files(paths: Sequence[str]) -> list[Path]:
    """The ``.wiki`` files of ``paths``; the first missing path (or folder without one) raises."""
    files: list[Path] = []
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            raise item
        files.append(item)
    return files


def _seed(args: argparse.Namespace, config: Config) -> int:
    from bot.install import seed
    from bot.pipeline.runner import login

    files = _files(args.paths)
    gateway = login(config)
    with _edits_outside_a_pass(config, "seed"):
        done = seed(gateway, files)
    created = sum(i.action == "created" for i in done)
    print(f"seed: {len(done)} pages, {created} created, {len(done) - created} already there")
    return 0


def _unlisted(args: argparse.Namespace, config: Config) -> int:
    """One line per page (title = file name) that the wiki does not list as using the infobox, with
    the reason, and how the offline checker counts it; then a total. Reads only (about 4 requests)."""
    from bot.check import check_text, title_of
    from bot.parse import name_set
    from bot.pipeline.runner import login
    from bot.unlisted import reason, wrappers
    from bot.wikitext import read

    titles = [title_of(p) for p in _files(args.paths)]
    gateway = login(config)
    site = gateway.read_site(titles)
    infobox = f"Template:{config.rules.infobox_name}"
    names = name_set((config.rules.infobox_name, *config.rules.aliases), gateway.redirects_to(infobox))
    listed = {title for title, _rev in gateway.members(infobox, config.site.namespaces, (), titles).values()}
    views = {t: read(page.text, site.extension_tags) for t, page in site.pages.items() if page and t not in listed}
    around = sorted({w for view in views.values() for w in wrappers(view, names)})
    absent = frozenset(t for t, page in gateway.read(around).items() if page is None) if around else frozenset()
    as_of = _now().date()
    lines = []
    for title in titles:
        page = site.pages[title]
        if title in listed:
            continue
        if page is None:
            lines.append(f"  {title}: not on the wiki (seed creates it)")
        elif page.namespace is not None and page.namespace not in config.site.namespaces:
            lines.append(f"  {title}: in namespace {page.namespace}, which [site] namespaces leaves out")
        else:
            result = check_text(title, page.text, config.rules, as_of, site.extension_tags)
            codes = ", ".join(sorted({f.code for f in result.findings if f.severity == "error"}))
            offline = "complete" if result.complete else f"incomplete: {codes}"
            lines.append(f"  {title}: {reason(views[title], names, absent)} (offline check: {offline})")
    head = f"{len(titles)} pages (one per file): {len(listed)} use the infobox (a pass lists them), {len(lines)} do not"
    print("\n".join([head + (":" if lines else ""), *lines]))
    return 0
