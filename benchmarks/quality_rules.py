"""``python -m benchmarks.quality_rules``: where issue 12's unmet targets lose, and five more
event-key rules measured leaving one set out (an experiment; the library is not changed).

``ceiling`` (:func:`ceiling_main`): the errors of the default run by their structure.
ECB+: its false pairs by topic (each topic holds two events of one kind), how many of them
hold an article with no date at all (no metadata, no dateline, no day in the lead), and the
ARI the clustering would reach with every false pair taken out (each predicted story split
by gold event) or with every within-window miss found (each gold event whole, the false
pairs kept): how far each kind of error alone stands from the target. GVC: the same two
ceilings for its pairwise F1.

``rules`` (:func:`rules_main`): each rule of :data:`RULES` is a change of the score column,
with its options; each file of ``../shared/data/`` is scored once
(:func:`benchmarks.pair_model.load`), its score redone for each option and clustered as the
default run does. For each file held out, the option with the best mean target figure
(:func:`benchmarks.loso.figure`) on the two others is chosen (ties: the option that changes
least, the default first), and the held-out file reported with it.

``candidates`` (:func:`candidates_main`): the gold pairs within 30 days that no candidate
source proposes, and what a source on one shared key fact (a street, a block address, a rare
surname) would add, gold and other.

``facts`` (:func:`facts_main`): the candidate source the library now has on rare key facts
(:func:`dedup.candidates.key_facts`: surnames and block addresses held by at most
``max_fact_holders`` articles), off, with 3, 5 (the default) or 10 holders, names or blocks
alone, each file clustered by the batch run, left one set out.

``syndication`` (:func:`syndication_main`): the syndication set of ``benchmarks.copies``
(400 bases, seed 0): its false story pairs and its missed ones by the base set they come
from, and the story figures over pairs published within 30 days of each other.

Figures and what they say: ``benchmarks/results/2026-12-04-issue12-quality.md``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import dedup.candidates as candidates
from benchmarks.labeled import WINDOW_DAYS, _day, read_records, score_records, windowed_prf
from benchmarks.loso import figure
from benchmarks.metrics import all_scores
from benchmarks.pair_model import Scored, cluster_with, load
from benchmarks.sets import labeled_files
from dedup import Config
from dedup.cluster import cluster_scored
from dedup.events import (
    AGE_CHARS,
    EventKey,
    _date_mentions,
    extract_date,
    lead_age_sexes,
    lead_ages,
)
from dedup.gazetteer import fold, places
from dedup.pairs import age_column, date_column
from dedup.scoring import event_scores

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
# The end of the lead's first sentence (a full stop after a lower-case word, a digit or a
# closing quote, then a space).
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"'])[.!?](?=\s)")
# A first name and a surname ("Tony Thompson", "Hasim Rahman", "Mark W. Felt").
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?([A-Z][a-z][A-Za-z'\-]+)\b")
# A sentence about another incident ("The shooting came a day after a 2-year-old boy died in
# Benton", "the second such shooting this week", "in a separate incident").
_NUMBER = r"(?:a|one|two|three|four|five|six|seven|several|few|\d+)"
_ANOTHER = re.compile(
    r"(?i)\b(?:" + _NUMBER + r"\s+(?:day|days|week|weeks|hours|months)\s+(?:after|before)"
    r"|(?:came|comes|happened|occurred)\s+(?:just\s+|only\s+)?(?:hours|days|a\s+day|a\s+week"
    r"|weeks)\s+(?:after|before)"
    r"|in\s+(?:a|an)\s+(?:separate|unrelated)\b"
    r"|(?:second|third)\s+(?:such|fatal|deadly|accidental|shooting|child|time)\b"
    r"|earlier\s+(?:this|that|in\s+the)\s+(?:week|month|day)|last\s+(?:week|month)'s)"
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclasses.dataclass
class Texts:
    """A scored file with the raw texts of its rows (``corpus.records`` order)."""

    scored: Scored
    titles: list[str]
    bodies: list[str]


def load_texts(path: Path, config: Config) -> Texts:
    s = load(path, config)
    by_id = {str(r["id"]): r for r in read_records(path)}
    rows = [by_id[p.id] for p in s.corpus.records]
    return Texts(s, [r.get("title") or "" for r in rows], [r.get("text") or "" for r in rows])


def lead(title: str, body: str) -> str:
    """The headline and the body's first sentence (its first 300 characters without one)."""
    end = _SENTENCE_END.search(body[:400])
    return f"{title}\n{body[:end.start()] if end else body[:300]}"


