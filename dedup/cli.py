"""The `dedup` command: parses arguments, calls the library, prints. Nothing else.

Exit codes: 0 success; 1 ran, but some inputs were skipped (results are still printed);
2 usage error or nothing readable; 3 internal error (a bug in dedup outside any one input:
one line on stderr, the traceback with ``--debug``); 130 interrupted (Ctrl-C); 141 the output
pipe was closed.
"""

from __future__ import annotations

import argparse
import errno
import functools
import importlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import Config
from .documents import Document, Skipped
from .errors import ConfigError, DedupError, describe
from .result import EVENT, EXACT, NEAR, SINGLE

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table
    from rich.text import Text

    from . import report
    from .explain import explain_pair
    from .index import DedupIndex
    from .loaders import iter_inputs
    from .pipeline import cluster_documents
    from .report import (
        Selection,
        plural,
        render_explanation,
        render_table,
        render_verdicts,
        write_json,
        write_jsonl,
    )

# What a command needs beyond parsing its arguments, imported only once one runs (rich, numpy,
# scipy, scikit-learn and datasketch take most of a second: `dedup --help` needs none of them).
# Each is a global of this module once :func:`_load` has run; a name set before (a test's
# stand-in) is left as it is.
_LAZY: dict[str, tuple[str, str | None]] = {
    "Console": ("rich.console", "Console"),
    "Progress": ("rich.progress", "Progress"),
    "TaskID": ("rich.progress", "TaskID"),
    "Table": ("rich.table", "Table"),
    "Text": ("rich.text", "Text"),
    "report": ("dedup.report", None),  # the module
    "explain_pair": ("dedup.explain", "explain_pair"),
    "DedupIndex": ("dedup.index", "DedupIndex"),
    "iter_inputs": ("dedup.loaders", "iter_inputs"),
    "cluster_documents": ("dedup.pipeline", "cluster_documents"),
    **{name: ("dedup.report", name) for name in (
        "Selection", "plural", "render_explanation", "render_table", "render_verdicts",
        "write_json", "write_jsonl")},
}


def __getattr__(name: str) -> Any:
    if name == "_Output":
        value: Any = _output_class()
    elif name in _LAZY:
        module, attribute = _LAZY[name]
        value = importlib.import_module(module)
        if attribute is not None:
            value = getattr(value, attribute)
    else:
        raise AttributeError(f"module 'dedup.cli' has no attribute '{name}'")
    globals()[name] = value
    return value


def _load() -> None:
    """Import what the commands use (see :data:`_LAZY`)."""
    names = globals()
    for name in _LAZY:
        if name not in names:
            __getattr__(name)


EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`dedup ... | head`)


@functools.cache
def _output_class() -> type[Console]:
    """The class of the stdout console (``_Output``), made once on first use."""
    from rich.console import Console

    class _Output(Console):
        """The stdout console: a closed pipe raises BrokenPipeError, handled in :func:`main`
        like the JSON writers' (rich's default exits with status 1, which here means "inputs
        skipped")."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return _Output


FORMATS = ("table", "json", "jsonl")
KINDS = (EXACT, NEAR, EVENT, SINGLE)


def _kinds(value: str) -> list[str]:
    """``--kind`` values: one kind or a comma list."""
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    for kind in kinds:
        if kind not in KINDS:
            raise argparse.ArgumentTypeError(
                f"invalid choice: '{kind}' (choose from {', '.join(KINDS)})")
    return kinds


def _count(value: str) -> int:
    """A whole number of at least 1 (``--min-size``, ``--limit``)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got '{value}'") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {number}")
    return number


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="+", metavar="PATH",
        help="folders (read recursively) and files (.jsonl, .ndjson, .json, also .gz; .txt, .md, "
             ".html); '-' reads JSON Lines from standard input",
    )


def _add_format(parser: argparse.ArgumentParser, text: str) -> None:
    """--format, with the same choices in every subcommand."""
    parser.add_argument("--format", choices=FORMATS, default="table", help=text)


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress bar (it is drawn on stderr, only on a terminal)")


