"""A deterministic hostile corpus: good articles mixed with every kind of bad input we know of.

:func:`make_hostile_corpus` writes, under one folder, the good articles it is given (UTF-8
``.txt``) together with more good articles in awkward forms (legacy encodings, UTF-16, mixed
line endings, a large file, very long lines, odd names, JSON records) and with inputs that must
be skipped (empty, binary, unparseable, unreadable, broken links, ...). It returns a manifest:
for every input, the outcome the loader must give it, so that a test can check that every input
is accounted for, exactly once.

Manifest keys are paths relative to the folder, as the loader prints them (non-UTF-8 bytes as
``\\xNN``), with ``:LINE`` appended for one record of a ``.jsonl``/``.json`` file. A value is
either :data:`DOCUMENT` or a substring of the skip reason. For a file the document id is its
key; records carry their own ids (see :data:`RECORD_IDS`).

With ``include_bad=False`` only the good inputs are written, with the same relative paths, ids
and bytes (a JSON file keeps only its good records), which gives the reference folder against
which the clusters of the mixed folder are compared. ``reverse=True`` creates the same files in
the opposite order, to show the result does not depend on creation order.

One input cannot be made unreadable for root (these tests may run as root): :data:`UNREADABLE`
is ``chmod 000``, and tests call :func:`deny_unreadable` to simulate the permission error.
"""

from __future__ import annotations

import json
import os
import random
import stat
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from dedup.loaders import decode

DOCUMENT = "document"
UNREADABLE = "locked.txt"
DEFAULT_LARGE_SIZE = 2 * 1024 * 1024

# Good articles in other encodings: they must load, with exactly this text.
LATIN1_TEXT = (
    "Grève générale à Marseille\n\n"
    "Les dockers du port de Marseille ont cessé le travail jeudi matin pour protester contre la "
    "réforme des retraites. Le trafic des ferries vers la Corse et l'Algérie a été interrompu "
    "et des files de camions se sont formées près de la gare maritime.\n\n"
    "Selon le syndicat, la grève durera jusqu'à samedi si le gouvernement ne reçoit pas ses "
    "représentants. La préfecture a appelé au calme et promis une réunion lundi.\n"
)
CP1252_TEXT = (
    "Brücke über den Rhein für 40 Millionen € eröffnet\n\n"
    "Die neue Brücke zwischen Kehl und Straßburg ist am Samstag „feierlich“ eröffnet worden – "
    "nach drei Jahren Bauzeit. Rund 2.000 Menschen kamen zur Eröffnung, bei der Bürgermeister "
    "beider Städte ein rotes Band durchschnitten.\n\n"
    "Die Kosten von 40 Millionen € teilen sich Deutschland, Frankreich und die Europäische "
    "Union. Die Straßenbahn soll ab Dezember über die Brücke fahren.\n"
)
UTF16_TEXT = (
    "Sismo de magnitud 6,1 sacude el sur de Perú\n\n"
    "Un sismo de magnitud 6,1 sacudió el sábado la región de Arequipa, en el sur de Perú, sin "
    "que se reportaran víctimas, informó el Instituto Geofísico. Algunas viviendas de adobe "
    "sufrieron daños en los distritos más cercanos al epicentro.\n\n"
    "Las autoridades inspeccionaron puentes y carreteras durante la noche y pidieron a la "
    "población mantener la calma ante posibles réplicas. — 日本語の見出しも。\n"
)
ENCODED_ARTICLES: tuple[tuple[str, str, str], ...] = (
    ("encodings/latin1.txt", LATIN1_TEXT, "latin-1"),
    ("encodings/cp1252.txt", CP1252_TEXT, "cp1252"),
    ("encodings/utf16.txt", UTF16_TEXT, "utf-16"),  # Python writes a BOM for "utf-16"
)

