"""Where the articles are: the paths given, checked, and the inputs they hold, in a fixed order.

:func:`plan_inputs` checks each path given now (a folder, a file, or ``-`` for standard input),
so that a typo fails fast; :func:`sources` then turns one path into the :class:`Source` of
each input to read, walking a folder depth first in sorted name order (hidden files left out,
symbolic links followed but never round a loop), and reports what cannot be read, files that
are not regular and project files (README, LICENSE, ...) as :class:`Skipped`. Each input's id
is decided here: its path relative to the folder given, or the path as given. :class:`Run`
remembers the ids met in one run, so that an id met twice is reported.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import BinaryIO, NamedTuple

from dedup.documents import Document, Skipped
from dedup.errors import InputError
from dedup.loaders.decode import open_file, os_reason

__all__ = [
    "STDIN",
    "STDIN_TYPE",
    "FileType",
    "Item",
    "Paths",
    "Plan",
    "Run",
    "Source",
    "file_type",
    "plan_inputs",
    "printable",
    "sources",
]

Item = Document | Skipped

Paths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
STDIN = "-"

FileType = tuple[str, bool]
STDIN_TYPE: FileType = (".jsonl", False)  # standard input: JSON Lines (gzip is sniffed)


def plan_inputs(paths: Paths) -> list[Plan]:
    """Each path given, checked now: a folder, a file, or ``"-"`` (standard input, once).

    Raises :class:`InputError`, naming the path, when it does not exist or cannot be read, so
    that a typo fails before anything is read.
    """
    roots = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not roots:
        raise InputError("no input path given")
    several = len(roots) > 1
    plans = [_plan(os.fsdecode(os.fspath(root)), several) for root in roots]
    if sum(1 for plan in plans if plan.kind == "stdin") > 1:
        raise InputError("'-' (standard input) can be given once")
    return plans


# The walk's records (Plan, Source, _Entry) are NamedTuples and Run a plain class, not
# dataclasses: a dataclass takes up to a millisecond to define, and `dedup --help` imports
# this module.
class Plan(NamedTuple):
    """One input path, checked: a folder, a file or standard input, and how its ids begin."""

    kind: str  # "folder", "file" or "stdin"
    path: str
    shown: str
    id_base: str  # "" (ids relative to the folder), or the path as given (several paths)
    key: tuple[int, int] = (0, 0)


def _plan(root: str, several: bool) -> Plan:
    if root == STDIN:
        return Plan("stdin", root, root, root)
    shown = printable(root)
    try:
        st = os.stat(root)
    except FileNotFoundError:
        if os.path.islink(root):
            raise InputError(f"input path is a broken symbolic link: {shown}") from None
        raise InputError(f"input path does not exist: {shown}") from None
    except OSError as exc:
        raise InputError(f"cannot access input path {shown}: {os_reason(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        try:
            with os.scandir(root):
                pass
        except OSError as exc:
            raise InputError(f"cannot read input folder {shown}: {os_reason(exc)}") from None
        base = shown.rstrip("/") if several else ""
        return Plan("folder", root, shown, base, (st.st_dev, st.st_ino))
    if stat.S_ISREG(st.st_mode):
        try:
            with open_file(root):
                pass
        except OSError as exc:
            raise InputError(f"cannot read input file {shown}: {os_reason(exc)}") from None
        base = shown if several else printable(os.path.basename(os.path.normpath(root)))
        return Plan("file", root, shown, base)
    raise InputError(f"input path is neither a regular file nor a folder: {shown}")


class Source(NamedTuple):
    """One input to read: a file found under a path given, or standard input.

    ``path`` is where to open it; ``id`` the input's id (that of its article, for a text,
    Markdown or HTML file or a JSON file of one record without an ``id``); ``shown`` its path
    as printed; ``ext`` (lower-cased) and ``gzipped`` (the name ends in ``.gz``) its type,
    which picks its reader; ``id_prefix`` begins the ids of its records (``"<id>#"`` where the
    run holds several record files, else ""); ``stream`` is standard input, already open
    (None for a file).
    """

    path: str
    id: str
    shown: str
    ext: str
    gzipped: bool = False
    id_prefix: str = ""
    stream: BinaryIO | None = None

    @property
    def type(self) -> FileType:
        """The key of its reader in :data:`READERS`: ``(ext, gzipped)``."""
        return self.ext, self.gzipped


def sources(
    plan: Plan, prefix: bool = False, stdin: BinaryIO | None = None
) -> Iterator[Source | Skipped]:
    """The inputs of one path given, in order, and what cannot be read below it as Skipped
    (``prefix``: the run holds several record files; ``stdin``: what "-" reads)."""
    if plan.kind == "stdin":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield _source(plan.path, plan.id_base, plan.shown, prefix, STDIN_TYPE, stream)
    elif plan.kind == "file":
        yield _source(plan.path, plan.id_base, plan.shown, prefix)
    else:
        for entry in _walk(plan.path, "", plan.shown, (plan.key,), {plan.key}):
            if isinstance(entry, Skipped):
                yield entry
            else:
                doc_id = f"{plan.id_base}/{entry.rel}" if plan.id_base else entry.rel
                yield _source(entry.path, doc_id, entry.shown, prefix)


def _source(
    path: str, doc_id: str, shown: str, prefix: bool,
    filetype: FileType | None = None, stream: BinaryIO | None = None,
) -> Source:
    ext, gzipped = filetype or file_type(path)
    return Source(path, doc_id, shown, ext, gzipped, f"{doc_id}#" if prefix else "", stream)


def file_type(path: str) -> FileType:
    """A file's extension, lower-cased, and whether it is gzip-compressed (``.jsonl.gz``)."""
    name = path.lower()
    gzipped = name.endswith(".gz")
    ext = os.path.splitext(name[:-3] if gzipped else name)[1]
    return ext, gzipped


