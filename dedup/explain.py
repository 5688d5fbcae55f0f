"""Why two documents were joined, or kept apart: for a user who disagrees with a verdict.

:func:`explain_pair` runs the batch pipeline once, as :func:`dedup.cluster_documents` does, and
then asks the pipeline's own functions about one pair: whether a candidate source proposed it
(:func:`~dedup.pipeline.candidate_sources`), whether the date window let it through
(:func:`~dedup.pipeline.in_window`), its Jaccard and cosines
(:func:`~dedup.pairs.measured_pairs`, the batch's own measures with the run's name
weights), the copy rule (:func:`~dedup.copies.copy_rule`), its
same-event score part by part (:func:`~dedup.scoring.score_parts`), and how the clustering
placed the two (the links that joined them, or the average score between their stories).
Nothing here decides anything: every verdict is the pipeline's.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from .candidates import (
    BLOCKING,
    LSH,
    SAME_TEXT,
    CandidateRules,
    candidate_sources,
    in_window,
    key_facts,
    publication_day,
)
from .cluster import cluster_scored
from .config import Config
from .copies import MIN_CONTAINED_SHINGLES, MIN_LEAD_COSINE, copy_rule
from .documents import Document, Progress, Skipped
from .errors import InputError
from .events import (
    NO_SPAN,
    SURE_CONFLICT_DAYS,
    EventKey,
    Span,
    joined_span,
    span_conflict,
    sure_span,
)
from .pairs import PairScorer, features, measured_pairs, score_candidates
from .pipeline import build_corpus, checked_arguments, gc_paused, scored_keys
from .result import EVENT, EXACT, NEAR, Cluster, ClusterResult, Link
from .scoring import (
    DATE_CODES,
    PLACE_CODES,
    W_COSINE,
    W_HEAD,
    evidence,
    people_weight,
    score_parts,
)
from .similarity import tfidf, top_terms

# 1: the first version of `dedup explain --format json` (dedup/schema/explain-v1.json).
EXPLAIN_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Explanation:
    """Everything that decided how two documents relate (see :func:`explain_pair`).

    Attributes:
        a, b: each document's record: id, title, source, published, tier, event key and text
            record (as in the JSON output's ``articles``), with its ``cluster`` (story id)
            and ``group`` (duplicate group id).
        verdict: ``relation`` (``copies``: one duplicate group; ``same story``: one story
            cluster, different texts; ``apart``) and one line, ``why``.
        candidates: ``sources``: which candidate source proposed the pair (``same text``,
            ``minhash-lsh``, ``blocking``), ``shared_terms``: the salient terms both have
            (with how many documents have each among theirs; blocking ignores terms held by
            more than ``max_block_size``), ``shared_facts``: the key facts both give (a
            surname, a block address; with how many documents give each, and ``rare``:
            whether it pairs them, which blocking does too), ``window``: the publication
            dates the date window
            compares and whether it let the pair through, ``compared``: whether the
            pipeline scored the pair at all, and ``capped``: whether blocking alone proposed
            it but the later document had ``max_partners`` partners before it sharing more
            salient terms (so it was not compared).
        copy: the copy rule: ``same_text``, ``jaccard``, ``containment`` (of the shorter
            text in the longer), ``shorter_shingles`` and ``min_shingles`` (the minimum
            length for containment), ``threshold`` and ``copies``.
        event: the same-event score: the measures (``scores``, as in a link), the evidence
            (date, people, place relations), ``parts``: what each part adds (``weights``
            each is multiplied by), ``score`` and ``threshold`` (the score two stand-alone
            texts need).
        clustering: how the clustering placed the two: ``path``, the links that join them
            (empty when apart), or, when apart, the ``average`` score between their stories
            over ``pairs`` document pairs (``compared`` of them scored, pairs never compared
            count 0), the ``threshold`` it must reach, whether both stories are one text
            each (``single_texts``: then their ``best`` pair must also reach the same-event
            threshold).
        config: the configuration used.
    """

    a: dict[str, Any]
    b: dict[str, Any]
    verdict: dict[str, Any]
    candidates: dict[str, Any]
    copy: dict[str, Any]
    event: dict[str, Any]
    clustering: dict[str, Any]
    config: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The explanation as ``dedup explain --format json`` prints it."""
        from . import __version__

        return {"schema": EXPLAIN_SCHEMA_VERSION, "version": __version__, **asdict(self)}


def resolve_id(ids: Sequence[str], wanted: str) -> str:
    """The document id ``wanted`` names: itself, else the one id it starts (a unique prefix:
    ``001`` for ``001_3c3691ab191d1581.txt``). Raises InputError, naming the ids it could
    mean, when none or several match."""
    if wanted in ids:
        return wanted
    starting = [i for i in ids if i.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        shown = ", ".join(starting[:5]) + (", ..." if len(starting) > 5 else "")
        raise InputError(f"'{wanted}' starts {len(starting)} document ids ({shown}): give more of it.")
    import difflib

    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"No document has the id '{wanted}'.{hint}")


def explain_pair(
    documents: Iterable[Document],
    a: str,
    b: str,
    config: Config | None = None,
    *,
    skipped: Sequence[Skipped] = (),
    progress: Progress | None = None,
) -> Explanation:
    """Explain how documents ``a`` and ``b`` relate in the clustering of ``documents``.

    Args:
        documents: the articles, as for :func:`dedup.cluster_documents` (the relation of two
            documents depends on the others: term weights, common names, the stories
            around them).
        a, b: two document ids, or unique prefixes of them.
        config: settings; ``Config()`` by default. Use the run's own to explain its verdict.
        skipped: passed through, as for :func:`dedup.cluster_documents`.
        progress: optional ``callback(stage, done, total)``.

    Raises:
        InputError: an id names no document, or several, or both name the same one.
    """
    config = checked_arguments(documents, config)
    report = progress or (lambda stage, done, total: None)
    with gc_paused():
        corpus, failed = build_corpus(documents, config, report)
        records = corpus.records
        ids = [p.id for p in records]
        a, b = resolve_id(ids, a), resolve_id(ids, b)
        if a == b:
            raise InputError(f"Both ids name the same document, '{a}': give two documents.")
        keys = scored_keys(corpus)
        table, weight = score_candidates(corpus, records, keys, config, report)
        # a copy: the clustering renumbers its table in place, and _placement reads this one
        result = cluster_scored(corpus, keys, replace(table), weight,
                                skipped=[*skipped, *failed],
                                report=report)

        row = {doc_id: k for k, doc_id in enumerate(ids)}
        lo, hi = sorted((row[a], row[b]))
        left, right = np.array([lo]), np.array([hi])
        signatures, shingle_counts = corpus.finish()
        body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix())
        sources = candidate_sources(records, signatures, body, config, capped=False, keys=keys)
        proposed = {name: bool(np.any((pairs[:, 0] == lo) & (pairs[:, 1] == hi)))
                    for name, pairs in sources.items()}
        # whether the run scored the pair: its table holds every pair it compared
        scored = bool(np.any(((table.left == lo) & (table.right == hi))
                             | ((table.left == hi) & (table.right == lo))))
        inside = bool(in_window(keys, left, right, config)[0])
        one = measured_pairs(signatures, corpus.leads(), shingle_counts, body, heads,
                             PairScorer(keys, config, weight), left, right)
        salient = top_terms(body, config.salient_terms)
        words = corpus.vocabulary.words
    jaccard, cosine, head_cosine = one.jaccard, one.cosine, one.head_cosine
    containment, shorter = one.containment, one.shorter
    feats = features(one, 0, keys, weight, config)
    same_text = records[lo].exact == records[hi].exact
    copies = bool(copy_rule(np.array([same_text]), jaccard, containment, shorter, head_cosine,
                            config)[0])
    kind = EXACT if same_text else NEAR if copies else EVENT
    scores, facts = evidence(feats, kind)
    date, place = np.array([DATE_CODES.index(feats.date)]), np.array([PLACE_CODES.index(feats.place)])
    parts = {name: round(float(v[0]), 3) for name, v in score_parts(
        cosine, head_cosine, one.people, date, place, one.ages, one.outcome).items()}

    day = {doc: publication_day(keys[row[doc]]) for doc in (a, b)}
    shared = np.intersect1d(salient[lo].indices, salient[hi].indices)
    held = np.asarray(salient[:, shared].sum(axis=0)).ravel() if len(shared) else np.zeros(0)
    terms = sorted(
        ({"term": words[t], "documents": int(n)} for t, n in zip(shared.tolist(), held.tolist())),
        key=lambda t: (t["documents"], t["term"]),
    )
    # proposed by blocking alone, inside the window, but not among the max_partners strongest
    # partners of the later document
    capped = (proposed[BLOCKING] and inside and not scored
              and not (proposed[SAME_TEXT] or proposed[LSH]))
    candidates = {
        "sources": proposed,
        "shared_terms": terms,
        "shared_facts": _shared_facts(keys, lo, hi, CandidateRules.of(config)),
        "window": {
            "days": config.window_days,
            "a": _day(keys[row[a]]) if day[a] >= 0 else None,
            "b": _day(keys[row[b]]) if day[b] >= 0 else None,
            "apart": abs(day[a] - day[b]) if day[a] >= 0 and day[b] >= 0 else None,
            "inside": inside,
        },
        "compared": any(proposed.values()) and inside and not capped,
        "capped": capped,
    }
    copy = {"same_text": bool(same_text), "jaccard": scores["jaccard"],
            "containment": round(float(containment[0]), 3), "shorter_shingles": int(shorter[0]),
            "min_shingles": MIN_CONTAINED_SHINGLES, "head_cosine": round(float(head_cosine[0]), 3),
            "min_head_cosine": MIN_LEAD_COSINE,
            "threshold": config.near_duplicate_threshold, "copies": copies}
    event = {
        "scores": scores,
        "evidence": {k: v for k, v in facts.items() if k != "why"},
        "weights": {"cosine": W_COSINE, "head_cosine": W_HEAD,
                    "people": float(people_weight(date, place)[0])},
        "parts": parts,
        "score": scores["score"],
        "threshold": config.same_event_threshold,
    }
    clustering = _placement(result, a, b, table, row, config, keys)
    return Explanation(
        a=_side(result, a), b=_side(result, b),
        verdict=_verdict(clustering, candidates, copy, event),
        candidates=candidates, copy=copy, event=event, clustering=clustering,
        config=asdict(config),
    )