MIXED_ENDINGS_TEXT = (
    "Harbour crane collapses in storm\r\n\r\n"
    "A container crane collapsed at the harbour on Sunday night as gusts reached 120 km/h.\r"
    "Nobody was hurt, the port authority said, but two ships were damaged.\n\n"
    "Engineers will inspect the other cranes before work resumes.\r\n"
)
HTML_ARTICLE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Volcano erupts on remote island"
    "</title><script>var x = '<p>not text</p>';</script></head><body><nav>Home | World</nav>"
    "<article><h1>Volcano erupts on remote island</h1><p>A volcano on a remote Pacific island "
    "erupted on Tuesday, sending ash twelve kilometres into the sky and forcing the evacuation "
    "of two villages.</p><p>Flights across the region were diverted while scientists watched "
    "the ash cloud drift west.</p></article><footer>(c) Example</footer></body></html>"
)
BROKEN_HTML = (
    "<html><body><div><p>Rescuers free miners trapped underground for three days, after a "
    "tunnel collapse in the northern coal field. <b>All twelve men <i>were brought up alive."
    "</p><<>> <p>& &#xZZZ; &bogus; <div <span>< /p> <!-- an unterminated comment"
)
SCRIPTS_ONLY_HTML = (
    "<html><head><style>body { color: red }</style><script>alert('hi')</script></head>"
    "<body><script>document.write('<p>generated</p>')</script><noscript>Enable JS</noscript>"
    "<nav>Home | News | Sport</nav></body></html>"
)
# Records and their ids (fixed, so that the good-only files give the same ids). The corpus
# holds several record files, so a record's id is "<file>#<its id>" (unique per file).
RECORD_IDS = (
    *(f"feeds/records.jsonl#{i}" for i in ("rec-1", "rec-2", "12", "arr-1", "rec-long", "rec-last")),
    "feeds/array.json#arr-1", "feeds/utf16.jsonl#u16-1", "feeds/utf16.jsonl#u16-2",
)
ODD_PUBLISHED: tuple[object, ...] = ("yesterday", "2016-13-45", 12345, None, "31/02/2020")

_SYLLABLES = (
    "ka lo mi ra ten su vor ba del ni quo fe zan pi lur go mas tre vin ho ul sek dar py".split()
)


def _filler(rng: random.Random, words: int) -> str:
    """Sentences of made-up words, ten words each, from a vocabulary of its own per ``rng``.

    Each call site seeds its own rng, so two filler texts share almost no words and the good
    articles made of them stay apart (one big cluster would hide a wrong merge).
    """
    vocabulary = ["".join(rng.choice(_SYLLABLES) for _ in range(3)) for _ in range(80)]
    out = []
    for start in range(0, words, 10):
        sentence = " ".join(rng.choice(vocabulary) for _ in range(min(10, words - start)))
        out.append(sentence.capitalize() + ".")
    return " ".join(out)


