"""From the bytes of a file to text: reading it whole (gzip too), knowing a binary format by its
first bytes, and decoding (a byte-order mark, strict UTF-8, a declared charset, detection).

Every reader starts here, so the reasons for which an input has no text to read live here too:
:data:`REASON_EMPTY`, :data:`REASON_BINARY`, and :data:`REASON_NO_WORDS` (:func:`has_words`).
Reading problems are returned as those reasons, never raised. charset_normalizer is imported
only for a file that is neither UTF-8 nor in its declared encoding.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from dedup.documents import Skipped

__all__ = [
    "GZIP_MAGIC",
    "REASON_BINARY",
    "REASON_EMPTY",
    "REASON_NO_WORDS",
    "Rejoined",
    "binary_head",
    "binary_signature",
    "decode_text",
    "has_words",
    "open_file",
    "os_reason",
    "read_file",
    "read_reason",
    "wide_bom_encoding",
    "wide_lines",
]

# Reasons shared by the readers (dedup.loaders exports them: tests and callers rely on the
# wording).
REASON_EMPTY = "empty file"
REASON_BINARY = "binary or undecodable file"
# Text with no letter or digit (punctuation, symbols, invisible characters): no words to compare,
# and every such file would otherwise be an "exact duplicate" of every other one.
REASON_NO_WORDS = "no words in the text (only punctuation, symbols or invisible characters)"


_WORD_CHAR = re.compile(r"[^\W_]")


def has_words(text: str) -> bool:
    """True when the text holds at least one letter or digit (what the tokenizer calls a word)."""
    return _WORD_CHAR.search(text) is not None


# --------------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"


def read_file(
    path: str, shown: str, gzipped: bool = False, *, sniff_gzip: bool = False
) -> bytes | Skipped:
    """The whole content of a file, to decode, or a Skipped saying why there is none: it cannot
    be read, it is empty, or its first bytes are those of a binary format. ``gzipped``: the
    name says it is compressed; ``sniff_gzip``: so is data that starts with the gzip signature,
    whatever the name says."""
    data = _read_bytes(path, gzipped)
    if sniff_gzip and isinstance(data, bytes) and data.startswith(GZIP_MAGIC):
        data = _gunzip(data)
    if isinstance(data, str):
        return Skipped(shown, data)
    if not data.strip():
        return Skipped(shown, REASON_EMPTY)
    kind = binary_signature(data)
    if kind is not None:
        return Skipped(shown, f"{REASON_BINARY} ({kind})")
    return data


# Formats that are not text although their first bytes may decode as text (a PDF starts with
# "%PDF-" and is mostly ASCII); recognised by their signature so that a misnamed file is
# reported as what it is instead of being read as an article.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
)
_SIGNATURE_BYTES = max(len(magic) for magic, _ in _BINARY_SIGNATURES)


def binary_signature(head: bytes) -> str | None:
    """What a file is when its first bytes are the signature of a known binary format."""
    for magic, kind in _BINARY_SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _read_bytes(fs_path: str, gzipped: bool = False) -> bytes | str:
    """The whole content of a file (decompressed), or a reason string when it cannot be read."""
    try:
        with open_file(fs_path, gzipped) as handle:
            return handle.read()
    except MemoryError:
        return "cannot read file: too large to fit in memory"
    except (OSError, EOFError, zlib.error) as exc:
        return read_reason(exc, gzipped)


def _gunzip(data: bytes) -> bytes | str:
    """Decompressed bytes, or the reason they cannot be."""
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        return read_reason(exc, True)


def open_file(fs_path: str, gzipped: bool = False) -> BinaryIO:
    """A file opened for reading bytes (decompressed when ``gzipped``): every input file is
    opened here. Raises OSError."""
    if gzipped:
        return gzip.open(fs_path, "rb")  # type: ignore[return-value]
    return open(fs_path, "rb")


def read_reason(exc: BaseException, gzipped: bool) -> str:
    """Why a file could not be read, in words (a broken gzip stream says so)."""
    if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)) or (
        gzipped and not isinstance(exc, OSError)
    ):
        return f"corrupt or truncated gzip data ({exc or type(exc).__name__})"
    if isinstance(exc, OSError):
        return f"cannot read file: {os_reason(exc)}"
    return f"cannot read file: {exc}"


def os_reason(exc: OSError) -> str:
    """'permission denied' from a PermissionError, etc.: the OS reason in lower case."""
    if exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN = "cp1252"  # the most common legacy encoding of news text; see _detect
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def decode_text(data: bytes, declared: str | None = None) -> str | None:
    """Decode file bytes to text with normalized ``\\n`` line endings; None if it looks binary.

    Order: a byte-order mark (UTF-8/16/32), then strict UTF-8, then the ``declared`` encoding
    (an HTML ``charset``), then detection with :mod:`charset_normalizer`. NUL bytes outside
    UTF-16/32 data, or text full of control characters, mean a binary file.
    """
    text = _decode_bytes(data, declared)
    if text is None or _looks_binary(text):
        return None
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(data: bytes, declared: str | None) -> str | None:
    """Pick an encoding and decode, without any clean-up."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: let the checks below decide
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return _detect(data)


