"""Input loaders: folders, files and standard input -> :class:`Document` and :class:`Skipped` items.

One way through, one module a step:

1. :mod:`~dedup.loaders.walk` checks the paths given, then yields the
   :class:`~dedup.loaders.walk.Source` of every input under them (folders in sorted order, so
   that two runs over the same tree give the same sequence whatever order the file system
   lists entries in), and what cannot be read there as :class:`Skipped`;
2. :data:`READERS`, the registry, picks the reader of each input by its type: its extension,
   and whether its name ends in ``.gz``. A type that is not in it is reported as unsupported;
3. the reader yields the input's documents, and its records or files that cannot be used as
   :class:`Skipped`: :mod:`~dedup.loaders.text` (``.txt``, ``.md``),
   :mod:`~dedup.loaders.html` (``.html``, ``.htm``) and :mod:`~dedup.loaders.records`
   (``.json``, ``.jsonl``, ``.ndjson``, gzip-compressed too; standard input). Each starts from
   :mod:`~dedup.loaders.decode`: a file's bytes to text, and the reasons it may have none.

Only a missing or unreadable *top-level* path raises :class:`~dedup.errors.InputError`.
Every problem with one file, line or record becomes a :class:`Skipped` (with the path, the
line where known, and a reason a person understands) and loading goes on, so one bad file in a
corpus of thousands never stops a run; a bug met while reading one input costs that input
alone. A new format is one module with a reader and one line in :data:`READERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from dedup.documents import Document, Skipped
from dedup.loaders.decode import (
    REASON_BINARY,
    REASON_EMPTY,
    REASON_NO_WORDS,
    decode_text,
    has_words,
)
from dedup.loaders.html import read_html
from dedup.loaders.records import read_json, read_jsonl
from dedup.loaders.text import extract_title, is_title_chrome, read_markdown, read_text
from dedup.loaders.walk import (
    FileType,
    Item,
    Paths,
    Plan,
    Run,
    Source,
    plan_inputs,
    printable,
    sources,
)

__all__ = [
    "REASON_BINARY",
    "REASON_EMPTY",
    "REASON_NO_WORDS",
    "SUPPORTED_EXTENSIONS",
    "decode_text",
    "extract_title",
    "has_words",
    "is_title_chrome",
    "iter_inputs",
    "load",
]

# A reader yields the Documents and Skipped of one input, each Document through run.accept
# (an id met twice in a run is reported there).
Reader = Callable[[Source, Run], Iterator[Item]]

# The registry: a file's type (its extension, lower-cased, and whether its name ends in .gz)
# -> its reader. Standard input has the type of a .jsonl file.
READERS: dict[FileType, Reader] = {
    (".txt", False): read_text,
    (".md", False): read_markdown,
    (".html", False): read_html,
    (".htm", False): read_html,
    (".json", False): read_json,
    (".json", True): read_json,
    (".jsonl", False): read_jsonl,
    (".jsonl", True): read_jsonl,
    (".ndjson", False): read_jsonl,
    (".ndjson", True): read_jsonl,
}
SUPPORTED_EXTENSIONS = frozenset(ext for ext, _ in READERS)
# Files of records with ids of their own: where a run holds several, their ids are prefixed.
RECORD_EXTENSIONS = frozenset({".json", ".jsonl", ".ndjson"})


def iter_inputs(paths: Paths, *, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Stream the documents of folders (recursively) and files, with the skipped inputs.

    ``paths`` is one path or several; ``"-"`` stands for JSON Lines on ``stdin`` (default
    ``sys.stdin.buffer``, read from where it stands, once; gzip-compressed too).

    Document ids: a text, Markdown or HTML file's id is its path relative to the folder given
    (the file name, for a file given directly); with several paths, the path as given joined
    with that. A record's id is its ``id`` field; where the input holds several JSON/JSONL
    files (daily dumps with ids 1..N, say), it is ``<file id>#<id>``, unique per file.
    Inside folders, files named README, LICENSE, CHANGELOG and the like are not articles:
    they are skipped with that reason.

    Every path is checked *now* (not on the first ``next()``), so a typo fails fast: raises
    :class:`InputError`, naming the path, when it does not exist or cannot be read.
    Everything below them is reported as :class:`Skipped` items interleaved with the documents.
    """
    plans = plan_inputs(paths)
    prefix = sum(_record_files(plan) for plan in plans) > 1
    return _iter_plans(plans, prefix, stdin)


def load(paths: Paths, *, stdin: BinaryIO | None = None) -> tuple[list[Document], list[Skipped]]:
    """Read everything :func:`iter_inputs` yields into two lists: documents and skipped inputs."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for item in iter_inputs(paths, stdin=stdin):
        if isinstance(item, Document):
            documents.append(item)
        else:
            skipped.append(item)
    return documents, skipped


def _record_files(plan: Plan) -> int:
    """How many JSON/JSONL inputs a path holds (names only: nothing is read)."""
    if plan.kind == "stdin":
        return 1
    return sum(1 for source in sources(plan) if isinstance(source, Source)
               and source.ext in RECORD_EXTENSIONS)


def _iter_plans(plans: list[Plan], prefix: bool, stdin: BinaryIO | None) -> Iterator[Item]:
    run = Run()
    for plan in plans:
        for source in sources(plan, prefix, stdin):
            if isinstance(source, Skipped):
                yield source
            else:
                yield from _guarded(_read(source, run), source.shown)


def _read(source: Source, run: Run) -> Iterator[Item]:
    """The items of one input, from the reader of its type; an unsupported type is reported,
    never read."""
    reader = READERS.get(source.type)
    if reader is None:
        ext = source.ext + ".gz" if source.gzipped else source.ext
        if ext:
            yield Skipped(source.shown, f"unsupported file type '{printable(ext)}'")
        else:
            yield Skipped(source.shown, "unsupported file type (no extension)")
        return
    yield from reader(source, run)


def _guarded(items: Iterator[Item], shown: str) -> Iterator[Item]:
    """``items``, but a bug met while reading them costs that input alone (what it gave
    before stays): it becomes a :class:`Skipped` with reason ``internal error: ...``."""
    try:
        yield from items
    except Exception as exc:
        yield Skipped.internal_error(shown, exc)
