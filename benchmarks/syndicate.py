"""Realistic republished copies of real articles, with known gold, built in memory.

:func:`syndicate` turns base articles into a syndication set: each base as first published,
plus copies of it on fake sites, each copy labeled with its base (gold duplicate group) and the
base's gold event (gold story). A copy is what a syndicating site makes of a wire story:

* a new headline: reworded (synonyms, a clause dropped, case style, a "Watch:" tag) and with the
  site's prefix or suffix ("... | Daijiworld");
* the site's chrome, the same on every page of one site: header lines (banner, breadcrumb,
  byline), lines between paragraphs (ADVERTISEMENT, "Read Also: <another headline>"), footer
  lines (newsletter and app plugs, comment-box boilerplate, legal disclaimer, copyright);
  some of it is chrome that :mod:`dedup.normalize` knows, some is not;
* an agency dateline ("New Delhi, May 5 (IANS):", "NEW YORK (AP) --");
* tail paragraphs trimmed: most copies keep at least :data:`MIN_KEPT` of the words, a share
  (``deep_trims``) keep only their first two or three paragraphs (and at least
  :data:`MIN_COPY_WORDS` words: a shorter piece is a teaser, see ``docs/architecture.md``);
  a few word edits and typos, the site's typography (curly quotes, dashes, NBSP, ellipsis);
* a few exact copies (mirrors and re-crawls: the same text, at most line ends and quote styles
  differ).

The chrome of one site is shared by its pages, so two *different* stories carried by one site
share those lines: a detector that calls them copies is fooled by chrome.

Everything is deterministic for a seed. Nothing is written to disk: the base texts are
publishers' copyright and never enter the repository.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from dedup import Document

MIN_KEPT = 0.65
"""A lightly trimmed copy keeps at least this share of its base's words."""
MIN_COPY_WORDS = 40
"""A deeply trimmed copy (its first paragraphs) keeps at least this many words: below it, a
piece is a teaser, not a copy (dedup's minimum length for containment)."""
DEEP_TRIMS = 0.3
"""Share of the edited copies cut down to their first two or three paragraphs."""
MIN_WORDS = 40
"""Bases with fewer words are not used by :func:`distinct_bases` (a few edits would erase them)."""

_MONTHS = "Jan Feb March April May June July Aug Sept Oct Nov Dec".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_FULL_MONTHS = (
    "January February March April May June July August September October November December"
).split()


class Syndicated(NamedTuple):
    """One document of a syndication set and its gold labels."""

    document: Document
    base_id: str
    gold_event: Hashable


# --------------------------------------------------------------------------- fake sites

# name, home city, agency it carries, dateline style, title style
_SITE_SPECS = (
    ("Daijiworld", "Mangaluru", "IANS", "indian", "suffix-bar"),
    ("The Courier", "Dundee", "Reuters", "reuters", "suffix-dash"),
    ("Metro Times", "Detroit", "AP", "ap", "none"),
    ("News 24", "Johannesburg", "AFP", "reuters", "suffix-bar"),
    ("Daily Herald", "Chicago", "AP", "ap", "suffix-dash"),
    ("Tri-City Gazette", "Kennewick", "AP", "ap", "prefix"),
    ("Coastal Observer", "Panaji", "PTI", "indian", "suffix-bar"),
    ("Capital Wire", "Washington", "Reuters", "reuters", "none"),
    ("Valley Post", "Fresno", "AP", "ap", "suffix-dash"),
    ("Free Press Journal", "Mumbai", "PTI", "indian", "suffix-bar"),
    ("Evening Chronicle", "Newcastle", "AFP", "reuters", "suffix-dash"),
    ("Lakeside Ledger", "Madison", "AP", "ap", "none"),
)
_DESKS = {"IANS": "New Delhi", "PTI": "New Delhi", "AP": "New York", "Reuters": "Washington",
          "AFP": "Paris"}
_SECTIONS = ("News", "National", "World", "Crime", "Local", "US", "India", "Top Stories")