# --------------------------------------------------------------------------------------------
# The ids of one run (an id met twice is reported, across files)
# --------------------------------------------------------------------------------------------


class Run:
    """What one call of :func:`iter_inputs` remembers: where each id was first seen."""

    def __init__(self) -> None:
        self.first_seen: dict[str, str] = {}

    def accept(self, doc: Document, shown: str, line: int | None = None) -> Item:
        """Return ``doc``, or a :class:`Skipped` when its id was already used in this run."""
        where = f"{shown}:{line}" if line is not None else shown
        first = self.first_seen.get(doc.id)
        if first is not None:
            return Skipped(shown, f"duplicate id '{doc.id}' (first seen in {first})", line, doc.id)
        self.first_seen[doc.id] = where
        return doc


# --------------------------------------------------------------------------------------------
# Folder walking
# --------------------------------------------------------------------------------------------


class _Entry(NamedTuple):
    """A file found in a folder: where it is, its path relative to the folder, and as shown."""

    path: str
    rel: str
    shown: str


# Files that document a data folder rather than report news (README.md beside the dumps).
_PROJECT_FILES = frozenset(
    "readme license licence changelog changes copying contributing notice authors history "
    "code_of_conduct".split()
)


def _walk(
    folder: str,
    rel: str,
    shown_root: str,
    ancestors: tuple[tuple[int, int], ...],
    visited: set[tuple[int, int]],
) -> Iterator[_Entry | Skipped]:
    """The files of one folder and its subfolders (``rel``: its path relative to the root,
    '' or 'a/b/'), depth first in sorted name order, and what cannot be read as Skipped.

    Symlinked folders are followed, except into a folder above them (a loop) or into a folder
    already read through another path (which would only load the same files twice).
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        shown = _join_shown(shown_root, rel.rstrip("/"))
        yield Skipped(shown, f"cannot read folder: {os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store, editor swap files) are not input
        entry_rel = rel + printable(entry.name)
        shown = _join_shown(shown_root, entry_rel)
        st_or_reason = _entry_stat(entry)
        if isinstance(st_or_reason, str):
            yield Skipped(shown, st_or_reason)
            continue
        mode = st_or_reason.st_mode
        if stat.S_ISDIR(mode):
            key = (st_or_reason.st_dev, st_or_reason.st_ino)
            if key in ancestors:
                yield Skipped(shown, "symbolic link loop (points to a folder above it)")
            elif key in visited:
                yield Skipped(shown, "folder already read through another path")
            else:
                visited.add(key)
                yield from _walk(entry.path, entry_rel + "/", shown_root, ancestors + (key,), visited)
        elif stat.S_ISREG(mode):
            stem = entry.name.split(".", 1)[0].lower()
            if stem in _PROJECT_FILES:
                yield Skipped(shown, f"not an article: a project file ({entry.name})")
            else:
                yield _Entry(entry.path, entry_rel, shown)
        else:
            yield Skipped(shown, "not a regular file")


def _entry_stat(entry: os.DirEntry[str]) -> os.stat_result | str:
    """Stat an entry, following symlinks; a reason string when that is impossible."""
    try:
        return entry.stat(follow_symlinks=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT and _is_symlink(entry):
            return "broken symbolic link"
        return f"cannot read file: {os_reason(exc)}"


def _is_symlink(entry: os.DirEntry[str]) -> bool:
    """entry.is_symlink() that answers False instead of raising."""
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _join_shown(shown_root: str, rel: str) -> str:
    """The printable path of an entry as the user would type it (root as given + relative)."""
    return f"{shown_root.rstrip('/')}/{rel}" if rel else shown_root


def printable(name: str) -> str:
    """A printable form of a file name: undecodable bytes and control characters escaped.

    File names come from :func:`os.fsdecode`, so bytes that are not UTF-8 arrive as lone
    surrogates; they become ``\\xNN`` escapes, which can be printed and written as JSON.
    """
    try:
        text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