def protagonists(key: EventKey, title: str, body: str, full_names: bool) -> set[str]:
    """The people of ``key`` that the headline and first sentence name: with
    ``full_names``, only those written with a first name ("Tony Thompson"), else any."""
    text = lead(title, body)
    if not full_names:
        return set(key.people) & {fold(w) for w in _WORD.findall(text)}
    found = set()
    for m in _FULL_NAME.finditer(text):
        first, last = fold(m.group(1)), fold(m.group(2))
        if last in key.people and first not in key.people and first not in key.orgs \
                and first not in places():
            found.add(last)
    return found


def protagonists_differ(t: Texts, full_names: bool) -> np.ndarray:
    """Pairs whose leads each name a protagonist the other article never names."""
    s = t.scored
    words = [{fold(w) for w in _WORD.findall(f"{a} {b}")} for a, b in zip(t.titles, t.bodies)]
    leads = [protagonists(k, a, b, full_names) for k, a, b in zip(s.keys, t.titles, t.bodies)]
    return np.array([bool(leads[a] - words[b]) and bool(leads[b] - words[a])
                     for a, b in zip(s.table.left.tolist(), s.table.right.tolist())], dtype=bool)


def without_other_incidents(text: str) -> str:
    """``text`` without its sentences about another incident (:data:`_ANOTHER`)."""
    return " ".join(p for p in _SENTENCES.split(text) if not _ANOTHER.search(p))


def own_ages(t: Texts) -> np.ndarray:
    """The age relation column with the ages of sentences about another incident dropped."""
    s = t.scored
    keys = []
    for key, title, body in zip(s.keys, t.titles, t.bodies):
        lead_text = body[:AGE_CHARS]
        if _ANOTHER.search(f"{title}\n{lead_text}"):
            title, lead_text = without_other_incidents(title), without_other_incidents(lead_text)
            key = dataclasses.replace(key, ages=lead_ages(title, lead_text),
                                      age_sexes=lead_age_sexes(title, lead_text))
        keys.append(key)
    return age_column(keys, s.table.left, s.table.right)


def venue_depths(t: Texts) -> np.ndarray:
    """Where each article's venue is first named in its body (-1: no venue; a large number
    when its name is not found as written)."""
    out = []
    for key, body in zip(t.scored.keys, t.bodies):
        if key.venue is None:
            out.append(-1)
            continue
        m = re.search(re.escape(key.names.get(key.venue, key.venue)), body, re.I)
        out.append(m.start() if m else 10**6)
    return np.array(out)


def _rescore(s: Scored, place: np.ndarray | None = None,
             ages: np.ndarray | None = None) -> np.ndarray:
    t = s.table
    return event_scores(t.cosine, t.head_cosine, t.people, t.date,
                        t.place if place is None else place, t.ages if ages is None else ages,
                        t.outcome)


# Each rule: its options (the first changes nothing) and the score column under an option.
Rule = tuple[tuple[Any, ...], Callable[[Texts, Any, dict[str, Any]], Any]]


def _protagonist_rule(full_names: bool) -> Callable[[Texts, Any, dict[str, Any]], np.ndarray]:
    def score(t: Texts, points: float, memo: dict[str, Any]) -> np.ndarray:
        name = f"differ{full_names}"
        if name not in memo:
            memo[name] = protagonists_differ(t, full_names)
        return t.scored.table.score + points * memo[name]
    return score