# Chrome line templates; {site}, {city}, {SITE} are filled per site. The first two header
# kinds and the inline kinds are lines dedup.normalize knows; the others are not.
_HEADER_POOL = (
    "{SITE}",
    "Follow us on Google News",
    "Home » {section} » {section2}",
    "{site} News Network - {city}",
    "By {site} Staff",
    "Listen to this article",
    "Share on Facebook Share on Twitter Share on WhatsApp",
    "Posted by {site} Desk",
)
_INLINE_POOL = (
    "ADVERTISEMENT",
    "Advertisement",
    "Story continues below advertisement",
    "Read Also: {headline}",
    "ALSO READ | {headline}",
    "You may also like: {headline}",
)
_FOOTER_POOL = (
    "{site} is now on WhatsApp. Click to join our channel for the latest news from {city} "
    "and around the world.",
    "Get the day's top stories from {site}, delivered to your inbox every morning.",
    "About Us | Contact Us | Advertise with {site} | Privacy Policy | Terms of Use",
    "Disclaimer: {site} is not responsible for the content of external sites. Readers' "
    "comments are their own views and do not reflect those of {site}. Comments that are "
    "abusive, obscene or incendiary will be removed.",
    "Leave a Comment\nYour email address will not be published. Required fields are marked *",
    "Comments\nYou have 2000 characters left.\nPost Comment",
    "Legal Disclaimer:\n{site} provides the information \"as is\" without warranty of any kind. "
    "We do not accept any responsibility or liability for the accuracy, content, images, "
    "videos, licenses, completeness, legality, or reliability of the information contained in "
    "this article. If you have any complaints or copyright issues related to this article, "
    "kindly contact the provider above.",
    "Copyright © 2024 {site}. All rights reserved.",
    "Download the {site} app for breaking news alerts from {city} and beyond.",
)


@dataclass(frozen=True)
class Site:
    """A fake news site: its name, chrome lines and house style."""

    name: str
    slug: str
    city: str
    agency: str
    dateline: str
    title_style: str
    typography: str
    header: tuple[str, ...]
    footer: tuple[str, ...]
    inline: tuple[str, ...]

    @property
    def fixed_chrome(self) -> tuple[str, ...]:
        """The chrome lines that every page of this site carries, verbatim."""
        return tuple(line for block in self.header + self.footer for line in block.split("\n"))

    def brand(self, title: str) -> str:
        """A headline in this site's style: ``| Site``, ``- Site``, ``Site:`` or bare."""
        if self.title_style == "suffix-bar":
            return f"{title} | {self.name}"
        if self.title_style == "suffix-dash":
            return f"{title} - {self.name}"
        if self.title_style == "prefix":
            return f"{self.name}: {title}"
        return title


def _site(spec: tuple[str, str, str, str, str], rng: random.Random) -> Site:
    """One site from its spec, its chrome drawn from the pools with ``rng``."""
    name, city, agency, dateline, title_style = spec
    fields = {"site": name, "SITE": name.upper(), "city": city,
              "section": rng.choice(_SECTIONS), "section2": rng.choice(_SECTIONS)}
    header = tuple(t.format(**fields) for t in rng.sample(_HEADER_POOL, rng.randint(2, 4)))
    footer = tuple(t.format(**fields) for t in rng.sample(_FOOTER_POOL, rng.randint(3, 5)))
    inline = tuple(rng.sample(_INLINE_POOL, 3))
    return Site(
        name=name, slug=re.sub(r"\W+", "-", name.lower()), city=city, agency=agency,
        dateline=dateline, title_style=title_style,
        typography=rng.choice(("curly", "straight", "curly")),
        header=header, footer=footer, inline=inline,
    )


def make_sites(seed: int = 0, count: int = len(_SITE_SPECS)) -> list[Site]:
    """``count`` fake sites (at most :data:`_SITE_SPECS`), the same for the same seed."""
    rng = random.Random(f"sites-{seed}")
    return [_site(spec, rng) for spec in _SITE_SPECS[:count]]


# --------------------------------------------------------------------------- headlines

_SYNONYMS = {
    "police": "cops", "says": "said", "said": "says", "killed": "slain", "after": "following",
    "charged": "booked", "arrested": "held", "dies": "dead", "man": "person", "woman": "lady",
    "shot": "gunned down", "shooting": "firing", "meets": "holds talks with", "talks": "meeting",
    "new": "latest", "over": "amid", "announces": "unveils", "wins": "bags", "home": "house",
    "teen": "teenager", "car": "vehicle", "hospital": "medical centre", "injured": "hurt",
}
_TAGS = ("Watch: {}", "UPDATE: {}", "{} (VIDEO)", "Breaking: {}", "{}, officials say",
         "{}: report")