def _shared_facts(keys: Sequence[EventKey], lo: int, hi: int, rules: CandidateRules
                  ) -> list[dict[str, Any]]:
    """The :func:`~dedup.candidates.key_facts` of both keys, as people read them, with how many
    of ``keys`` give each and whether that few pairs them (blocking's rare facts)."""
    both = set(key_facts(keys[lo])) & set(key_facts(keys[hi]))
    held = {fact: 0 for fact in both}
    for key in keys:
        for fact in key_facts(key):
            if fact in held:
                held[fact] += 1

    def name(fact: tuple[Any, ...]) -> str:
        if fact[0] == "name":
            return keys[lo].names.get(fact[1], fact[1])
        return f"the {fact[1]} block ({fact[2]})"

    return sorted(({"fact": name(f), "documents": n, "rare": rules.rare_fact(n)}
                   for f, n in held.items()), key=lambda f: (f["documents"], f["fact"]))


def _day(key: Any) -> str:
    return key.published.isoformat()


def _side(result: ClusterResult, doc_id: str) -> dict[str, Any]:
    (record,) = [r for r in result.articles() if r["id"] == doc_id]
    cluster = result.cluster_of()[doc_id]
    group = next(g for g in cluster.groups if doc_id in g)
    return {**record, "cluster": cluster.id, "cluster_kind": cluster.kind,
            "cluster_size": len(cluster.members), "group": group[0], "group_size": len(group)}


