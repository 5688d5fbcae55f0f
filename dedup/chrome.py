"""The text pass's rules: site chrome that every site shares, taken off an article's text.

Three kinds of chrome, each rule with a name (what the record of a document reports):

* **chrome lines**: a whole short line that carries no article text ("ADVERTISEMENT",
  "Read also: …", "Share", a page date banner, an all-caps masthead, a wire-service id);
* **leading chrome**: a gallery counter, a photo credit, a share label or an ad label that
  leads a paragraph ("Image 1 of 16 A man died …"): the label goes, never the paragraph;
* **tail markers**: a line from which a page is comments and small print ("Leave a comment",
  "12 Comments", "Tags: …", "Copyright 2024 …", "Disclaimer:", a wire notice such as
  "(Copyright 2016 The Associated Press. All rights reserved. This material may not be
  published, broadcast, rewritten or redistributed.)"). A marker ends the article
  only where it stands after most of the article, or where what follows is not article
  prose (a comment thread, legal lines, a tag or link list); anywhere else (a comment count
  under the byline, a tag line near the top) only the marker line goes.

**The bound.** A tail cut never takes more than :data:`MAX_CUT_SHARE` (half) of a document's
words, however the page is laid out: a cut that would is not made, and only the marker line
goes. Whole-line and leading rules remove short lines (240 characters at most; a copyright
notice 480, :data:`MAX_LEGAL_LINE`) one at a time and are not bounded; the rules learned for one site (:mod:`dedup.boilerplate`) are not
either. Every removal is counted per rule in :class:`TextPass`, so a missed copy can be
explained ("the text pass removed 420 of 444 words: tail: comments").

Everything here is ``str -> str`` and idempotent; input is :func:`dedup.normalize.
normalize_unicode` output.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

MAX_LINE = 240  # chrome is short; article paragraphs are not
# A legal notice may be longer (a broadcaster's: "(TM and \u00a9 Copyright 2016 CBS Radio Inc.
# and its relevant subsidiaries. ... All Rights Reserved. This material may not be
# published, broadcast, rewritten or redistributed.)", 304 characters): a line up to
# MAX_LEGAL_LINE that opens as a copyright notice and says what one says is read as a marker.
MAX_LEGAL_LINE = 2 * MAX_LINE
_LONG_LEGAL = re.compile(
    r"\(?(?:tm\ (?:and|&)\ )?(?:copyright\b|\u00a9|\(c\)\ )"
    r".*\b(?:rights\ reserved|may\ not\ be\ (?:re)?(?:published|produced))\b",
    re.IGNORECASE | re.VERBOSE,
)
# The notice wire copy carries, wherever it stands in a line (asked only of a line that
# holds "reserved": a pattern that scans every line costs the pass a fifth of its time).
_LEGAL_ANYWHERE = re.compile(r"\ball rights reserved\b", re.IGNORECASE)
MAX_CUT_SHARE = 0.5

# Whole-line chrome, one named group per rule (the group that matches names the rule).
_CHROME_LINE = re.compile(
    r"""^(?:
        (?P<advertisement>advertisements?|sponsored(?:\ content)?|story\ continues\ below.*)
      | (?P<link_list>(?:read|see)\ (?:also|more)\b.*|also\ read\b.*
          |related(?:\ (?:news|stories|articles|content|coverage|links))?(?::.*)?
          |top\ stories|trending(?:\ now)?|most\ (?:read|popular|viewed)
          |recommended(?:\ for\ you)?|more\ from\b.*|you\ may\ also\ like\b.*)
      | (?P<share>follow\ us(?:\ on)?\b.*|share\ (?:this|on)\b.*|share(?:\ this)?:?|tweet
          |email|e-mail|print|whatsapp|facebook|twitter|linkedin|pinterest|reddit
          |copy\ link|comment)
      | (?P<prompt>click\ here\b.*|subscribe\b.*|sign\ up\b.*
          |(?:free\ )?(?:e-?mail\ )?newsletter\b.*|title:\ .*)
      | (?P<comment_box>you\ have\ \d+\ characters?\ left\.?
          |your\ email\ address\ will\ not\ be\ published.*|required\ fields\ are\ marked.*)
      | (?P<credit>agencies|\(?with\ inputs\ from\ .*\)?)
      | (?P<syndication>except\ for\ the\ headline,\ this\ story\ has\ not\ been\ edited.*)
      | (?P<logo>[a-z0-9-]*logo\b.*)
      | (?P<date_banner>(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[ ]
          (?:\d{1,2}(?:st|nd|rd|th)?\ [a-z]+\.?|[a-z]+\.?\ \d{1,2}(?:st|nd|rd|th)?)
          ,?(?:\ \d{4})?(?:\W+\d{1,2}[:.]\d{2}.*)?)
      | (?P<caption>(?:photo|image|picture|file\ photo|representational\ image)s?
          (?:\ credit)?:?\ .*)
      | (?P<wire_id>[a-z]{3,}\d{12,}id\d+)  # MENAFN17072024000045015687ID1108449547
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Rules whose matched line may be an article sentence that happens to start like chrome
# ("Related to the case, police said …", "Subscribers will pay more, the council said."):
# a line that reads as prose stays.
_UNLESS_PROSE = frozenset({"link_list", "share", "prompt", "caption", "credit"})

# Chrome that may lead a paragraph: the label goes, the rest stays when it is prose.
_LEADING = re.compile(
    r"""^(?:
        (?P<caption>(?:image|photo|picture|slide)\ \d+\ (?:of|/)\ \d+
          |(?:photo|image|picture|file\ photo)(?:\ credit)?:\ \S+(?:\ \S+)?/(?:AP|AFP|Reuters|Getty(?:\ Images)?|\S+)
          |(?:photo|image|picture|file\ photo)(?:\ credit)?:)
      | (?P<advertisement>advertisement|sponsored)
      | (?P<share>share\ (?:this|on\ \w+):?|share:)
    )\ +""",
    re.IGNORECASE | re.VERBOSE,
)

# Tail markers, one named group per kind.
_TAIL_MARKER = re.compile(
    r"""^(?:
        (?P<comments>leave\ a\ (?:comment|reply)|post\ a\ comment|add\ a\ comment
          |\d*\ ?comments?:?|no\ comments:?|comments\ are\ closed\.?
          |(?:reader\ |user\ )?(?:comments|conversation|discussion|responses|reactions)
           (?:\ \(\d+\)|:)?
          |join\ the\ (?:conversation|discussion)|(?:show|view|load)\ (?:\d+\ )?comments
          |you\ have\ \d+\ characters?\ left\.?|\d+\ (?:responses|replies)(?:\ to\ .*)?)
      | (?P<legal>(?:legal\ )?disclaimer:?.*
          # a notice, also in brackets ("(Copyright 2016 The Associated Press. ...")
          |\(?(?:copyright\s*(?:\u00a9|\(c\)|\d{4}|by\b).*|\u00a9\ ?.*|\(c\)\ .*)
          # an attribution: "Copyright Associated Press / NBC New York" (no sentence in it)
          |copyright\ [^.!?]{1,80}(?:\.\ all\ rights\ reserved\.?)?)
      | (?P<tags>tags?(?::.*|\ \S+(?:\ \S+){0,9})|tagged(?:\ with)?:.*|filed\ under:.*
          |about\ the\ author:?.*)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# What a comment thread is made of: "X says:", "Reply", "Posted by", time stamps, likes.
_COMMENT_LINE = re.compile(
    r"""^(?:.{1,60}\ (?:says|said|wrote|writes):?
      | reply(?:\ to\ this\ comment)?|report(?:\ abuse)?|flag|like|permalink
      | (?:posted|comment(?:ed)?)\ (?:by|on)\b.*|article\ comment\ by\b.*|posted:\ .*
      | \d+\ (?:likes?|points?|replies|upvotes?)
      | (?:\w+\ \d{1,2},\ \d{4}|\d{1,2}/\d{1,2}/\d{2,4})(?:,?\ (?:at\ )?\d{1,2}:\d\d.*)?
      | \d+\ (?:minutes?|hours?|days?|weeks?|months?|years?)\ ago
      # a commenter and when: "- SandraK 1 day ago", "Jen R. 5 hours agoStay safe" (glued
      # as a flattened page writes it); not "He died 2 days ago at the hospital"
      | [-\u2013\u2022*]\ ?\S+(?:\ \S+){0,3}\ (?:\d+\ (?:minute|hour|day|week|month|year)s?\ ago
          |just\ now).*
      | \S+(?:\ \S+){0,3}\ (?:\d+\ (?:minute|hour|day|week|month|year)s?\ ago|just\ now)
          (?:[A-Z].*)?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_WIRE_PREFIX = re.compile(
    r"^(?:\((?:MENAFN|AFP|AP|IANS|PTI|ANI|UNI|Reuters)\)\s*)+", re.IGNORECASE
)
_SYNDICATED = ("published from a syndicated feed.", "published from a syndicated feed")
_PHOTO_CREDIT = re.compile(r"\btwitter/@\w+$")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?:\s|$)")

# How every alternative of the line patterns can begin, lower-cased: the patterns are asked
# only about lines that start so, start with a digit, "(" or a non-letter, have no space or
# end like a syndication notice (a test checks each example against the patterns and this).
_STARTS = (
    "advertisement", "sponsored", "story continues below", "read ", "see ", "also read",
    "related", "top stories", "trending", "most ", "recommended", "more from", "you may",
    "follow us", "share", "tweet", "email", "e-mail", "print", "whatsapp", "facebook",
    "twitter", "linkedin", "pinterest", "reddit", "copy link", "comment", "click here",
    "subscribe", "sign up", "newsletter", "title: ", "you have ", "your email",
    "required fields", "agencies", "with inputs from ", "except for the headline", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "photo", "image",
    "picture", "file photo", "representational image", "slide", "leave a ", "post a ",
    "add a ", "no comment", "reader comments", "join the ", "show ", "view ", "load ",
    "user comments", "conversation", "discussion", "responses", "reactions", "free ",
    "e-mail newsletter", "email newsletter",
    "disclaimer", "legal disclaimer", "copyright", "all rights reserved", "tag", "filed under",
    "about the author",
)


@dataclass
class TextPass:
    """What the text pass made of one text: the text kept, the words it had (whitespace
    separated), and the words each rule removed (rule names as in the module doc)."""

    text: str
    words: int
    removed: Counter[str] = field(default_factory=Counter)

    @property
    def top_rule(self) -> str | None:
        """The rule that removed the most words (ties: the first in name order)."""
        if not self.removed:
            return None
        return min(self.removed, key=lambda rule: (-self.removed[rule], rule))


def _words(text: str) -> int:
    return len(text.split())


def _is_prose(text: str) -> bool:
    """A sentence of article text: eight words or more, with a sentence end."""
    return _words(text) >= 8 and _SENTENCE_END.search(text) is not None


def _maybe(lowered: str, stripped: str) -> bool:
    """Whether a line can match any line pattern at all (the cheap test first)."""
    return (
        lowered.startswith(_STARTS) or not lowered[0].isalpha() or " " not in stripped
        or "logo" in lowered or "reserved" in lowered
    )


def line_rule(line: str) -> str | None:
    """The chrome rule that removes this whole line, or None when it stays."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_LINE:
        return None
    lowered = stripped.lower()
    return _line_rule(stripped, lowered, _maybe(lowered, stripped))


def _line_rule(stripped: str, lowered: str, maybe: bool) -> str | None:
    """:func:`line_rule` of a stripped line of at most MAX_LINE characters, given its lower
    case and its :func:`_maybe`."""
    if maybe:
        m = _CHROME_LINE.match(stripped)
        if m is not None and not (m.lastgroup in _UNLESS_PROSE and _is_prose(stripped)):
            return m.lastgroup
    if lowered.endswith(_SYNDICATED):
        return "syndication"
    if "twitter/@" in lowered and _PHOTO_CREDIT.search(lowered):
        return "caption"
    # An all-caps banner of a few words; an all-caps sentence with punctuation stays text.
    if (
        stripped.isupper()
        and len(stripped) <= 80
        and len(stripped.split()) <= 6
        and sum(c.isalpha() for c in stripped) >= 3
        and not stripped.endswith((".", ":"))
    ):
        return "banner"
    return None


def is_chrome_line(line: str) -> bool:
    """True for a line that carries no article text: ads, share buttons, comment prompts,
    all-caps banners ("MY KOLKATA EDUGRAPH"), wire-service ids, syndication notices, and the
    tail markers ("Leave a comment", "Tags: …")."""
    return line_rule(line) is not None or marker_kind(line) is not None


def marker_kind(line: str) -> str | None:
    """"comments", "legal" or "tags" for a tail-marker line, else None."""
    stripped = line.strip()
    if not stripped or not _short(stripped):
        return None
    lowered = stripped.lower()
    if not _maybe(lowered, stripped):
        return None
    return _marker_kind(stripped, lowered)


def _short(line: str) -> bool:
    """Whether a line is short enough to be chrome: MAX_LINE characters, or a legal notice
    of MAX_LEGAL_LINE."""
    return len(line) <= MAX_LINE or (
        len(line) <= MAX_LEGAL_LINE and _LONG_LEGAL.match(line.strip()) is not None)


def _marker_kind(stripped: str, lowered: str) -> str | None:
    """:func:`marker_kind` of a stripped line that passed :func:`_maybe` (``lowered``: its
    lower case)."""
    m = _TAIL_MARKER.match(stripped)
    if m is None:
        if "reserved" in lowered and _LEGAL_ANYWHERE.search(stripped):
            return "legal"
        return None
    if m.lastgroup == "tags" and _SENTENCE_END.search(stripped) and _words(stripped) > 6:
        return None  # "Tag team wrestling returned to the arena on Friday." is a sentence
    return m.lastgroup


# The first characters a _LEADING match can have (its words' first letters in either case, and
# the non-ASCII letters that match them under IGNORECASE): the pattern is asked only then.
_LEADING_FIRST = frozenset("aAfFiIpPsS\u0130\u0131\u017f")


def _leading(line: str) -> tuple[str, int, str] | None:
    """(rule, words removed, the rest) where chrome leads a prose paragraph."""
    if line[:1] not in _LEADING_FIRST:
        return None
    m = _LEADING.match(line)
    if m is None:
        return None
    rest = line[m.end():]
    if not _is_prose(rest):
        return None
    return m.lastgroup or "caption", _words(line[:m.end()]), rest


def _not_article(lines: list[str]) -> bool:
    """Whether the lines after a marker are no longer article prose: a comment thread (a line
    of one), another marker or comment box right after it, or mostly short lines (tags,
    links, small print), or nothing at all."""
    words = prose = 0
    for k, line in enumerate(lines):
        if _COMMENT_LINE.match(line.strip()):
            return True
        if k < 3 and (marker_kind(line) or line_rule(line) == "comment_box"):
            return True
        n = _words(line)
        words += n
        if n >= 8 and _SENTENCE_END.search(line):
            prose += n
    return prose < 0.6 * words or words == 0


def text_pass(text: str) -> TextPass:
    """Take the generic site chrome off ``text`` (see the module doc), counting what each rule
    removed."""
    lines = text.split("\n")
    counts = [len(line.split()) for line in lines]
    total = sum(counts)
    after = [0] * (len(lines) + 1)  # words from line i on
    for i in range(len(lines) - 1, -1, -1):
        after[i] = after[i + 1] + counts[i]
    done = TextPass("", total)
    removed = done.removed
    out: list[str] = []
    kept = 0  # words kept so far
    for i, line in enumerate(lines):
        if not line:  # a blank line: kept once, after text (blank runs collapse)
            if out and out[-1]:
                out.append(line)
            continue
        words = counts[i]  # the words of ``line`` as it stands
        if line[0] == "(":
            bare = _WIRE_PREFIX.sub("", line)
            if bare != line:
                words = _words(bare)
                removed["wire_id"] += counts[i] - words
                line = bare
        lead = _leading(line)
        if lead is not None:
            rule, cut, line = lead
            removed[rule] += cut
            words -= cut
        elif _short(line):
            stripped = line.strip()
            if stripped:
                # marker_kind, then line_rule, with the line stripped and lowered once
                lowered = stripped.lower()
                maybe = _maybe(lowered, stripped)
                kind = _marker_kind(stripped, lowered) if maybe else None
                if kind is not None:
                    if kept and _cuts(lines, i, kept, after, done):
                        removed[f"tail: {kind}"] += after[i]
                        break
                    removed[f"marker: {kind}"] += words
                    continue
                rule = _line_rule(stripped, lowered, maybe)
                if rule is not None:
                    removed[rule] += words
                    continue
        if line or (out and out[-1]):
            out.append(line)
            kept += words
    done.text = "\n".join(out).strip()
    return done


def _cuts(lines: list[str], i: int, kept: int, after: list[int], done: TextPass) -> bool:
    """Whether the marker on line ``i`` ends the article (see the module doc): what follows it
    is not article prose, or it stands in the last quarter of the words; and the bound holds."""
    rest = after[i + 1]
    if rest + _words(lines[i]) > MAX_CUT_SHARE * done.words:
        return False  # the bound: a tail cut never takes more than half of the words
    if kept >= 3 * rest:
        return True
    following = [line for line in lines[i + 1:i + 40] if line.strip()][:12]
    return _not_article(following)


def strip_chrome(text: str) -> str:
    """``text`` without its generic site chrome (:func:`text_pass`'s text)."""
    return text_pass(text).text