def _swap_synonyms(title: str, rng: random.Random) -> str:
    """Replace one or two words that have a synonym, keeping their capitalisation."""
    words = title.split()
    spots = [i for i, w in enumerate(words) if w.lower().strip(",.:;") in _SYNONYMS]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        bare = words[i].strip(",.:;")
        new = _SYNONYMS[bare.lower()]
        new = new.title() if bare[:1].isupper() else new
        words[i] = words[i].replace(bare, new)
    return " ".join(words)


def _drop_clause(title: str) -> str:
    """The headline without its last clause (after a comma, colon or semicolon), if it stays
    four words or longer."""
    cut = max(title.rfind(", "), title.rfind(": "), title.rfind("; "))
    return title[:cut] if cut > 0 and len(title[:cut].split()) >= 4 else title


def _sentence_case(title: str, common: set[str]) -> str:
    """``Title Case Headline`` as ``Title case headline``: a capitalised word is lowered only
    when the article writes it in lower case (``common``), so names keep their capitals."""
    words = title.split()
    return " ".join(words[:1] + [w.lower() if w.lower() in common else w for w in words[1:]])


def reword_headline(title: str, rng: random.Random, body: str = "") -> str:
    """A syndicating desk's headline for the same story: some of synonyms, a dropped clause,
    another case style (sentence case keeps the words ``body`` capitalises), a tag. Never
    empty."""
    new = " ".join(title.split()) or "News"
    if rng.random() < 0.6:
        new = _swap_synonyms(new, rng)
    if rng.random() < 0.3:
        new = _drop_clause(new)
    if rng.random() < 0.3:
        common = set(re.findall(r"\b[a-z][\w'-]*", body))
        new = _sentence_case(new, common) if rng.random() < 0.7 else new.upper()
    if rng.random() < 0.25:
        new = rng.choice(_TAGS).format(new.rstrip(".!?"))
    return new


# --------------------------------------------------------------------------- body edits

_FILLER = ("the", "a", "also", "then", "now", "still", "that", "and", "of", "more")


def trim_tail(paragraphs: list[str], rng: random.Random, deep: bool = False) -> list[str]:
    """Drop tail paragraphs (most copies lose one or two) while at least :data:`MIN_KEPT` of the
    words stay; ``deep``: keep only the first two or three paragraphs, more where those hold
    fewer than :data:`MIN_COPY_WORDS` words."""
    if deep:
        keep = rng.choice((2, 2, 3))
        while keep < len(paragraphs) and sum(len(p.split()) for p in paragraphs[:keep]) < MIN_COPY_WORDS:
            keep += 1
        return list(paragraphs[:keep])
    total = sum(len(p.split()) for p in paragraphs)
    out = list(paragraphs)
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        kept = sum(len(p.split()) for p in out[:-1])
        if len(out) < 3 or kept < MIN_KEPT * total:
            break
        out.pop()
    return out