def _placement(
    result: ClusterResult, a: str, b: str, table: Any, row: dict[str, int], config: Config,
    keys: Sequence[Any],
) -> dict[str, Any]:
    """Where the clustering put ``a`` and ``b``: the chain of links joining them, or what
    kept their two stories apart: confident dates that conflict, else the average score
    between them (``table``: the scored candidate pairs, rows numbered as ``row``)."""
    of = result.cluster_of()
    ca, cb = of[a], of[b]
    out: dict[str, Any] = {"same_cluster": ca.id == cb.id, "same_group": False, "path": [],
                           "cluster_threshold": config.cluster_threshold,
                           "same_event_threshold": config.same_event_threshold}
    if ca.id == cb.id:
        group = next(g for g in ca.groups if a in g)
        # Copies are joined by copy links alone; other members of a story by any link.
        kinds = {EXACT, NEAR} if b in group else {EXACT, NEAR, EVENT}
        out["same_group"] = b in group
        out["path"] = [link.to_dict() for link in _path(result.links, ca, a, b, kinds)]
        return out
    in_a = np.zeros(len(row), dtype=bool)
    in_b = np.zeros(len(row), dtype=bool)
    in_a[[row[m] for m in ca.members]] = True
    in_b[[row[m] for m in cb.members]] = True
    across = (in_a[table.left] & in_b[table.right]) | (in_b[table.left] & in_a[table.right])
    pairs = len(ca.members) * len(cb.members)
    scores = table.score[across]
    average = float(scores.sum()) / pairs
    best = float(scores.max()) if len(scores) else None
    single_texts = len(ca.groups) == 1 and len(cb.groups) == 1
    span_a, span_b = (_story_span([keys[row[m]] for m in c.members]) for c in (ca, cb))
    dates = addresses = None
    conflict = span_conflict(span_a, span_b, SURE_CONFLICT_DAYS)
    if conflict == "dates":
        held_by = "dates"  # each story states its date with confidence, and they conflict
        dates = {"a": _span_label(span_a), "b": _span_label(span_b),
                 "tolerance_days": SURE_CONFLICT_DAYS}
    elif conflict == "address":
        held_by = "address"  # each story gives a block address, and they cannot be one
        addresses = {"a": _blocks_label(span_a), "b": _blocks_label(span_b)}
    elif conflict == "round-up":
        held_by = "round-up"  # each story holds a round-up of several incidents
    elif average < config.cluster_threshold:
        held_by = "average"  # the stories' average score stays below the cluster threshold
    elif single_texts and (best is None or best < config.same_event_threshold):
        held_by = "pair"  # two single texts need one pair at the same-event threshold
    else:
        held_by = None
    out.update({
        "average": round(average, 3), "pairs": pairs, "compared": int(across.sum()),
        "best": None if best is None else round(best, 3), "single_texts": single_texts,
        "held_apart_by": held_by,
    })
    if dates is not None:
        out["dates"] = dates
    if addresses is not None:
        out["addresses"] = addresses
    return out