def _add_pager(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-pager", action="store_true",
                        help="never page the table (by default a table longer than the terminal "
                             "goes through $PAGER, else less, when stdout is a terminal)")


def _add_debug(parser: argparse.ArgumentParser) -> None:
    # --debug after the subcommand too; SUPPRESS keeps the top-level value when it is absent.
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="on an internal error, print the traceback")


def _add_tuning(parser: argparse.ArgumentParser) -> None:
    """The configuration's flags (the same for cluster and explain: explain a run's verdict
    with the run's own settings)."""
    defaults = Config()
    tuning = parser.add_argument_group("thresholds and fingerprints (defaults serve all news)")
    tuning.add_argument("--near-duplicate-threshold", type=float,
                        default=defaults.near_duplicate_threshold, metavar="J",
                        help="shingle Jaccard (or containment of the shorter text) from which two "
                        "texts are copies (default %(default)s)")
    tuning.add_argument("--same-event-threshold", type=float,
                        default=defaults.same_event_threshold, metavar="S",
                        help="pair score from which two stand-alone texts report one event "
                             "(default %(default)s)")
    tuning.add_argument("--cluster-threshold", type=float, default=defaults.cluster_threshold,
                        metavar="A", help="average score from which stories merge (default %(default)s)")
    tuning.add_argument("--shingle-size", type=int, default=defaults.shingle_size, metavar="K",
                        help="words per shingle (default %(default)s)")
    tuning.add_argument("--num-perm", type=int, default=defaults.num_perm, metavar="N",
                        help="MinHash permutations (default %(default)s)")
    tuning.add_argument("--window-days", type=int, default=defaults.window_days, metavar="D",
                        help="never compare articles published further apart (default %(default)s)")
    tuning.add_argument("--max-partners", type=int, default=defaults.max_partners, metavar="K",
                        help="blocking candidates per article: the K earlier articles sharing the "
                             "most salient terms (copies found by MinHash are never capped; "
                             "default %(default)s)")
    tuning.add_argument("--max-fact-holders", type=int, default=defaults.max_fact_holders,
                        metavar="K", help="articles giving one rare key fact (a surname, a block "
                                          "address) are compared when at most K give it; 0: "
                                          "never (default %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dedup", description="Exact, near-duplicate and same-event news story detection."
    )
    parser.add_argument("--version", action="version", version=f"dedup {__version__}",
                        help="print the version and exit")
    parser.add_argument("--debug", action="store_true",
                        help="on an internal error, print the traceback")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    cluster = sub.add_parser(
        "cluster", help="group the articles of folders and files into stories",
        description="Group articles into stories: exact copies, near-duplicates (edited "
                    "copies) and same-event reports (different texts about one event). The "
                    "table lists copies first, then same-event stories, then counts the "
                    "articles that stand alone; json and jsonl hold every article.",
    )
    _add_paths(cluster)
    _add_format(cluster, "table for people (default); json: one document with every cluster, "
                         "link and article (schema 2); jsonl: one line per article")
    _add_quiet(cluster)
    _add_pager(cluster)
    _add_debug(cluster)
    cluster.add_argument("--jobs", "-j", type=_count, metavar="N",
                         help="processes that analyse the texts (default: one per core; 1: this "
                              "process only); the result is the same")
    cluster.add_argument("--engine", choices=("default", "spark"), default="default",
                         help="default: this machine; spark: Apache Spark (pip install "
                              "'dedup[spark]'), the same result; a PATH with a scheme "
                              "(hdfs://, s3a://, file://) is read by Spark's executors "
                              "(JSON Lines, also .gz)")
    cluster.add_argument("--master", metavar="URL",
                         help="with --engine spark: the Spark master (default local[*])")
    cluster.add_argument("--parquet", metavar="DIR",
                         help="with --engine spark: write the result as Parquet to DIR (any "
                              "path Spark writes; articles/, links/, skipped/), from the "
                              "executors, instead of printing it")
    shown = cluster.add_argument_group("what the table lists (json and jsonl hold everything)")
    shown.add_argument("--kind", type=_kinds, action="append", metavar="KIND",
                       help="list only stories of this kind: exact, near-duplicate, "
                            "same-event or single; repeat it or give a comma list")
    shown.add_argument("--min-size", type=_count, default=1, metavar="N",
                       help="list only stories of N articles or more")
    shown.add_argument("--limit", type=_count, metavar="N",
                       help="list the first N stories only (copies first, larger first)")
    shown.add_argument("--show-singles", action="store_true",
                       help="list the stand-alone articles too (the same as adding --kind single)")
    _add_tuning(cluster)

    explain = sub.add_parser(
        "explain", help="say why two articles were joined or kept apart",
        description="Cluster the articles under PATH as 'dedup cluster' does (give it the same "
                    "options), then show for articles A and B their event keys and every "
                    "score and rule that decided their relation: the candidate sources, the "
                    "date window, the copy rule, the same-event score part by part, and how "
                    "the clustering placed them.",
    )
    _add_paths(explain)
    explain.add_argument("a", metavar="A", help="an article id, or the start of one (001)")
    explain.add_argument("b", metavar="B", help="another article id, or the start of one")
    _add_format(explain, "table for people (default); json or jsonl: the explanation as one "
                         "JSON document (jsonl: on one line)")
    _add_quiet(explain)
    _add_pager(explain)
    _add_debug(explain)
    _add_tuning(explain)

    index = sub.add_parser(
        "index", help="keep an index between runs, as a cron-style crawler does",
        description="Add articles to an index file and say of each whether it is new, a copy, "
                    "or another report of a known story; check articles without adding them; "
                    "or print the index's counts.",
    )
    actions = index.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text, index_help in (
        ("add", "add the articles under PATH to the index and print a verdict for each",
         "the index file; created when missing, saved (atomically) after the run"),
        ("check", "print the verdicts the articles under PATH would get, without adding them",
         "the index file (read, never written)"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        _add_paths(action)
        action.add_argument("--index", required=True, metavar="FILE", help=index_help)
        _add_format(action, "table for people (default); json: one document with every "
                            "verdict; jsonl: one verdict a line")
        _add_pager(action)
        _add_debug(action)
    stats = actions.add_parser("stats", help="print how many articles, stories and copy groups "
                                             "the index holds",
                               description="Print how many articles, stories and copy groups "
                                           "the index holds.")
    stats.add_argument("--index", required=True, metavar="FILE",
                       help="the index file (read, never written)")
    _add_format(stats, "table for people (default); json or jsonl: the counts as one JSON "
                       "object (jsonl: on one line)")
    _add_debug(stats)
    for leaf in (cluster, explain, *actions.choices.values()):
        leaf.set_defaults(parser=leaf)  # errors found after parsing print the leaf's usage
    return parser


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; usage errors name the subcommand's flags and show its usage
    (argparse alone reports an unknown flag against the top-level usage)."""
    args, unknown = parser.parse_known_args(argv)
    leaf: argparse.ArgumentParser = getattr(args, "parser", parser)
    if unknown:
        leaf.error(f"unrecognized arguments: {' '.join(unknown)}")
    if hasattr(args, "near_duplicate_threshold"):
        try:
            args.config = _config(args)
        except ConfigError as exc:
            leaf.error(_flag_message(exc))
    if args.command == "cluster":
        _check_filters(args)
        if args.master and args.engine != "spark":
            leaf.error("--master is for --engine spark")
        if args.parquet and args.engine != "spark":
            leaf.error("--parquet is for --engine spark")
        if args.parquet and args.format != "table":
            leaf.error("--parquet writes the result: no --format to print it in")
        uris = [p for p in args.path if _is_uri(p)]
        if uris and args.engine != "spark":
            leaf.error(f"{uris[0]} is a URI: Spark's executors read those (--engine spark); "
                       f"this machine reads local paths")
        if uris and len(args.path) > 1:
            leaf.error(f"{uris[0]} is read by Spark's executors: give it alone (a folder, or a "
                       f"glob such as 's3a://crawl/2026-05/*.jsonl.gz', names many files)")
    return args


def _is_uri(path: str) -> bool:
    """Whether ``path`` names its file system (``hdfs://``, ``s3a://``, ``file://``...)."""
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.replace("+", "").replace(".", "").replace("-", "").isalnum()


def _flag_message(exc: ConfigError) -> str:
    """A configuration error in the words of the command line: the flag, not the field."""
    if exc.parameter is None:
        return str(exc)
    value = exc.value
    shown = f"{value:g}" if isinstance(value, float) else repr(value) if isinstance(value, str) else value
    return f"--{exc.parameter.replace('_', '-')} must be {exc.requirement}, got {shown}"


def _index(args: argparse.Namespace, out: Console, err: Console) -> int:
    """``dedup index add|check|stats``: one index file, saved atomically after ``add``."""
    path = Path(args.index)
    if args.action == "stats":
        counts = DedupIndex.load(path).stats()
        if args.format != "table":
            sys.stdout.write(report.dumps(counts, indent=args.format == "json") + "\n")
        else:
            table = Table(title=Text(f"index {path}"), title_justify="left")
            for key in counts:
                table.add_column(key, justify="right")
            table.add_row(*(f"{v:,}" for v in counts.values()))
            out.print(table)
        return EXIT_OK
    if args.action == "add" and not path.exists():
        index = DedupIndex()
    else:
        index = DedupIndex.load(path)
    skipped: list[Skipped] = []
    verdicts = []
    articles = 0
    for item in iter_inputs(args.path):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        articles += 1
        if args.action == "add":
            verdicts.append(index.add(item))  # an id indexed before: its verdict, a re-crawl
        else:
            verdicts.append(index.check(item))
    if not articles:
        err.print(f"dedup: no readable article in {' '.join(args.path)}", markup=False,
                  highlight=False)
        return EXIT_USAGE
    if args.action == "add":
        index.save(path)  # only now: an interrupted run leaves the previous index as it was
    if args.format == "json":
        sys.stdout.write(report.dumps(report.verdicts_document(verdicts, skipped), indent=True)
                         + "\n")
    elif args.format == "jsonl":
        for verdict in verdicts:
            sys.stdout.write(report.dumps(verdict.to_dict()) + "\n")
        for item in skipped:
            sys.stdout.write(json.dumps({"skipped": item.to_dict()}, sort_keys=True) + "\n")
    else:
        _show(out, lambda console: render_verdicts(verdicts, skipped, console), args.no_pager)
    return EXIT_SKIPPED if skipped else EXIT_OK


def _config(args: argparse.Namespace) -> Config:
    return Config(
        near_duplicate_threshold=args.near_duplicate_threshold,
        same_event_threshold=args.same_event_threshold,
        cluster_threshold=args.cluster_threshold,
        shingle_size=args.shingle_size,
        num_perm=args.num_perm,
        window_days=args.window_days,
        max_partners=args.max_partners,
        max_fact_holders=args.max_fact_holders,
    )


class _Inputs:
    """The documents under the paths, streamed once into the pipeline (the texts are never all
    held), with a progress bar of the inputs read; skipped inputs are collected on the way."""

    def __init__(self, path: list[str], skipped: list[Skipped], progress: Progress) -> None:
        self.path = path
        self.skipped = skipped
        self.progress = progress
        self.inputs = 0
        self.task: TaskID | None = None

    def __iter__(self) -> Iterator[Document]:
        self.task = self.progress.add_task("reading", total=None, rate="")
        for item in iter_inputs(self.path):
            self.inputs += 1
            self.progress.advance(self.task)
            if isinstance(item, Skipped):
                self.skipped.append(item)
            else:
                yield item


def _progress(err: Console, quiet: bool) -> Progress:
    """The progress display, drawn on stderr when it is a terminal (and gone when done): a
    line per stage with its count, its rate, the time it took or is taking, and the time
    left where the stage's total is known."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>10}"), TimeElapsedColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=quiet or not err.is_terminal,
    )


def _rate(done: int, seconds: float | None) -> str:
    return f"{done / seconds:,.0f}/s" if seconds and done else ""


def _reporter(progress: Progress, documents: _Inputs) -> Callable[[str, int, int], None]:
    """The pipeline's progress callback: a line per stage of :data:`dedup.pipeline.STAGES`.
    Stages report when they end (the reading pass as it goes), so the stage after the last
    one reported is shown as running, without a count, until it reports."""
    from .pipeline import STAGES

    tasks: dict[str, TaskID] = {}

    def start(stage: str) -> TaskID:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=None, rate="")
        return tasks[stage]

    def report(stage: str, done: int, total: int) -> None:
        if stage == "reading":
            # inputs are counted by _Inputs as they stream by (skipped ones too); here, the
            # articles analysed so far
            if documents.task is not None:
                task = progress.tasks[documents.task]
                progress.update(documents.task, rate=_rate(done, task.elapsed),
                                description=f"reading ({done:,} analysed)")
            if not total:
                return
        if documents.task is not None and "reading" not in tasks:  # the pass is over
            tasks["reading"] = documents.task
            done_inputs = max(documents.inputs, 1)
            progress.update(documents.task, total=done_inputs, completed=done_inputs)
            progress.stop_task(documents.task)
        if stage != "reading":
            task = start(stage)
            elapsed = progress.tasks[task].elapsed
            progress.update(task, completed=done, total=max(total, 1), rate=_rate(done, elapsed))
            progress.stop_task(task)
        following = STAGES[STAGES.index(stage) + 1:] if stage in STAGES else ()
        if following:
            start(following[0])

    return report


def _show(out: Console, render: Callable[[Console], None], no_pager: bool) -> None:
    """Print what ``render`` draws; through the pager (rich's, which runs $PAGER, else less)
    when stdout is a terminal and it is longer than the terminal, unless ``no_pager``."""
    if no_pager or not out.is_terminal:
        render(out)
        return
    with out.capture() as capture:
        render(out)
    drawn = capture.get()
    if drawn.count("\n") < out.height - 1:
        out.file.write(drawn)
        out.file.flush()
        return
    os.environ.setdefault("LESS", "FRX")  # as git does: colours, and the text stays on quitting
    with out.pager(styles=True):
        render(out)


def _selection(args: argparse.Namespace) -> Selection:
    kinds = {k for given in args.kind for k in given} if args.kind else {EXACT, NEAR, EVENT}
    if args.show_singles:
        kinds.add(SINGLE)
    return Selection(kinds=frozenset(kinds), min_size=args.min_size, limit=args.limit)


def _check_filters(args: argparse.Namespace) -> None:
    """The table's filters with another format are a usage error (exits 2 with the usage)."""
    if args.format != "table" and (args.kind or args.min_size > 1 or args.limit or args.show_singles):
        args.parser.error(
            f"--kind, --min-size, --limit and --show-singles choose what the table lists; "
            f"--format {args.format} holds every article (filter its records: by \"tier\", "
            f"\"kind\" or \"cluster_size\")")


def _cluster(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Run one clustering: stream the inputs through the pipeline, then print the result.

    Documents flow from the loader straight into :func:`cluster_documents` (read once, so
    the raw texts are never all held at once); skipped inputs are collected on the way.
    Whether anything was readable is known only after the pass.
    """
    uri = args.engine == "spark" and _is_uri(args.path[0])
    if not uri:
        iter_inputs(args.path)  # raises InputError now for a missing or unreadable path
    skipped: list[Skipped] = []
    with _progress(err, args.quiet) as progress:
        documents = _Inputs(args.path, skipped, progress)
        if args.engine == "spark":
            from .spark import cluster_spark, spark_session

            # A URI (HDFS, S3, ...) is read by the executors: JSON Lines, gzipped too. Local
            # paths are read here, on the driver, by the loaders of every input format, as
            # the default engine reads them.
            result = cluster_spark(spark_session(args.master),
                                   args.path[0] if uri else list(documents),
                                   args.config, skipped=skipped,
                                   progress=_reporter(progress, documents),
                                   output=args.parquet)
        else:
            result = cluster_documents(documents, args.config, skipped=skipped,
                                       progress=_reporter(progress, documents), jobs=args.jobs)

    if args.parquet:
        return _written(args, result, err)
    if args.format == "json":
        write_json(result, sys.stdout)  # a valid document even when nothing was read
    elif args.format == "jsonl":
        write_jsonl(result, sys.stdout)
    elif result.documents:
        _show(out, lambda console: render_table(result, console, selection=_selection(args)),
              args.no_pager)
    sys.stdout.flush()
    if result.documents == 0:
        _nothing_readable(args.path, skipped, err)
        return EXIT_USAGE
    if result.skipped and args.format != "table":
        err.print(f"dedup: {plural(len(result.skipped), 'input')} skipped "
                  "(listed under \"skipped\")", markup=False, highlight=False)
    if result.warnings and args.format != "table":
        err.print(f"dedup: {plural(len(result.warnings), 'warning')} (listed under "
                  "\"warnings\")", markup=False, highlight=False)
    return EXIT_SKIPPED if result.skipped else EXIT_OK


def _written(args: argparse.Namespace, written: Any, err: Console) -> int:
    """The end of ``--parquet``: what was written where, on stderr."""
    if written.documents == 0:
        _nothing_readable(args.path, written.skipped, err)
        return EXIT_USAGE
    err.print(f"dedup: {plural(written.documents, 'article')} clustered, written as Parquet to "
              f"{written.path} (articles/, links/, skipped/"
              f"{': ' + plural(len(written.skipped), 'input') + ' skipped' if written.skipped else ''})",
              markup=False, highlight=False)
    return EXIT_SKIPPED if written.skipped else EXIT_OK


def _nothing_readable(paths: Sequence[str], skipped: list[Skipped], err: Console) -> None:
    err.print(f"dedup: no readable article in {' '.join(paths)}"
              + (f" ({plural(len(skipped), 'input')} skipped)" if skipped else ""),
              markup=False, highlight=False)
    for item in skipped[:20]:
        err.print(f"  skipped {item.path}" + (f":{item.line}" if item.line else "")
                  + f": {item.reason}", markup=False, highlight=False)
    if len(skipped) > 20:
        err.print(f"  ... and {len(skipped) - 20} more", markup=False, highlight=False)


def _explain(args: argparse.Namespace, out: Console, err: Console) -> int:
    """``dedup explain PATH... A B``: the library explains, the command prints."""
    iter_inputs(args.path)
    skipped: list[Skipped] = []
    with _progress(err, args.quiet) as progress:
        documents = _Inputs(args.path, skipped, progress)
        explanation = explain_pair(documents, args.a, args.b, args.config, skipped=skipped,
                                   progress=_reporter(progress, documents))
    if args.format == "table":
        _show(out, lambda console: render_explanation(explanation, console), args.no_pager)
    else:
        sys.stdout.write(report.dumps(explanation.to_dict(), indent=args.format == "json") + "\n")
    return EXIT_SKIPPED if skipped else EXIT_OK


def _discard_stdout() -> None:
    """Point stdout at the null device after a broken pipe, so that the interpreter's last
    flush at exit does not fail a second time with a traceback."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests capture stdout): nothing will be flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dedup`` command; returns the exit code (see the module doc)."""
    parser = build_parser()
    try:
        args = parse_arguments(parser, argv)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(exc.code or 0)
    _load()
    err = Console(stderr=True, soft_wrap=True)  # messages are one line, never wrapped
    out = _output_class()(highlight=False)  # ids, titles and counts are not code: no colours guessed
    try:
        if args.command == "cluster":
            return _cluster(args, out, err)
        if args.command == "explain":
            return _explain(args, out, err)
        if args.command == "index":
            return _index(args, out, err)
    except DedupError as exc:
        err.print(f"dedup: error: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("dedup: interrupted", markup=False, highlight=False)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug outside any one input: one line, not a traceback
        debug = getattr(args, "debug", False)
        if debug:
            traceback.print_exc()
        err.print(f"dedup: internal error: {describe(exc)}"
                  + ("" if debug else " (rerun with --debug for the traceback)"),
                  markup=False, highlight=False)
        return EXIT_INTERNAL
    parser.print_usage(sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
