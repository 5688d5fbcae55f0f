"""Pure text cleanup: unicode variants, site chrome, and the one tokenizer every stage shares.

Each function is ``str -> str`` (or ``str -> list[str]``) and idempotent, so the same article
always cleans to the same text whichever site it came from.
"""

from __future__ import annotations

import html
import re
import unicodedata

from .chrome import TextPass, is_chrome_line, strip_chrome, text_pass

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
        "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u00ad": "",
        "\u2026": "...",
    }
)

_REPLACEMENTS = tuple((chr(code), new or "") for code, new in _TRANSLATE.items())
_NFKC_SAME = tuple(
    (old, new) for old, new in _REPLACEMENTS
    if unicodedata.normalize("NFKC", old) == new  # no-break and thin spaces, the ellipsis
)
_C1 = re.compile("[\u0080-\u009f]")
_CP1252 = {
    code: bytes([code]).decode("cp1252", errors="ignore") for code in range(0x80, 0xA0)
}
_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_NEWLINES = re.compile(r"\r\n?")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _compact(text: str) -> str:
    """The same text stored one byte per character where it fits now (ASCII, else Latin-1).
    str.replace keeps the two-byte storage the curly quotes needed; every later step
    (regexes, splits, the token scan, the slices it hashes) is faster on the one-byte form.
    A wider text loses its lone surrogates (a JSON "\\ud800" escape makes one), which no
    encoding can write and the RE2 patterns cannot read: each becomes U+FFFD."""
    for codec in ("ascii", "latin-1"):
        try:
            return text.encode(codec).decode(codec)
        except UnicodeEncodeError:
            continue
    return _SURROGATE.sub("\ufffd", text)


def normalize_unicode(text: str) -> str:
    """NFKC, typographic quotes/dashes/spaces to ASCII, ``\\r\\n`` to ``\\n``, runs of spaces to one;
    first, the text is repaired (:func:`repair`)."""
    return _normalize_steps(repair(text))


# HTML character references left in a text ("&amp;", "&#8217;", "&rsquo;").
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# UTF-8 read as cp1252 or Latin-1 ("itâ€™s", "cafÃ©"): a lead byte's character, then a
# continuation byte's.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)


def repair(text: str) -> str:
    """The text as its author wrote it, where a page or a pipeline garbled it: HTML character
    references resolved (to a fixed point, so doubly escaped text too), and UTF-8 that was
    decoded as cp1252 ("itâ€™s") decoded again, with ftfy (``ftfy.fix_encoding``, imported only
    for a text that shows the pattern). Idempotent; a text with neither is returned as is."""
    for _ in range(3):
        if "&" not in text or _ENTITY.search(text) is None:
            break
        text = html.unescape(text)
    if ("\u00c3" in text or "\u00e2" in text or "\u00c2" in text or "\u00c5" in text) and (
        _MOJIBAKE.search(text) is not None
    ):
        import ftfy  # a well-kept fixer of this exact garbling; slow, so only where it is seen

        text = ftfy.fix_encoding(text)
    return text


def _normalize_steps(text: str) -> str:
    """:func:`normalize_unicode` after the repair."""
    if not text.isascii():
        # C1 control characters are cp1252 bytes that reached the text undecoded (U+0095,
        # a bullet): read them as cp1252 meant them.
        if _C1.search(text):
            text = text.translate(_CP1252)
        # Spaces and the ellipsis first: NFKC maps them as we do, and without them most news
        # text is already in NFKC, which a quick check tells far faster than normalizing.
        for old, new in _NFKC_SAME:
            if old in text:
                text = text.replace(old, new)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        for old, new in _REPLACEMENTS:  # str.replace per variant: far faster than translate
            if old in text:
                text = text.replace(old, new)
        text = _compact(text)
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:  # str.find is C-fast
        text = _SPACES.sub(" ", text)
    return text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


__all__ = [
    "clean_report", "clean_text", "exact_key", "first_sentences", "is_chrome_line", "normalize_unicode",
    "strip_chrome", "text_pass", "tokenize",
]


def clean_text(text: str) -> str:
    """The article text every stage reads: :func:`normalize_unicode` then :func:`strip_chrome`."""
    return strip_chrome(normalize_unicode(text))


def clean_report(text: str) -> TextPass:
    """:func:`clean_text`, with the words it had and what each chrome rule removed."""
    return text_pass(normalize_unicode(text))


_WORD = re.compile(r"[^\W_]+(?:['.-][^\W_]+)*", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits; inner apostrophes, dots and hyphens kept)."""
    return _WORD.findall(text.lower())


# The end of a sentence: a full stop, question or exclamation mark, space, then a capital or a
# quote. The pattern starts with the rare punctuation, so the regex engine skips ahead fast.
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z\"'])")


def first_sentences(text: str, count: int) -> str:
    """The first ``count`` sentences of ``text``, joined by single spaces."""
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        pieces.append(text[start:m.start() + 1])
        start = m.end()
        if len(pieces) == count:
            return " ".join(pieces)
    pieces.append(text[start:])
    return " ".join(pieces)


def exact_key(text: str) -> str:
    """The text as compared for exact duplicates: cleaned, case-folded, whitespace collapsed."""
    return " ".join(tokenize(text))