def _story_span(keys: Sequence[Any]) -> Span:
    span = NO_SPAN
    for key in keys:
        span = joined_span(span, sure_span(key))
    return span


def _span_label(span: Span) -> str:
    lo, hi = (dt.date.fromordinal(d).isoformat() for d in span[:2])
    return lo if lo == hi else f"{lo}..{hi}"


def _blocks_label(span: Span) -> list[str]:
    return sorted(f"{number} block of {' '.join(sorted(words))}" for number, words in span.blocks)


def _path(links: list[Link], cluster: Cluster, a: str, b: str, kinds: set[str]) -> list[Link]:
    """The shortest chain of links of ``kinds`` from ``a`` to ``b`` inside ``cluster`` (links
    in id order, so the chain is deterministic)."""
    members = set(cluster.members)
    near: dict[str, list[Link]] = {}
    for link in links:
        if link.a in members and link.kind in kinds:
            near.setdefault(link.a, []).append(link)
            near.setdefault(link.b, []).append(link)
    came: dict[str, Link | None] = {a: None}
    queue = deque([a])
    while queue:
        doc = queue.popleft()
        if doc == b:
            break
        for link in near.get(doc, []):
            other = link.b if link.a == doc else link.a
            if other not in came:
                came[other] = link
                queue.append(other)
    chain: list[Link] = []
    doc = b
    while came.get(doc) is not None:
        link = came[doc]
        chain.append(link)
        doc = link.a if link.b == doc else link.b
    return chain[::-1]