def _venue_depth(t: Texts, limit: float, memo: dict[str, Any]) -> np.ndarray:
    s = t.scored
    if limit == float("inf"):
        return s.table.score
    if "depth" not in memo:
        memo["depth"] = venue_depths(t)
    depth = memo["depth"]
    deep = (s.table.place == 3) & ((depth[s.table.left] > limit) | (depth[s.table.right] > limit))
    return _rescore(s, place=np.where(deep, 0, s.table.place))


def _cosine_conflict(t: Texts, c: float, memo: dict[str, Any]) -> np.ndarray:
    table = t.scored.table
    return table.score + c * table.cosine * ((table.date == 3) | (table.place == 3))


def _other_incidents(t: Texts, on: bool, memo: dict[str, Any]) -> np.ndarray:
    return _rescore(t.scored, ages=own_ages(t)) if on else t.scored.table.score


# Words of a page's time stamp ("Last Updated: Monday, 28 November 2005, 02: 24 GMT").
_STAMP_WORDS = re.compile(
    r"(?i)\b(?:posted|updated|last|published|article|at|on|of|am|pm|a\.?\s?m|p\.?\s?m|gmt|utc"
    r"|et|est|edt|pst|pdt|cst|cdt|ist|bst|cet|st|nd|rd|th"
    r"|mon|tue|tues|wed|thu|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february"
    r"|march|april|june|july|august|september|october|november|december)\b"
)


def is_stamp(title: str) -> bool:
    """Whether a title is nothing but a time stamp with a year ("11/28/05", "TUESDAY, OCTOBER
    11, 2011", "21 July 2013 Last updated at 11: 11 GMT")."""
    if not any(year_known for _s, _e, _d, year_known in _date_mentions(title)):
        return False
    return len(re.sub(r"[^A-Za-z]", "", _STAMP_WORDS.sub(" ", title))) <= 3


def _untitled(title: str, body: str) -> str:
    """The body without the line that repeats its title (as ``dedup.analysis.split_title``)."""
    wanted = " ".join(title.split())
    lines = body.split("\n", 5)
    for i, line in enumerate(lines[:5]):
        if " ".join(line.split()) == wanted:
            return "\n".join(lines[:i] + lines[i + 1:])
    return body


def stamped(t: Texts, config: Config) -> Scored:
    """The scored file with the date of each page that has no metadata date and a time stamp
    for a title read as if the stamp opened its body (a dateline)."""
    s = t.scored
    keys = [
        dataclasses.replace(key, date=extract_date(f"{title}\n{_untitled(title, body)}",
                                                   None)[0])
        if key.published is None and is_stamp(title) else key
        for key, title, body in zip(s.keys, t.titles, t.bodies)
    ]
    date = date_column(keys, s.table.left, s.table.right, config.date_tolerance_days)
    table = s.table
    score = event_scores(table.cosine, table.head_cosine, table.people, date, table.place,
                         table.ages, table.outcome)
    return dataclasses.replace(s, keys=keys, table=dataclasses.replace(table, date=date,
                                                                       score=score))


def _title_stamps(t: Texts, on: bool, memo: dict[str, Any]) -> tuple[Scored, np.ndarray]:
    if not on:
        return t.scored, t.scored.table.score
    s = stamped(t, Config())
    return s, s.table.score


RULES: dict[str, Rule] = {
    # two leads name different protagonists, each never named by the other article
    "protagonists (full names)": ((0.0, -0.05, -0.1, -0.15, -0.2, -0.3), _protagonist_rule(True)),
    "protagonists (any lead name)": ((0.0, -0.05, -0.1, -0.15, -0.2, -0.3),
                                     _protagonist_rule(False)),
    # a venue conflict counts only when both venues are named within N body characters
    "venue conflict within N chars": ((float("inf"), 1000, 600, 300, 150), _venue_depth),
    # a date or venue conflict costs less when the texts are close (the learned model's sign)
    "cosine x conflict": ((0.0, 0.1, 0.2, 0.3, 0.5), _cosine_conflict),
    # ages of lead sentences about another incident are not the event's
    "ages of other incidents dropped": ((False, True), _other_incidents),
    # a page without a metadata date whose title is a time stamp is dated by it
    "title stamps date the page": ((False, True), _title_stamps),
}


