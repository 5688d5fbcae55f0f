"""Pure text cleanup: unicode variants, site chrome, and the one tokenizer every stage shares.

Each function is ``str -> str`` (or ``str -> list[str]``) and idempotent, so the same article
always cleans to the same text whichever site it came from.
"""

from __future__ import annotations

import re
import unicodedata

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
_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_PHOTO_CREDIT = re.compile(r"\btwitter/@\w+$")
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
    """NFKC, typographic quotes/dashes/spaces to ASCII, ``\\r\\n`` to ``\\n``, runs of spaces to one."""
    if not text.isascii():
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


# A line that is nothing but site chrome, wherever it stands.
_CHROME_LINE = re.compile(
    r"""^(?:
        advertisement|advertisements|sponsored(?:\ content)?|story\ continues\ below.*
      | (?:read|see)\ (?:also|more)\b.*|also\ read\b.*|related(?:\ (?:news|stories|articles))?:?.*
      | top\ stories|trending(?:\ now)?|most\ (?:read|popular)|recommended(?:\ for\ you)?
      | follow\ us(?:\ on)?\b.*|share\ (?:this|on)\b.*|share|tweet|email|print|whatsapp
      | click\ here\b.*|subscribe\b.*|sign\ up\b.*|newsletter\b.*
      | you\ have\ \d+\ characters?\ left\.?|title:\ .*
      | (?:no|\d+)\ comments?:?|comments?|post\ a\ comment|leave\ a\ (?:comment|reply)
      | your\ email\ address\ will\ not\ be\ published.*|required\ fields\ are\ marked.*
      | agencies|\(?with\ inputs\ from\ .*\)?
      | except\ for\ the\ headline,\ this\ story\ has\ not\ been\ edited.*
      | [a-z0-9-]*logo\b.*
      | (?:mon|tues|wednes|thurs|fri|satur|sun)day,?\    # page date banners
        (?:\d{1,2}(?:st|nd|rd|th)?\ [a-z]+\.?|[a-z]+\.?\ \d{1,2}(?:st|nd|rd|th)?)
        ,?(?:\ \d{4})?(?:\W+\d{1,2}[:.]\d{2}.*)?
      | (?:photo|image|file\ photo|representational\ image)(?:\ credit)?:?\ .*
      | [a-z]{3,}\d{12,}id\d+        # wire-service ids such as MENAFN17072024000045015687ID1108449547
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# From one of these lines on, the rest of the page is comment boxes and legal small print.
_TAIL_MARKER = re.compile(
    r"""^(?:leave\ a\ (?:comment|reply)|post\ a\ comment|\d*\ ?comments?:?|no\ comments:?
      | (?:legal\ )?disclaimer:?|you\ have\ \d+\ characters?\ left\.?
      | (?:about\ the\ author|tags?):?.*|copyright\b.*|\(c\)\ .*|all\ rights\ reserved.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

_WIRE_PREFIX = re.compile(
    r"^(?:\((?:MENAFN|AFP|AP|IANS|PTI|ANI|UNI|Reuters)\)\s*)+", re.IGNORECASE
)


_SYNDICATED = ("published from a syndicated feed.", "published from a syndicated feed")
# How every alternative of _CHROME_LINE can begin, lower-cased (kept beside the pattern:
# a test checks each chrome example against both).
_CHROME_STARTS = (
    "advertisement", "sponsored", "story continues below", "read also", "read more", "see also",
    "see more", "also read", "related", "top stories", "trending", "most read", "most popular",
    "recommended", "follow us", "share", "tweet", "email", "print", "whatsapp", "click here",
    "subscribe", "sign up", "newsletter", "you have ", "title: ", "no comment", "comment",
    "post a comment", "leave a ", "your email address will not be published",
    "required fields are marked", "agencies", "(with inputs from ", "with inputs from ",
    "except for the headline, this story has not been edited", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "photo", "image", "file photo",
    "representational image",
)


def is_chrome_line(line: str) -> bool:
    """True for a line that carries no article text: ads, share buttons, comment prompts,
    all-caps banners ("MY KOLKATA EDUGRAPH"), wire-service ids, syndication notices."""
    stripped = line.strip()
    if not stripped or len(stripped) > 240:  # chrome is short; article paragraphs are not
        return False
    lowered = stripped.lower()
    # The full pattern only where it can match: a known first word, a number, a single
    # token, or a "...logo" word (a quarter of the cost on article lines).
    if (
        lowered.startswith(_CHROME_STARTS) or lowered[0].isdigit() or " " not in stripped
        or "logo" in lowered
    ) and _CHROME_LINE.match(stripped):
        return True
    if lowered.endswith(_SYNDICATED):
        return True
    if "twitter/@" in lowered and _PHOTO_CREDIT.search(lowered):
        return True
    # An all-caps banner of a few words; an all-caps sentence with punctuation stays text.
    return (
        stripped.isupper()
        and len(stripped) <= 80
        and len(stripped.split()) <= 6
        and sum(c.isalpha() for c in stripped) >= 3
        and not stripped.endswith((".", ":"))
    )


def strip_chrome(text: str) -> str:
    """Remove site chrome lines and everything after a comment/disclaimer marker that stands in
    the last part of the article. Input should be :func:`normalize_unicode` output."""
    out: list[str] = []
    has_content = False
    for line in text.split("\n"):
        if not line:  # a blank line: kept once, after text (blank runs collapse)
            if out and out[-1]:
                out.append(line)
            continue
        if line[0] == "(":
            line = _strip_wire(line)
        if len(line) <= 240:  # chrome and markers are short; paragraphs skip the tests
            verdict = _line_verdict(line)
            # A marker after some article text ends it; a marker first is only a chrome line.
            if has_content and verdict & 1:
                break
            if verdict & 2:
                continue
        if line or (out and out[-1]):  # collapse blank runs left by removed chrome
            out.append(line)
            has_content = has_content or bool(line)
    return "\n".join(out).strip()


def _line_verdict(line: str) -> int:
    """Bit 1: ``line`` is a tail marker; bit 2: a chrome line (strip_chrome's two tests)."""
    return (1 if _TAIL_MARKER.match(line.strip()) else 0) | (2 if is_chrome_line(line) else 0)


def _strip_wire(line: str) -> str:
    return _WIRE_PREFIX.sub("", line)


def clean_text(text: str) -> str:
    """The article text every stage reads: :func:`normalize_unicode` then :func:`strip_chrome`."""
    return strip_chrome(normalize_unicode(text))


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