def _typo(word: str, rng: random.Random) -> str:
    """A typing slip in a word of five letters or more: two letters swapped, one dropped or one
    doubled."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    roll = rng.random()
    if roll < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if roll < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def edit_words(paragraphs: list[str], rng: random.Random, edits: int, typos: int) -> list[str]:
    """``edits`` light word edits (a word dropped, replaced by a filler word or doubled) and
    ``typos`` typing slips, at random places."""
    out = list(paragraphs)
    for k in range(edits + typos):
        p = rng.randrange(len(out))
        words = out[p].split()
        if len(words) < 4:
            continue
        i = rng.randrange(len(words))
        if k >= edits:
            words[i] = _typo(words[i], rng)
        elif (roll := rng.random()) < 0.4:
            del words[i]
        elif roll < 0.8:
            words[i] = rng.choice(_FILLER)
        else:
            words.insert(i, words[i])
        out[p] = " ".join(words)
    return out


_DOUBLE_OPEN = re.compile(r'(^|[\s(\[])"')
_SINGLE_OPEN = re.compile(r"(^|[\s(\[])'")
_NUMBER_SPACE = re.compile(r"(\d) (?=[a-z])")


def curly(text: str) -> str:
    """Typeset text: curly quotes and apostrophes, en and em dashes, an ellipsis character and
    a no-break space after numbers."""
    text = _DOUBLE_OPEN.sub("\\1\u201c", text).replace('"', "\u201d")
    text = _SINGLE_OPEN.sub("\\1\u2018", text).replace("'", "\u2019")
    text = text.replace(" -- ", " \u2014 ").replace(" - ", " \u2013 ").replace("...", "\u2026")
    return _NUMBER_SPACE.sub("\\1\u00a0", text)


def straight(text: str) -> str:
    """Plain-ASCII typography: straight quotes, hyphens, three dots."""
    for old, new in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'"),
                     ("\u2014", "--"), ("\u2013", "-"), ("\u2026", "..."), ("\u00a0", " ")):
        text = text.replace(old, new)
    return text


# --------------------------------------------------------------------------- pages


# A lead that already opens with a dateline: "PLATTE, S.D. --", "New Delhi, May 5 (IANS):".
_DATELINE = re.compile(r"^\(|^[^.!?]{2,60}?(?:\([A-Z][A-Za-z]{1,10}\)\s*[:\-\u2013\u2014]*|\s(?:--|\u2014|\u2013)\s)")


_DATELINE_PREFIX = re.compile(
    r"^(?:[A-Z][\w .]+, [A-Z][a-z]+ \d{1,2} \([A-Za-z]+\)(?::| -)|[A-Z .]+ \([A-Za-z]+\) --) ")


def dateline(site: Site, day: date | None) -> str:
    """The agency dateline a site puts before the first paragraph."""
    desk = _DESKS.get(site.agency, site.city)
    if site.dateline == "indian" and day is not None:
        return f"{desk}, {_MONTHS[day.month - 1]} {day.day} ({site.agency}):"
    if site.dateline == "reuters" and day is not None:
        return f"{desk.upper()}, {_MONTHS[day.month - 1]} {day.day} ({site.agency}) -"
    return f"{desk.upper()} ({site.agency}) --"


def date_banner(day: date) -> str:
    """A page-top date banner such as ``Friday, 22 November 2024``."""
    return f"{_WEEKDAYS[day.weekday()]}, {day.day} {_FULL_MONTHS[day.month - 1]} {day.year}"


def split_paragraphs(text: str, title: str | None = None) -> list[str]:
    """Non-empty lines of an article, whitespace collapsed, without a first line that repeats
    the title."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if lines and title and lines[0] == " ".join(title.split()):
        lines = lines[1:]
    return lines


def _insert_inline(body: list[str], site: Site, rng: random.Random,
                   headlines: Sequence[str]) -> list[str]:
    """Body paragraphs with one to three of the site's in-article chrome lines between them."""
    out = list(body)
    for _ in range(rng.randint(1, 3)):
        line = rng.choice(site.inline)
        if "{headline}" in line:
            line = line.format(headline=rng.choice(headlines) if headlines else site.name)
        out.insert(rng.randint(1, max(1, len(out))), line)
    return out


def republish(
    title: str,
    paragraphs: Sequence[str],
    site: Site,
    rng: random.Random,
    *,
    day: date | None = None,
    headlines: Sequence[str] = (),
    deep: bool = False,
) -> tuple[str, str]:
    """A syndicated copy of an article on ``site``: its ``(headline, page text)``.

    ``day`` is the date of the story (for the dateline and a page date banner), ``headlines``
    other headlines for "Read Also" lines, ``deep``: cut the body to its first two or three
    paragraphs (:func:`trim_tail`). The page is the site's header, the headline, the
    dateline and the edited body with in-article chrome, then the site's footer.
    """
    headline = site.brand(reword_headline(title, rng, " ".join(paragraphs)))
    if deep:  # a copy desk's edits are made over the story, then its tail is cut
        body = edit_words(list(paragraphs) or [title], rng, edits=rng.randint(0, 4),
                          typos=rng.randint(0, 3))
        body = trim_tail(body, rng, deep)
    else:
        body = trim_tail(list(paragraphs) or [title], rng)
        body = edit_words(body, rng, edits=rng.randint(0, 4), typos=rng.randint(0, 3))
    lead = next((k for k, p in enumerate(body) if len(p.split()) >= 15), 0)
    if rng.random() < 0.8 and not _DATELINE.match(body[lead]):
        body[lead] = f"{dateline(site, day)} {body[lead]}"
    body = _insert_inline(body, site, rng, headlines)
    header = list(site.header)
    if day is not None and rng.random() < 0.5:
        header.insert(0, date_banner(day))
    text = "\n\n".join(header + [headline] + body + list(site.footer))
    text = curly(text) if site.typography == "curly" else straight(text)
    return headline, text


