"""Deterministic benchmark corpora of ~3-4 KB English news articles, built in memory.

:func:`make_corpus` returns ``n`` :class:`dedup.Document` objects with realistic duplication:

* ~5% exact copies of another article (same title and text, published the same or next day);
* ~20% near-duplicate copies, as a syndicating site makes them
  (:func:`benchmarks.syndicate.republish`): a reworded headline, the site's chrome
  ("ADVERTISEMENT", "Read Also: ...", comment boxes, disclaimers), a dateline, the tail trimmed,
  a few word edits and typos;
* the rest distinct articles.

Base articles come from the labeled development data in ``../shared/data/*.jsonl`` (next to the
repository) when present: its paragraphs are packed, in order, into bases of 3,000-4,000
characters, each paragraph used by one base only. Without that folder, bases are synthetic
articles generated from a built-in vocabulary (sentences with people, places, organisations,
dates and figures), so the benchmarks run anywhere. When more distinct articles are needed than
there are bases, new ones are made by recombining paragraphs of different bases and swapping
their names and numbers, so that they share topics but are not copies.

Nothing is written to disk: article texts never enter the repository.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.syndicate import make_sites, republish
from dedup import Document

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"

EXACT_SHARE = 0.05
NEAR_SHARE = 0.20
MIN_CHARS = 3000
MAX_CHARS = 4000
START = date(2024, 3, 1)
SPAN_DAYS = 60


@dataclass(frozen=True)
class Article:
    """A title and its paragraphs, before it becomes a :class:`Document`."""

    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# --------------------------------------------------------------------------- bases from data

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def _split_long(paragraph: str, limit: int = 1200) -> list[str]:
    """A paragraph longer than ``limit`` characters cut at sentence ends into smaller ones."""
    if len(paragraph) <= limit:
        return [paragraph]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + len(sentence) > limit:
            out.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return out


def _paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of an article (single or double newlines)."""
    out: list[str] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if len(line) >= 20:
            out.extend(_split_long(line))
    return out


def _read_records(data_dir: Path) -> list[dict]:
    """Every record of every ``*.jsonl`` file, in a stable order (event, then id)."""
    records: list[dict] = []
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    records.append(json.loads(line))
    records.sort(key=lambda r: tuple(str(r.get(k, "")) for k in ("dataset", "cluster", "id")))
    return records


def _pack(records: list[dict]) -> list[Article]:
    """Pack the records' paragraphs, in order, into articles of MIN_CHARS..MAX_CHARS characters.
    Each article keeps the title of the first record it draws from."""
    bases: list[Article] = []
    title, current, size = "", [], 0
    for record in records:
        record_title = " ".join(str(record.get("title") or "").split())
        for paragraph in _paragraphs(str(record.get("text") or "")):
            if current and size + len(paragraph) > MAX_CHARS and size >= MIN_CHARS // 2:
                bases.append(Article(title, tuple(current)))
                current, size = [], 0
            if not current:
                title = record_title or paragraph[:80]
            current.append(paragraph)
            size += len(paragraph) + 2
            if size >= MIN_CHARS:
                bases.append(Article(title, tuple(current)))
                current, size = [], 0
    if size >= MIN_CHARS // 2:
        bases.append(Article(title, tuple(current)))
    return bases


def data_bases(data_dir: Path | None = None) -> list[Article]:
    """Base articles packed from the shared development data (``DATA_DIR`` by default); empty
    when it is absent."""
    data_dir = data_dir or DATA_DIR
    if not data_dir.is_dir():
        return []
    return _pack(_read_records(data_dir))


# --------------------------------------------------------------------------- synthetic bases

_FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Sandra Steven Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle "
    "Kevin Carol Brian Amanda George Melissa Timothy Deborah Ronald Stephanie Jason Rebecca"
).split()
_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Okafor Patel"
).split()
_PLACES = (
    "Springfield Riverside Franklin Greenville Bristol Clinton Fairview Salem Madison Georgetown "
    "Arlington Ashland Dover Oxford Jackson Burlington Manchester Milton Newport Auburn Dayton "
    "Lexington Milford Winchester Hudson Kingston Marion Clayton Chester Lancaster Denver Austin "
    "Portland Memphis Tulsa Omaha Boise Fresno Tacoma Raleigh Lagos Nairobi Manila Lima Oslo"
).split()
_ORGS = (
    "City Council|Police Department|Fire Department|Health Ministry|Supreme Court|State University|"
    "Chamber of Commerce|Transit Authority|Red Cross|Electoral Commission|Central Bank|"
    "Water Board|School District|Port Authority|Energy Agency|Sheriff's Office"
).split("|")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NOUNS = (
    "officials residents council police report plan budget project investigation statement "
    "meeting vote election court case hospital school road bridge market company workers union "
    "prices water power storm fire flood crash suspect victim family community program funding "
    "tax policy law agreement deal talks protest rally campaign survey study data figures rate "
    "growth decline crisis response support measure proposal decision hearing trial evidence "
    "witness spokesman agency department government minister mayor governor committee board"
).split()
_VERBS = (
    "said announced confirmed reported warned approved rejected launched opened closed "
    "increased reduced expected planned urged called described denied agreed ordered arrested "
    "charged released found showed claimed added noted explained criticised welcomed delayed"
).split()
_ADJ = (
    "new local federal regional national public private major minor early late recent former "
    "senior annual emergency serious significant sharp modest key final initial official "
    "independent additional several critical"
).split()
_FILLER = (
    "the a an of in on at for with by from to and but after before during over under about "
    "against between into through while since as than that which who this these those its "
    "their his her more most some many other also still already only not"
).split()


_ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fr gr pl pr sh st th tr".split()
_VOWELS = "a e i o u ai ea io ou".split()
_ENDINGS = ("", "", "s", "ed", "ing", "er", "tion", "al", "ment")


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct pronounceable made-up words: the long tail of a news vocabulary."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 3)))
        seen.setdefault(stem + rng.choice(_ENDINGS), None)
    return list(seen)


@dataclass(frozen=True)
class Lexicon:
    """Everything synthetic articles are written with: real common words plus made-up topic
    words, surnames and places, so that articles differ in vocabulary as real news does."""

    topic_words: tuple[str, ...]
    surnames: tuple[str, ...]
    places: tuple[str, ...]

    @classmethod
    def build(cls, rng: random.Random) -> Lexicon:
        made_up = pseudo_words(rng, 9000)
        return cls(
            topic_words=tuple(made_up[:6000]),
            surnames=tuple(_LAST) + tuple(w.capitalize() for w in made_up[6000:7500]),
            places=tuple(_PLACES) + tuple(w.capitalize() for w in made_up[7500:]),
        )


@dataclass(frozen=True)
class Topic:
    """What one synthetic article is about: its people, place, organisation and words."""

    cast: tuple[str, ...]
    place: str
    org: str
    words: tuple[str, ...]

    @classmethod
    def draw(cls, rng: random.Random, lexicon: Lexicon) -> Topic:
        cast = tuple(
            f"{rng.choice(_FIRST)} {rng.choice(lexicon.surnames)}" for _ in range(rng.randint(2, 5))
        )
        words = tuple(rng.sample(lexicon.topic_words, 40))
        return cls(cast, rng.choice(lexicon.places), rng.choice(_ORGS), words)