def _detect(data: bytes) -> str | None:
    """Guess a legacy encoding with charset_normalizer; None when nothing fits.

    charset_normalizer often ranks cp1250 first for Western European (Latin-1/cp1252) text,
    because both decode with no "mess". When cp1252 is at least as clean and at least as
    coherent as the winner, cp1252 is used: it is far more common in news corpora, and real
    Central European text (where cp1250 is right) scores higher coherence in cp1250.
    """
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # detection is best effort; any failure means "undecodable"
        return None
    if best is None:
        return None
    text = str(best)
    if best.encoding in (_WESTERN, "latin_1", "ascii"):
        return text
    western = _western_if_as_good(data, text, best.chaos, best.coherence)
    return western if western is not None else text


def _western_if_as_good(data: bytes, best_text: str, chaos: float, coherence: float) -> str | None:
    """The cp1252 decoding when it is as clean and as coherent as the detected one, else None."""
    try:
        candidate = data.decode(_WESTERN)
    except UnicodeDecodeError:
        return None
    if candidate == best_text:
        return candidate
    try:
        from charset_normalizer.cd import coherence_ratio
        from charset_normalizer.md import mess_ratio
    except ImportError:  # pragma: no cover - internal modules moved in a future release
        return None
    try:
        if mess_ratio(candidate, 1.0) > chaos + 0.01:
            return None
        ratios = coherence_ratio(candidate)
    except Exception:  # pragma: no cover - best effort, see _detect
        return None
    candidate_coherence = ratios[0][1] if ratios else 0.0
    return candidate if candidate_coherence >= coherence - 1e-9 else None


def _looks_binary(text: str) -> bool:
    """True when decoded text still holds NULs or many control characters (binary data)."""
    if "\x00" in text:
        return True
    sample = text[:65536]
    controls = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS)
    return controls > max(2, len(sample) // 100)


# --------------------------------------------------------------------------------------------
# Streams (JSON Lines, standard input)
# --------------------------------------------------------------------------------------------


class Rejoined(io.RawIOBase):
    """The bytes already read from a stream (``head``), then the rest of the stream: a file
    read once, with no seek (standard input cannot seek)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def binary_head(head: bytes) -> bool:
    """True for the first bytes of a binary file: NUL bytes, and not UTF-8 either.

    A NUL in otherwise valid UTF-8 is left to the line-by-line reading, so that one corrupt
    record costs that record only, not the whole file.
    """
    if b"\x00" not in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return False


def wide_bom_encoding(head: bytes) -> str | None:
    """'utf-16' or 'utf-32' when the data starts with that byte-order mark, else None."""
    for bom, encoding in _BOMS:
        if head.startswith(bom) and encoding in ("utf-16", "utf-32"):
            return encoding
    return None


def wide_lines(handle: Any, encoding: str) -> Iterator[bytes]:
    """The lines of a UTF-16/32 file, re-encoded as UTF-8 bytes (streamed, never all held)."""
    text = io.TextIOWrapper(handle, encoding=encoding, newline="\n")  # split as the UTF-8 path
    try:
        yield from (line.encode("utf-8") for line in text)
    finally:
        text.detach()  # the caller owns and closes the binary handle