def mirror(text: str, rng: random.Random) -> str:
    """An exact copy as a mirror or re-crawl stores it: the same words, at most other line
    ends, quote styles or trailing spaces."""
    roll = rng.random()
    if roll < 0.3:
        return text.replace("\n", "\r\n")
    if roll < 0.6:
        return curly(text) if rng.random() < 0.5 else straight(text)
    if roll < 0.8:
        return "\n".join(line.rstrip() + " " for line in text.split("\n"))
    return text


_DATE_BANNER = re.compile(r"[A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ \d{4}")


def page_body(text: str, site: Site, headline: str | None = None) -> str:
    """The article part of one of ``site``'s pages, in ASCII typography: without the site's
    chrome and in-article lines, a date banner, the ``headline`` line and the dateline. What
    a perfect chrome stripper would leave."""
    skip = {straight(line) for line in site.fixed_chrome}
    skip |= {straight(t) for t in site.inline if "{headline}" not in t}
    skip.add(straight(headline or ""))
    prefixes = tuple(straight(t.replace("{headline}", "")) for t in site.inline
                     if "{headline}" in t)
    lines = []
    for raw in straight(text).split("\n"):
        line = raw.strip()
        if line in skip or line.startswith(prefixes) or _DATE_BANNER.fullmatch(line):
            continue
        lines.append(_DATELINE_PREFIX.sub("", line, count=1))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the set


def _day(value: str | None) -> date | None:
    """The date of an ISO 8601 date or datetime string, or ``None``."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _copy_count(rng: random.Random, mean_copies: float) -> int:
    """How many sites carry one base: geometric-like, ``mean_copies`` on average."""
    p = 1.0 / (1.0 + mean_copies)
    count = 0
    while rng.random() > p and count < 6:
        count += 1
    return count


def _copies_of(
    base: Document, event: Hashable, sites: Sequence[Site], rng: random.Random,
    count: int, exact_share: float, headlines: Sequence[str], deep_trims: float = 0.0,
) -> list[tuple[Document, str, Hashable]]:
    """``count`` copies of one base on distinct sites (some exact), ids ("?") to be assigned."""
    day = _day(base.published)
    paragraphs = split_paragraphs(base.text, base.title)
    out = []
    for site in rng.sample(list(sites), min(count, len(sites))):
        published = (day + timedelta(days=rng.randint(0, 2))).isoformat() if day else None
        kind = "exact" if rng.random() < exact_share else "near"
        if kind == "exact":
            title, text = base.title, mirror(base.text, rng)
        else:
            deep = len(paragraphs) > 3 and rng.random() < deep_trims
            kind = "deep" if deep else kind
            title, text = republish(base.title or "", paragraphs, site, rng, day=day,
                                    headlines=headlines, deep=deep)
        url = f"https://www.{site.slug}.example/news/{zlib.crc32(base.id.encode()):08x}"
        doc = Document(id="?", text=text, title=title, published=published, source=site.name,
                       url=url, metadata={"copy": kind, "site": site.slug})
        out.append((doc, base.id, event))
    return out


def syndicate(
    articles: Sequence[Document],
    seed: int = 0,
    *,
    events: Mapping[str, Hashable] | None = None,
    mean_copies: float = 1.2,
    exact_share: float = 0.1,
    deep_trims: float = DEEP_TRIMS,
    sites: Sequence[Site] | None = None,
    include_originals: bool = True,
) -> list[Syndicated]:
    """A syndication set built from real articles, deterministic for ``seed``.

    Args:
        articles: the base articles (ids unique), as first published.
        seed: everything random (copy counts, sites, edits) follows from it.
        events: gold event of each base id; a base without one is its own event.
        mean_copies: copies per base on average (0 to 6 each, on distinct sites).
        exact_share: share of the copies that are exact (mirrors, re-crawls).
        deep_trims: share of the other copies (of bases with four paragraphs or more) cut to
            their first two or three paragraphs.
        sites: the fake sites; :func:`make_sites` with ``seed`` by default.
        include_originals: put each base itself in the set (under its own id).

    Returns:
        ``(document, base_id, gold_event)`` triples, shuffled; copies have ids ``syn-NNNNN``,
        their ``source`` is the site's name and their ``metadata`` says ``copy`` (``exact``,
        ``near``, or ``deep`` for a copy cut to its first paragraphs) and ``site`` (its
        slug). Copies of one base form its gold duplicate group,
        and share the base's gold event.
    """
    rng = random.Random(f"syndicate-{seed}")
    sites = list(sites) if sites is not None else make_sites(seed)
    events = events or {}
    headlines = [a.title for a in articles if a.title]
    items: list[tuple[Document, str, Hashable]] = []
    for base in articles:
        event = events.get(base.id, base.id)
        if include_originals:
            items.append((base, base.id, event))
        count = _copy_count(rng, mean_copies)
        items.extend(_copies_of(base, event, sites, rng, count, exact_share, headlines,
                                deep_trims))
    rng.shuffle(items)
    out: list[Syndicated] = []
    copy_number = 0
    for doc, base_id, event in items:
        if doc.id == "?":
            copy_number += 1
            doc = replace(doc, id=f"syn-{copy_number:05d}")
        out.append(Syndicated(doc, base_id, event))
    return out


# --------------------------------------------------------------------------- base selection

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 5) -> set[str]:
    """Word ``size``-shingles of the lower-cased text (a shorter text is one shingle)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: str, b: str, size: int = 5) -> float:
    """Exact Jaccard similarity of the word shingles of two texts (1.0 for two empty texts)."""
    sa, sb = shingles(a, size), shingles(b, size)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0