def _verdict(
    clustering: dict[str, Any], candidates: dict[str, Any], copy: dict[str, Any],
    event: dict[str, Any],
) -> dict[str, Any]:
    """The relation and one line saying what decided it, from the facts gathered."""
    path = clustering["path"]
    if clustering["same_cluster"]:
        relation = "copies" if clustering["same_group"] else "same story"
        if len(path) == 1:
            why = f"joined directly: {path[0]['evidence']['why']}"
        else:
            why = f"joined through {len(path) - 1} other document{'s' * (len(path) > 2)}: " \
                  + " → ".join(link["kind"] for link in path)
        return {"relation": relation, "why": why}
    if not candidates["compared"]:
        if candidates["capped"]:
            why = ("never compared: two shared salient terms, but the later article had its "
                   "full share of partners before it sharing more (max_partners)")
        elif not any(candidates["sources"].values()):
            why = ("never compared: no candidate source proposed the pair (not the same text, "
                   "no shared LSH band, fewer than two shared salient terms that count)")
        else:
            window = candidates["window"]
            why = (f"never compared: published {window['apart']} days apart, more than the "
                   f"{window['days']}-day window")
        return {"relation": "apart", "why": why}
    not_copies = (f"compared; not copies (jaccard {copy['jaccard']:.3f}, containment "
                  f"{copy['containment']:.3f} < {copy['threshold']})")
    if clustering["held_apart_by"] == "dates":
        dates = clustering["dates"]
        why = (f"{not_copies}; kept apart by their dates: each story states its event's date "
               f"with confidence, {dates['a']} ≠ {dates['b']} (more than "
               f"{dates['tolerance_days']} days apart)")
    elif clustering["held_apart_by"] == "address":
        places = clustering["addresses"]
        why = (f"{not_copies}; kept apart by their addresses: "
               f"{', '.join(places['a'])} ≠ {', '.join(places['b'])}")
    elif clustering["held_apart_by"] == "round-up":
        why = (f"{not_copies}; kept apart as round-ups: each story holds an article that "
               "reports several incidents, and two round-ups are never one story")
    elif clustering["held_apart_by"] == "average":
        why = (f"{not_copies}; the average score between their stories, "
               f"{clustering['average']:.3f} over {clustering['pairs']} document pairs, is below "
               f"the cluster threshold {clustering['cluster_threshold']}")
    elif clustering["held_apart_by"] == "pair":
        why = (f"{not_copies}; two single texts need one pair scoring "
               f"{clustering['same_event_threshold']}: their best pair scores "
               f"{clustering['best']:.3f}")
    else:
        why = f"{not_copies}; the clustering kept their stories apart"
    return {"relation": "apart", "why": why}


__all__ = ["EXPLAIN_SCHEMA_VERSION", "Explanation", "explain_pair", "resolve_id", "SAME_TEXT",
           "LSH", "BLOCKING"]