def large_article(size: int) -> bytes:
    """A UTF-8 article of exactly ``size`` bytes (at least 200): a headline and paragraphs."""
    rng = random.Random(7)
    block = "".join(_filler(rng, 60) + "\n\n" for _ in range(40)).encode()
    head = b"Very long report on the regional economy\n\n"
    body = block * (max(size - len(head), 0) // len(block) + 1)
    return (head + body)[:size].rsplit(b" ", 1)[0].ljust(size, b".")


def minimal_pdf() -> bytes:
    """A valid one-page PDF (header, binary marker comment, objects, xref, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )
    return bytes(out)


def png_with_noise(seed: int = 1, size: int = 4096) -> bytes:
    """A PNG signature and IHDR chunk followed by random bytes."""
    ihdr = b"IHDR" + (64).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    chunk = (13).to_bytes(4, "big") + ihdr + zlib.crc32(ihdr).to_bytes(4, "big")
    return b"\x89PNG\r\n\x1a\n" + chunk + random.Random(seed).randbytes(size)


def _record(record_id: object, text: object, **extra: object) -> str:
    return json.dumps({"id": record_id, "text": text, **extra}, ensure_ascii=False)


class _Writer:
    """Collects file-creating actions and the manifest; runs the actions in either order."""

    def __init__(self, root: Path, include_bad: bool) -> None:
        self.root = root
        self.include_bad = include_bad
        self.manifest: dict[str, str] = {}
        self.actions: list[Callable[[], None]] = []

    def file(self, rel: str, data: bytes, outcome: str = DOCUMENT, line: int | None = None) -> None:
        """One file; ``line`` when the loader reports its outcome at a line (a .json record)."""
        if outcome != DOCUMENT and not self.include_bad:
            return
        self.manifest[rel if line is None else f"{rel}:{line}"] = outcome
        self.actions.append(lambda: _write(self.root / rel, data))

    def text(self, rel: str, text: str, outcome: str = DOCUMENT) -> None:
        self.file(rel, text.encode("utf-8"), outcome)

    def renamed(self, rel: str, shown: str, data: bytes) -> None:
        """A good file whose name the loader prints differently (control characters escaped)."""
        self.manifest[shown] = DOCUMENT
        self.actions.append(lambda: _write(self.root / rel, data))

    def records(
        self, rel: str, lines: list[tuple[str | bytes, str | None]], *, array: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        """A .jsonl (or .json array, one element a line) from (line, outcome) pairs.

        An outcome of None marks a line that is not an input (a blank line, a bracket).
        """
        kept = [(line, outcome) for line, outcome in lines
                if outcome in (None, DOCUMENT) or self.include_bad]
        if array:  # a valid array needs commas between the kept elements only
            elements = [i for i, (_, outcome) in enumerate(kept) if outcome is not None]
            kept = [
                (line + ("," if i in elements[:-1] else "") if isinstance(line, str) else line,
                 outcome)
                for i, (line, outcome) in enumerate(kept)
            ]
        data = b"".join(
            (line.encode("utf-8") if isinstance(line, str) else line) + b"\n" for line, _ in kept
        )
        if encoding != "utf-8":
            data = data.decode("utf-8").encode(encoding)
        for number, (_, outcome) in enumerate(kept, 1):
            if outcome is not None:
                self.manifest[f"{rel}:{number}"] = outcome
        self.actions.append(lambda: _write(self.root / rel, data))

    def bad(self, rel: str, outcome: str, action: Callable[[], None]) -> None:
        """A bad input made by ``action`` (links, pipes, permissions)."""
        if self.include_bad:
            self.manifest[rel] = outcome
            self.actions.append(action)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def make_hostile_corpus(
    root: Path,
    good_articles: list[tuple[str, str]],
    *,
    large_size: int = DEFAULT_LARGE_SIZE,
    include_bad: bool = True,
    reverse: bool = False,
) -> dict[str, str]:
    """Write the hostile corpus under ``root`` and return its manifest (see the module doc).

    ``good_articles`` are ``(relative file name, text)`` pairs written as UTF-8; names should
    end in ``.txt`` or ``.md`` and must not clash with the names used here (``news/``,
    ``encodings/``, ``feeds/``, ``bad/`` and ``links/`` are taken).
    """
    w = _Writer(root, include_bad)
    for name, text in good_articles:
        w.text(name, text)

    # ---- good inputs in awkward forms ------------------------------------------------------
    for rel, text, encoding in ENCODED_ARTICLES:
        w.file(rel, text.encode(encoding))
    w.file("encodings/utf8-bom.md", b"\xef\xbb\xbf# Lighthouse keeper retires after 40 years\n\n"
           + _filler(random.Random(11), 80).encode())
    w.file("news/mixed-endings.txt", MIXED_ENDINGS_TEXT.encode())
    w.file("news/large.txt", large_article(large_size))
    w.text("news/long-line.txt", "Parliament debates the longest bill in its history\n\n"
           + _filler(random.Random(3), 60_000) + "\n")  # one line of about 400 KB
    w.text("news/no-spaces.txt", "A headline above an unbroken run of letters\n\n"
           + "abcdefghij" * 50_000 + "\n")
    w.text("news/Upper.TXT", "Upper-case extension is still a text file\n\n"
           + _filler(random.Random(4), 50) + "\n")
    w.text("news/page.html", HTML_ARTICLE)
    w.text("news/broken.html", BROKEN_HTML)
    w.renamed("news/new\nline.txt", "news/new\\x0aline.txt", (
        "A file name with a line break in it\n\n" + _filler(random.Random(5), 50) + "\n").encode())
    w.text("feeds/single.json", json.dumps(
        {"title": "Single record file", "text": _filler(random.Random(6), 60)}))

    rng = random.Random(8)
    body = lambda: _filler(rng, 40)  # noqa: E731 - a fresh body per record
    jsonl: list[tuple[str | bytes, str | None]] = [
        (_record("rec-1", body(), published="2024-03-11"), DOCUMENT),
        ("", None),
        (_record("rec-2", body(), published="yesterday"), DOCUMENT),
        ("{not json at all", "invalid JSON"),
        (json.dumps({"id": "rec-3", "title": "no text here"}), "record has no 'text'"),
        (_record(7.5, body()), "id must be a string or integer, got float"),
        (_record(None, body()), "id must be a string or integer, got null"),
        (_record(["a"], body()), "id must be a string or integer, got list"),
        (_record("rec-1", body()), "duplicate id 'feeds/records.jsonl#rec-1'"),
        ("[1, 2, 3]", "record must be a JSON object, got list"),
        (_record("rec-4", ""), "record has empty 'text'"),
        (_record("rec-5", 42), "'text' must be a string, got int"),
        (b"\xff\xfe{\"id\": \"x\"} not UTF-8 \xe9", "not valid UTF-8"),
        ("[" * 100_000, "invalid JSON"),
        (_record(12, body(), published=12345), DOCUMENT),
        (_record("   ", body()), "id must not be empty"),
        (json.dumps({"text": body()}), "record has no 'id'"),
        (_record("rec-6", "\u200b\u2026 \u00a0 ---"), "no words"),
        (_record("arr-1", body()), DOCUMENT),  # array.json has one too: ids are per file
        ("   \t", None),
        (_record("rec-long", _filler(rng, 200_000), published=None), DOCUMENT),
        ("null", "record must be a JSON object, got null"),
        (_record("rec-last", body(), published="31/02/2020"), DOCUMENT),
    ]
    w.records("feeds/records.jsonl", jsonl)
    w.records("feeds/array.json", [
        ("[", None),
        (_record("arr-1", body(), published="2016-13-45"), DOCUMENT),
        (json.dumps({"id": "arr-2", "title": "missing text"}), "record has no 'text'"),
        (_record(False, body()), "id must be a string or integer, got bool"),
        ('"just a string"', "record must be a JSON object, got str"),
        (_record("arr-1", body()), "duplicate id 'feeds/array.json#arr-1'"),
        ("]", None),
    ], array=True)
    w.records("feeds/utf16.jsonl", [
        (_record("u16-1", "Grève à Marseille: " + body(), published="2023-01-19") + "\r", DOCUMENT),
        (_record("u16-2", "日本語 " + body()), DOCUMENT),
    ], encoding="utf-16")

    # ---- inputs that must be skipped ---------------------------------------------------------
    w.file("bad/empty.txt", b"", "empty file")
    w.file("bad/empty.html", b"", "empty file")
    w.file("bad/empty.jsonl", b"", "empty file")
    w.file("bad/empty.json", b"  \n", "empty file")
    w.file("bad/blank.txt", b"  \n\t\r\n   \n", "empty file")
    w.file("bad/blank-utf16.txt", "  \n\t \n".encode("utf-16"), "empty file")
    w.file("bad/front-matter-only.md", b"---\ntitle: Nothing below\n---\n\n", "empty file")
    w.file("bad/invisible.txt", "\u200b\u200b\n\u00a0\n".encode(), "no words")
    w.file("bad/punctuation.txt", b"...\n!!! --- ***\n", "no words")
    w.file("bad/image.txt", png_with_noise(), "binary")
    w.file("bad/scan.txt", minimal_pdf(), "binary")
    w.file("bad/archive.jsonl.gz", b"\x1f\x8b\x08" + random.Random(11).randbytes(300),
           "corrupt or truncated gzip data")
    w.file("bad/archive.json", b"\x1f\x8b\x08" + random.Random(12).randbytes(300),
           "corrupt or truncated gzip data")
    w.file("bad/noise.jsonl", random.Random(10).randbytes(20_000), "binary")
    w.file("bad/nul.txt", b"Title with a NUL\n\nSome text \x00 and more text\n", "binary")
    w.file("bad/photo.png", png_with_noise(2), "unsupported file type '.png'")
    w.file("bad/report.pdf", minimal_pdf(), "unsupported file type '.pdf'")
    w.file("bad/NOTES", b"A file without an extension\n", "unsupported file type (no extension)")
    w.file("bad/README.md", b"# About these articles\n\nNot an article.\n",
           "not an article: a project file")
    w.file("bad/scripts-only.html", SCRIPTS_ONLY_HTML.encode(), "no article text in HTML")
    w.file("bad/truncated.json", b'{"id": "t", "text": "cut off in the mid', "invalid JSON", line=1)
    w.file("bad/empty-array.json", b"[]", "empty JSON array")
    w.file("bad/scalar.json", b"42", "record must be a JSON object, got int", line=1)
    w.bad(UNREADABLE, "cannot read file: permission denied", lambda: _locked(root / UNREADABLE))

    links = root / "links"
    w.bad("links/dangling.txt", "broken symbolic link",
          lambda: _symlink(links / "dangling.txt", links / "missing.txt"))
    w.bad("links/self.txt", "symbolic link loop",
          lambda: _symlink(links / "self.txt", links / "self.txt"))
    w.bad("links/ping.txt", "symbolic link loop",
          lambda: _symlink(links / "ping.txt", links / "pong.txt"))
    w.bad("links/pong.txt", "symbolic link loop",
          lambda: _symlink(links / "pong.txt", links / "ping.txt"))
    w.bad("links/up", "symbolic link loop (points to a folder above it)",
          lambda: _symlink(links / "up", root, directory=True))
    if hasattr(os, "mkfifo"):
        w.bad("links/pipe.txt", "not a regular file", lambda: _fifo(links / "pipe.txt"))

    def non_utf8_name() -> None:
        if _write_non_utf8_name(root):
            w.manifest["caf\\xe9.txt"] = DOCUMENT

    w.actions.append(non_utf8_name)
    root.mkdir(parents=True, exist_ok=True)
    for action in reversed(w.actions) if reverse else w.actions:
        action()
    return w.manifest


def _symlink(link: Path, target: Path, *, directory: bool = False) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=directory)


def _locked(path: Path) -> None:
    """A good article that nobody but root may read."""
    _write(path, b"Locked article headline\n\nNobody may read this text.\n")
    path.chmod(0)


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _write_non_utf8_name(root: Path) -> bool:
    """Write a good article under a Latin-1 byte name; False when the file system refuses."""
    raw = os.fsencode(root) + b"/caf\xe9.txt"
    try:
        with open(raw, "wb") as handle:
            handle.write(b"Cafe owners protest new terrace rules\n\n"
                         + _filler(random.Random(9), 60).encode() + b"\n")
    except OSError:
        return False
    return True


def deny_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the loader's ``open`` fail on :data:`UNREADABLE` as it would for a non-root user."""
    real_open = open

    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        name = os.fsdecode(file) if isinstance(file, (str, bytes, os.PathLike)) else ""
        if os.path.basename(name) == UNREADABLE:
            raise PermissionError(13, "Permission denied", name)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(decode, "open", fake_open, raising=False)


def restore_permissions(root: Path) -> None:
    """Give the unreadable file its permissions back (so that tmp folders can be removed)."""
    locked = root / UNREADABLE
    if locked.exists() and not locked.is_symlink():
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)


def boom_on(marker: str, real):
    """``real`` (an analysis function over a batch of documents), raising RuntimeError for a
    batch that holds a document whose text contains ``marker``: a planted bug in one
    document's analysis."""
    def analyse(docs, *args, **kwargs):
        if any(marker in doc.text for doc in docs):
            raise RuntimeError(f"boom in {marker}")
        return real(docs, *args, **kwargs)
    return analyse