def jaccard_pairs(texts: Sequence[str], threshold: float, size: int = 5,
                  containment: bool = False) -> list[tuple[int, int, float]]:
    """Every pair ``(i, j, jaccard)``, ``i < j``, whose exact shingle Jaccard is at least
    ``threshold`` (> 0): one sparse matrix product, no loop over pairs. ``containment``: the
    share of the smaller shingle set held by the other instead of the Jaccard."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for s in shingles(text, size):
            rows.append(i)
            cols.append(vocabulary.setdefault(s, len(vocabulary)))
    n = len(texts)
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                           shape=(n, max(1, len(vocabulary))))
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    shared = sp.triu(matrix @ matrix.T, k=1).tocoo()
    union = sizes[shared.row] + sizes[shared.col] - shared.data
    if containment:
        union = np.minimum(sizes[shared.row], sizes[shared.col])
    score = np.divide(shared.data, union, out=np.zeros(len(union)), where=union > 0)
    keep = score >= threshold
    return list(zip(shared.row[keep].tolist(), shared.col[keep].tolist(),
                    score[keep].tolist()))


def distinct_bases(articles: Sequence[Document], max_jaccard: float = 0.3,
                   min_words: int = MIN_WORDS, max_containment: float = 0.4) -> list[Document]:
    """The articles fit to be bases: at least ``min_words`` words, and none a copy of an earlier
    one (shingle Jaccard above ``max_jaccard``, or more than ``max_containment`` of the shorter
    text's shingles held by the other: one an edited or cut version of the other), so that
    gold duplicate groups are exactly the copies made here."""
    long_enough = [a for a in articles if len(a.text.split()) >= min_words]
    texts = [a.text for a in long_enough]
    dropped = {j for _, j, _ in jaccard_pairs(texts, max_jaccard)}
    dropped |= {j for _, j, _ in jaccard_pairs(texts, max_containment, containment=True)}
    return [a for k, a in enumerate(long_enough) if k not in dropped]


def sample_bases(articles: Sequence[Document], count: int, seed: int = 0) -> list[Document]:
    """``count`` articles drawn without replacement (all when fewer), in their input order."""
    if count >= len(articles):
        return list(articles)
    picked = set(random.Random(f"bases-{seed}").sample(range(len(articles)), count))
    return [a for k, a in enumerate(articles) if k in picked]