def rules_main(sets: list[Texts], config: Config) -> None:
    for rule, (options, score_of) in RULES.items():
        table: dict[tuple[str, Any], float] = {}
        print(f"== {rule}")
        for t in sets:
            s, memo = t.scored, {}
            for option in options:
                out = score_of(t, option, memo)
                variant, score = out if isinstance(out, tuple) else (s, out)
                r = cluster_with(variant, score, config.same_event_threshold,
                                 config.cluster_threshold)
                table[s.name, option] = figure(s.name, r)
                print(f"  {s.name:<18} {option!s:>6}: figure {table[s.name, option]:.3f} "
                      f"(ARI {r['ari']:.3f} P30 {r['p30']:.3f} R30 {r['r30']:.3f} "
                      f"F1 {r['pairwise_f1']:.3f})", flush=True)
        names = [t.scored.name for t in sets]
        for held in names:
            others = [n for n in names if n != held]
            best = max(options, key=lambda o: (np.mean([table[n, o] for n in others]),
                                               -options.index(o)))
            print(f"  held out {held:<18} chosen {best!s:>6}: {table[held, best]:.3f} "
                  f"(default {table[held, options[0]]:.3f})")


def _pairs_off(labels: dict[str, Any], by: dict[str, Any]) -> int:
    """Pairs within one group of ``labels`` that ``by`` puts in different groups."""
    groups: dict[Any, collections.Counter[Any]] = collections.defaultdict(collections.Counter)
    for doc, label in labels.items():
        groups[label][by[doc]] += 1
    return sum((sum(c.values()) ** 2 - sum(v * v for v in c.values())) // 2
               for c in groups.values())


def ceiling_main(sets: list[Texts]) -> None:
    for t in sets:
        s = t.scored
        result = cluster_scored(s.corpus, s.keys, s.table, s.weight)
        pred = {m: c.id for c in result.clusters for m in c.members}
        gold = {k: v for k, v in s.gold.items() if k in pred}
        undated = {p.id for p, k in zip(s.corpus.records, s.keys) if k.date is None}
        false_pairs = _pairs_off(pred, gold)
        missed = _pairs_off(gold, pred)
        with_undated = 0
        by_story: dict[Any, list[str]] = collections.defaultdict(list)
        for doc, story in pred.items():
            by_story[story].append(doc)
        merges = []
        for members in by_story.values():
            events = collections.Counter(gold[m] for m in members)
            if len(events) > 1:
                merges.append(dict(events))
                with_undated += sum(1 for i, a in enumerate(members) for b in members[i + 1:]
                                    if gold[a] != gold[b] and (a in undated or b in undated))
        now = all_scores(gold, pred)
        no_false = all_scores(gold, {m: (pred[m], gold[m]) for m in pred})
        # every gold event whole: each article joins the story most of its event is in
        home = {}
        for event in set(gold.values()):
            members = [m for m in gold if gold[m] == event]
            home[event] = collections.Counter(pred[m] for m in members).most_common(1)[0][0]
        no_missed = all_scores(gold, {m: home[gold[m]] for m in pred})
        print(f"{s.name}: {len(pred)} articles, {len(undated)} with no date; false pairs "
              f"{false_pairs} ({with_undated} with an undated article) in {len(merges)} "
              f"stories; missed pairs {missed}")
        print(f"  ARI / pairwise F1 now {now['ari']:.3f} / {now['pairwise_f1']:.3f}; no false "
              f"pair {no_false['ari']:.3f} / {no_false['pairwise_f1']:.3f}; no missed pair "
              f"(each event joins its main story) {no_missed['ari']:.3f} / "
              f"{no_missed['pairwise_f1']:.3f}")
        for events in sorted(merges, key=lambda e: -sum(e.values()))[:10]:
            print(f"    merged: {events}")