def _when(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"on {rng.choice(_DAYS)}"
    return f"on {rng.choice(_MONTHS)} {rng.randint(1, 28)}"


def _phrase(rng: random.Random, words: int, topic: Topic) -> str:
    """A run of function words, adjectives, nouns and topic words, loosely English in rhythm."""
    pools = (_FILLER, _ADJ, _NOUNS, topic.words)
    return " ".join(rng.choice(rng.choices(pools, weights=(5, 1, 2, 3))[0]) for _ in range(words))


def _sentence(rng: random.Random, topic: Topic) -> str:
    """One news sentence mentioning the article's people, place, organisation, dates, figures."""
    subject = rng.choice([
        rng.choice(topic.cast),
        f"the {topic.org}",
        f"{topic.place} {rng.choice(_NOUNS)}",
        f"the {rng.choice(_ADJ)} {rng.choice(topic.words)}",
    ])
    parts = [subject, rng.choice(_VERBS), _phrase(rng, rng.randint(4, 10), topic)]
    roll = rng.random()
    if roll < 0.3:
        parts.append(f"in {topic.place} {_when(rng)}")
    elif roll < 0.5:
        parts.append(f"of {rng.randint(2, 950)} {rng.choice(topic.words)}")
    elif roll < 0.6:
        parts.append(f"worth ${rng.randint(1, 99)}.{rng.randint(0, 9)} million")
    if rng.random() < 0.3:
        parts.append(f"{rng.choice(_VERBS)} {rng.choice(topic.cast)} of the {topic.org}")
    text = " ".join(parts)
    return text[0].upper() + text[1:] + "."


def synthetic_article(rng: random.Random, lexicon: Lexicon) -> Article:
    """A synthetic news article of MIN_CHARS..MAX_CHARS characters about one random event."""
    topic = Topic.draw(rng, lexicon)
    headline = f"{rng.choice(topic.words)} {rng.choice(_VERBS)} {_phrase(rng, 3, topic)}"
    title = f"{topic.place} {headline}".title()
    dateline = f"{topic.place.upper()} ({_when(rng)[3:]}) - "
    paragraphs: list[str] = [dateline + _sentence(rng, topic)]
    size = len(paragraphs[0])
    target = rng.randint(MIN_CHARS, MAX_CHARS)
    while size < target:
        paragraph = " ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return Article(title, tuple(paragraphs))


def synthetic_bases(count: int, seed: int = 0) -> list[Article]:
    """``count`` synthetic base articles, the same for the same seed."""
    rng = random.Random(f"bases-{seed}")
    lexicon = Lexicon.build(rng)
    return [synthetic_article(rng, lexicon) for _ in range(count)]


# --------------------------------------------------------------------------- recombination

_CAPITALISED = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}")
_NUMBER = re.compile(r"\d+")


def _name_pool(bases: list[Article]) -> list[str]:
    """Capitalised words that stand mid-sentence in the bases: names, places, organisations."""
    seen: dict[str, None] = {}
    for base in bases:
        for paragraph in base.paragraphs:
            for word in _CAPITALISED.findall(paragraph):
                seen.setdefault(word, None)
    return list(seen) or list(_LAST)


def _swap(text: str, mapping: dict[str, str], pool: list[str], rng: random.Random) -> str:
    """Replace mid-sentence capitalised words (consistently, via ``mapping``) and every number."""

    def name(match: re.Match[str]) -> str:
        word = match.group(0)
        if word not in mapping:
            mapping[word] = rng.choice(pool)
        return mapping[word]

    def number(match: re.Match[str]) -> str:
        digits = len(match.group(0))
        return str(rng.randint(10 ** (digits - 1) if digits > 1 else 0, 10**digits - 1))

    return _NUMBER.sub(number, _CAPITALISED.sub(name, text))


def recombined_article(bases: list[Article], pool: list[str], rng: random.Random) -> Article:
    """A new article from paragraphs of several different bases, names and numbers swapped."""
    mapping: dict[str, str] = {}
    first = rng.choice(bases)
    title = _swap(first.title, mapping, pool, rng)
    paragraphs: list[str] = []
    size, used = 0, set()
    target = rng.randint(MIN_CHARS, MAX_CHARS)
    while size < target and len(used) < len(bases):
        k = rng.randrange(len(bases))
        if k in used:
            continue
        used.add(k)
        source = bases[k].paragraphs
        start = rng.randrange(len(source))
        for paragraph in source[start:start + rng.randint(1, 2)]:
            paragraphs.append(_swap(paragraph, mapping, pool, rng))
            size += len(paragraph) + 2
    return Article(title, tuple(paragraphs))


# --------------------------------------------------------------------------- near-duplicates

_SITES = make_sites(0)