def fact_pairs(s: Scored, fact: Callable[[EventKey], Any], largest: int = 60
               ) -> set[tuple[int, int]]:
    """Row pairs ``(a, b)``, ``a < b``, whose keys share a value of ``fact(key)`` (values held
    by more than ``largest`` articles left out)."""
    index: dict[Any, list[int]] = collections.defaultdict(list)
    for row, key in enumerate(s.keys):
        for value in fact(key):
            index[value].append(row)
    return {(a, b) for rows in index.values() if len(rows) <= largest
            for i, a in enumerate(rows) for b in rows[i + 1:]}


def candidates_main(sets: list[Texts]) -> None:
    """Gold pairs within 30 days that no candidate source proposes, and how many of them (and
    of other pairs) a candidate source on one shared key fact would add: a street, a block
    address, a person's surname held by at most m articles."""
    for t in sets:
        s = t.scored
        ids = [p.id for p in s.corpus.records]
        days = [s.days.get(i) for i in ids]

        def near(a: int, b: int, days: list[Any] = days) -> bool:
            return (days[a] is None or days[b] is None
                    or abs((days[a] - days[b]).days) <= WINDOW_DAYS)

        proposed = set(zip(s.table.left.tolist(), s.table.right.tolist()))
        members: dict[Any, list[int]] = collections.defaultdict(list)
        for row, doc in enumerate(ids):
            members[s.gold[doc]].append(row)
        gold = {(a, b) for rows in members.values() for i, a in enumerate(rows)
                for b in rows[i + 1:] if near(a, b)}
        df = collections.Counter(p for k in s.keys for p in k.people)
        facts: dict[str, Callable[[EventKey], Any]] = {
            "street": lambda k: k.streets,
            "block address": lambda k: {(k.block[0], w) for w in k.block[1]} if k.block else (),
        }
        for most in (2, 3, 5, 10):
            facts[f"surname in <= {most} articles"] = (
                lambda k, most=most, df=df: {p for p in k.people if df[p] <= most})
        print(f"{s.name}: gold pairs within {WINDOW_DAYS} days {len(gold)}, never proposed "
              f"{len(gold - proposed)}")
        for name, fact in facts.items():
            new = {p for p in fact_pairs(s, fact) if p not in proposed and near(*p)}
            print(f"  {name:<26} new pairs {len(new):>5}: gold {len(new & gold):>4}, "
                  f"other {len(new - gold):>5}")


@contextlib.contextmanager
def fact_rule(most: int, kinds: tuple[str, ...]) -> Iterator[None]:
    """The library's rare-key-fact candidates (:func:`dedup.candidates.key_facts`) with at
    most ``most`` holders (1: none) and the facts of ``kinds`` ("name", "block") only, in
    this process (the batch run reads both through :mod:`dedup.candidates`)."""
    of, facts = candidates.CandidateRules.of, candidates.key_facts

    def rules(config: Config) -> candidates.CandidateRules:
        return dataclasses.replace(of(config), max_fact_holders=most)

    candidates.CandidateRules.of = rules  # type: ignore[method-assign]
    candidates.key_facts = lambda key: [f for f in facts(key) if f[0] in kinds]
    try:
        yield
    finally:
        candidates.CandidateRules.of, candidates.key_facts = of, facts  # type: ignore[method-assign]


FACT_OPTIONS = ((1, ()), (3, ("name", "block")), (5, ("name", "block")),
                (10, ("name", "block")), (5, ("name",)), (5, ("block",)))


def facts_main(files: list[Path]) -> None:
    """Each file clustered by the batch run with each option of :data:`FACT_OPTIONS` (the
    first: no fact pairs; the default: 5 holders, names and blocks); for each file held out,
    the option with the best mean figure on the others (ties: the earlier option)."""
    table: dict[tuple[str, tuple[int, tuple[str, ...]]], float] = {}
    records = {path.name: read_records(path) for path in files}
    for option in FACT_OPTIONS:
        with fact_rule(*option):
            for name, rows in records.items():
                r = score_records(name, rows, Config())
                table[name, option] = figure(name, r)
                print(f"  {name:<18} holders {option[0]:>2} {'+'.join(option[1]) or 'none':<10}"
                      f" figure {table[name, option]:.3f} (ARI {r['ari']:.3f} P30 {r['p30']:.3f}"
                      f" R30 {r['r30']:.3f} F1 {r['pairwise_f1']:.3f})", flush=True)
    for held in records:
        others = [n for n in records if n != held]
        best = max(FACT_OPTIONS, key=lambda o: (np.mean([table[n, o] for n in others]),
                                                -FACT_OPTIONS.index(o)))
        print(f"  held out {held:<18} chosen {best}: {table[held, best]:.3f} "
              f"(none {table[held, FACT_OPTIONS[0]]:.3f})")


def _pairs_within(labels: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every pair of documents that ``labels`` (document -> cluster) puts in one cluster."""
    members: dict[Any, list[str]] = collections.defaultdict(list)
    for doc, label in labels.items():
        members[label].append(doc)
    for docs in members.values():
        for i, a in enumerate(docs):
            for b in docs[i + 1:]:
                yield a, b


def syndication_main(files: list[Path]) -> None:
    from benchmarks.evaluate import predictions
    from benchmarks.sets import jsonl_set, syndication_set
    from dedup import cluster_documents

    labeled = syndication_set([jsonl_set(p) for p in files], 400, 0)
    stories, _ = predictions(cluster_documents(labeled.documents, Config()))
    gold = labeled.stories
    source = {d: str(g).split(":")[0] for d, g in gold.items()}
    false: collections.Counter[str] = collections.Counter()
    for a, b in _pairs_within(stories):
        if gold[a] != gold[b]:
            false[source[a] if source[a] == source[b] else "across sets"] += 1
    days = {d.id: _day(d.published) for d in labeled.documents}
    missed: collections.Counter[str] = collections.Counter()
    within: collections.Counter[str] = collections.Counter()
    for a, b in _pairs_within(gold):
        if stories[a] != stories[b]:
            missed[source[a]] += 1
            da, db = days.get(a), days.get(b)
            if da is None or db is None or abs((da - db).days) <= WINDOW_DAYS:
                within[source[a]] += 1
    all_pairs = all_scores(gold, stories)
    p30, r30, f30 = windowed_prf(gold, stories, days)
    print(f"syndication (400 bases, seed 0): stories P {all_pairs['pairwise_precision']:.3f} "
          f"R {all_pairs['pairwise_recall']:.3f} F1 {all_pairs['pairwise_f1']:.3f}; within "
          f"{WINDOW_DAYS} days P30 {p30:.3f} R30 {r30:.3f} F1_30 {f30:.3f}")
    print(f"  false story pairs by base set: {dict(false)}")
    print(f"  missed story pairs by base set: {dict(missed)}; of them within {WINDOW_DAYS} days "
          f"(or undated): {dict(within)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality_rules",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what",
                        choices=("ceiling", "rules", "candidates", "facts", "syndication"))
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = labeled_files(args.files, least=1 if args.what != "rules" else 2)
    if files is None:
        return 2
    config = Config()
    if args.what == "syndication":
        syndication_main(files)
        return 0
    if args.what == "facts":
        facts_main(files)
        return 0
    sets = [load_texts(f, config) for f in files]
    if args.what == "ceiling":
        ceiling_main(sets)
    elif args.what == "candidates":
        candidates_main(sets)
    else:
        rules_main(sets, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