def near_duplicate(source: Article, titles: list[str], rng: random.Random,
                   day: date | None = None) -> Article:
    """A syndicated copy of ``source`` on one of the fake sites of :mod:`benchmarks.syndicate`:
    reworded headline, the site's chrome, a dateline, tail trimmed, a few edits and typos."""
    title, page = republish(source.title, source.paragraphs, rng.choice(_SITES), rng, day=day,
                            headlines=titles)
    return Article(title, tuple(page.split("\n\n")))


# --------------------------------------------------------------------------- corpus


def _published(rng: random.Random, near: date | None = None) -> str:
    """An ISO date in the 60-day span, or within two days after ``near``."""
    if near is not None:
        return (near + timedelta(days=rng.randint(0, 2))).isoformat()
    return (START + timedelta(days=rng.randrange(SPAN_DAYS))).isoformat()


def _bases(seed: int) -> tuple[list[Article], str]:
    """The base articles and where they came from."""
    bases = data_bases()
    if bases:
        return bases, "shared data (../shared/data)"
    return synthetic_bases(600, seed), "synthetic"


def _distinct(count: int, bases: list[Article], rng: random.Random) -> list[Article]:
    """``count`` distinct articles: the bases (shuffled) first, then recombinations."""
    order = list(bases)
    rng.shuffle(order)
    out = order[:count]
    pool = _name_pool(bases)
    while len(out) < count:
        out.append(recombined_article(bases, pool, rng))
    return out


def _document(k: int, article: Article, published: str) -> Document:
    """A document whose text starts with its headline, as scraped pages do."""
    return Document(
        id=f"doc{k:06d}",
        text=f"{article.title}\n\n{article.text}",
        title=article.title,
        published=published,
    )


def make_corpus(n: int, seed: int = 0) -> list[Document]:
    """``n`` news documents (~3-4 KB each), the same for the same ``n`` and ``seed``: about 5%
    exact copies, 20% near-duplicate copies, the rest distinct, shuffled, with ids ``docNNNNNN``
    and ``published`` ISO dates over ~60 days."""
    return make_corpus_with_info(n, seed)[0]


def make_corpus_with_info(n: int, seed: int = 0, *, truth: bool = False
                          ) -> tuple[list[Document], dict[str, object]]:
    """:func:`make_corpus` and a summary: source of the bases and counts of each kind; with
    ``truth``, also ``story``: per document, in order, the distinct article it is or copies
    (the corpus's own truth: copies of one article belong together)."""
    rng = random.Random(f"corpus-{seed}-{n}")
    bases, origin = _bases(seed)
    n_exact = round(n * EXACT_SHARE)
    n_near = round(n * NEAR_SHARE)
    n_distinct = max(n - n_exact - n_near, min(n, 1))
    n_exact = min(n_exact, n - n_distinct)
    n_near = n - n_distinct - n_exact
    distinct = _distinct(n_distinct, bases, rng)
    dates = [date.fromisoformat(_published(rng)) for _ in distinct]
    titles = [a.title for a in bases]
    items: list[tuple[Article, str, int]] = [
        (a, d.isoformat(), k) for k, (a, d) in enumerate(zip(distinct, dates))]
    for _ in range(n_near):
        k = rng.randrange(n_distinct)
        copy = near_duplicate(distinct[k], titles, rng, dates[k])
        items.append((copy, _published(rng, dates[k]), k))
    for _ in range(n_exact):
        k = rng.randrange(n_distinct)
        items.append((distinct[k], _published(rng, dates[k]), k))
    rng.shuffle(items)  # the same permutation as of (article, date) pairs: it reads the length
    docs = [_document(i, article, published) for i, (article, published, _) in enumerate(items)]
    info = {
        "bases": origin,
        "base_articles": len(bases),
        "distinct": n_distinct,
        "recombined": max(0, n_distinct - len(bases)),
        "near_duplicates": n_near,
        "exact_copies": n_exact,
        "mean_chars": round(sum(len(d.text) for d in docs) / max(1, n)),
    }
    if truth:
        info["story"] = [k for _, _, k in items]
    return docs, info
