"""Output people read (rich tables) and output programs read (JSON, JSONL), from a result.

The JSON schema (version 2) is documented in the README and written down as a JSON Schema in
``dedup/schema/cluster-v2.json``; JSONL has one line per document.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import orjson
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .cluster import UnionFind
from .documents import Skipped
from .result import EVENT, EXACT, NEAR, SINGLE, Cluster, ClusterResult, Link

if TYPE_CHECKING:
    from .explain import Explanation
    from .index import Verdict

T = TypeVar("T")

_KIND_STYLE = {"exact": "bold green", "near-duplicate": "green", "same-event": "cyan", SINGLE: "dim"}


def dumps(value: Any, *, indent: bool = False) -> str:
    """``value`` as JSON text: keys sorted, characters beyond ASCII written as they are, on one
    line (``", "`` and ``": "`` between items, as the json module writes them), or indented
    by two spaces with ``indent``.

    The indented document, which holds every article, cluster and link, is written by
    orjson: about ten times faster than the json module (which took a seventh of a
    clustering run at 9,000 articles) and the same bytes, but for a float under 1e-4
    (``1e-07`` is written ``1e-7``: the same value) and a float that is not a number (json
    writes ``NaN``, which is not JSON; orjson ``null``). Where orjson refuses the value (a
    str holding a lone surrogate, as a file name that is not UTF-8 can give; a key that is
    not a str; an int beyond 64 bits) the json module writes it, as before. One-line JSON is
    small (a JSONL line, a verdict) and is written by the json module: orjson writes it
    without spaces, and its lines stay as they were."""
    if indent:
        try:
            return orjson.dumps(value, option=_INDENTED).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2 if indent else None)


_INDENTED = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2


def to_json(result: ClusterResult) -> str:
    """The whole result as one JSON document (sorted keys, stable across runs)."""
    return dumps(result.to_dict(), indent=True)


def write_json(result: ClusterResult, out: TextIO) -> None:
    """:func:`to_json` and a line end, written to ``out``. To a UTF-8 stream with a byte
    buffer (standard output), orjson's bytes go straight to the buffer, a part at a time:
    the lists of clusters, links and articles item by item, each indented as it sits in the
    document (a JSON string holds no line end, so every line end of an item's text is one
    of its indentation), the same bytes as the whole document (a test compares them) without
    holding it, nor the dictionaries of all articles (a quarter of a gigabyte each at
    200,000 articles)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None or (getattr(out, "encoding", "") or "").lower().replace("-", "") != "utf8":
        out.write(dumps(result.to_dict(), indent=True) + "\n")
        return
    out.flush()
    errors = getattr(out, "errors", None) or "strict"

    def encoded(value: Any, depth: int) -> bytes:
        try:
            data = orjson.dumps(value, option=_INDENTED)
        except orjson.JSONEncodeError:  # as the whole document would be written then
            data = dumps(value, indent=True).encode("utf-8", errors)
        return data.replace(b"\n", b"\n" + b"  " * depth) if depth else data

    fields = sorted(result.fields(), key=lambda field: field[0])  # keys sorted, as orjson's
    buffer.write(b"{\n")
    for number, (name, value) in enumerate(fields):
        buffer.write(b"  " + encoded(name, 0) + b": ")
        if isinstance(value, Iterator):
            started = False
            for chunk in _blocks(encoded(item, 2) for item in value):
                buffer.write((b",\n    " if started else b"[\n    ") + b",\n    ".join(chunk))
                started = True
            buffer.write(b"\n  ]" if started else b"[]")
        else:
            buffer.write(encoded(value, 1))
        buffer.write(b",\n" if number < len(fields) - 1 else b"\n")
    buffer.write(b"}\n")


def jsonl_rows(result: ClusterResult) -> list[dict[str, Any]]:
    """One row per document, sorted by id: its story cluster and the cluster's kind, its
    duplicate group, and its own tier (:meth:`ClusterResult.tiers`)."""
    tiers = result.tiers()
    rows = []
    for cluster in result.clusters:
        for group in cluster.groups:
            for doc_id in group:
                rows.append({
                    "id": doc_id,
                    "cluster": cluster.id,
                    "group": group[0],
                    "kind": cluster.kind,
                    "tier": tiers[doc_id],
                    "cluster_size": len(cluster.members),
                    "group_size": len(group),
                })
    rows.sort(key=lambda r: r["id"])
    return rows


def jsonl_records(result: ClusterResult) -> Iterator[dict[str, Any]]:
    """The lines of ``--format jsonl``: the documents' rows, then ``{"skipped": …}`` and
    ``{"warning": …}`` lines (``$defs/line`` of the JSON Schema)."""
    yield from jsonl_rows(result)
    for skipped in result.skipped:
        yield {"skipped": skipped.to_dict()}
    for warning in result.warnings:
        yield {"warning": warning.to_dict()}


def write_jsonl(result: ClusterResult, out: TextIO) -> None:
    """Write the lines of ``--format jsonl`` (:func:`jsonl_records`), a block at a time."""
    for block in _blocks(dumps(record) for record in jsonl_records(result)):
        out.write("\n".join(block) + "\n")


def _blocks(items: Iterable[T], size: int = 4096) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), written a list at a time."""
    items = iter(items)
    return iter(lambda: list(islice(items, size)), [])


# --------------------------------------------------------------------------------------------
# The table for people

SECTIONS = (EXACT, NEAR, EVENT, SINGLE)  # the order the table lists stories in
_SECTION_TITLE = {
    EXACT: ("Exact copies", "the same text"),
    NEAR: ("Near-duplicates", "copies of one text, edited"),
    EVENT: ("Same event", "different texts about one event"),
    SINGLE: ("Stand alone", ""),
}
WIDE = 120  # from this width, one line per document
NARROW = 60  # below it, dates go under the id


@dataclass(frozen=True)
class Selection:
    """Which stories the table lists (the JSON outputs always hold every document).

    Attributes:
        kinds: the cluster kinds to list (``single`` lists stand-alone documents).
        min_size: list only stories of this many documents or more.
        limit: list at most this many stories (None: all), in table order: exact copies,
            near-duplicates, same-event stories, then stand-alone documents; each by size.
    """

    kinds: frozenset[str] = frozenset({EXACT, NEAR, EVENT})
    min_size: int = 1
    limit: int | None = None


def table_order(result: ClusterResult, selection: Selection = Selection()) -> tuple[list[Cluster], int]:
    """The clusters the table lists, in its order, and how many more the limit leaves out."""
    chosen = [
        c for kind in SECTIONS if kind in selection.kinds
        for c in result.clusters if c.kind == kind and len(c.members) >= selection.min_size
    ]
    if selection.limit is None or len(chosen) <= selection.limit:
        return chosen, 0
    return chosen[:selection.limit], len(chosen) - selection.limit


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _overview(result: ClusterResult) -> Text:
    """One line: what the run found, per kind."""
    count = dict.fromkeys(SECTIONS, 0)
    docs = dict.fromkeys(SECTIONS, 0)
    for c in result.clusters:
        count[c.kind] += 1
        docs[c.kind] += len(c.members)
    parts = []
    if count[EXACT]:
        parts.append(f"{plural(count[EXACT], 'set')} of exact copies "
                     f"({plural(docs[EXACT], 'article')})")
    if count[NEAR]:
        parts.append(f"{plural(count[NEAR], 'set')} of near-duplicates "
                     f"({plural(docs[NEAR], 'article')})")
    if count[EVENT]:
        parts.append(f"{plural(count[EVENT], 'same-event story', 'same-event stories')} "
                     f"({plural(docs[EVENT], 'article')})")
    parts.append(f"{docs[SINGLE]:,} stand alone")
    return Text(f"{plural(result.documents, 'article')}: " + ", ".join(parts), style="bold")


def _heading(cluster: Cluster, number: int) -> Text:
    n, texts = len(cluster.members), len(cluster.groups)
    if cluster.kind == EXACT:
        what, detail = "exact copies", f"{n} articles, one text"
    elif cluster.kind == NEAR:
        what, detail = "near-duplicates", f"{n} copies of one text"
    elif texts == n:
        what, detail = "same event", f"{n} different texts"
    else:
        what, detail = "same event", f"{n} articles, {texts} distinct texts"
    return Text.assemble((f"#{number} ", "bold"), (what, _KIND_STYLE.get(cluster.kind, "")),
                         f" · {detail}")


def event_date_text(event: dict[str, Any] | None) -> str:
    """An event date as people read it: ``2016-03-20``, a range ``2016-03-18–20``; without a
    year ``May 4 (no year)``, ``Apr 29–May 5 (no year)``; ``unknown`` when none was found."""
    date = (event or {}).get("date")
    if not date:
        return "unknown"
    lo, hi = date["from"], date["to"]
    if date["year_known"]:
        if lo == hi:
            return lo
        if lo[:7] == hi[:7]:
            return f"{lo}–{hi[8:]}"
        return f"{lo}–{hi[5:]}" if lo[:4] == hi[:4] else f"{lo} – {hi}"

    def day(value: str) -> str:
        month, number = int(value[2:4]), int(value[5:7])
        return f"{dt.date(2000, month, number):%b} {number}"

    if lo == hi:
        return f"{day(lo)} (no year)"
    end = day(hi)[4:] if lo[2:4] == hi[2:4] else day(hi)  # "Dec 22–28", "Apr 29–May 5"
    return f"{day(lo)}–{end} (no year)"


@dataclass(frozen=True)
class _Columns:
    """What the document tables of one listing show, and how wide, so that the tables of all
    its stories line up."""

    width: int
    event: int
    published: int  # 0: no document shown has a publication date
    source: int  # 0: no document shown has a source
    number: int  # the widest row number


def _columns(result: ClusterResult, clusters: list[Cluster], width: int) -> _Columns:
    details = [result.details.get(doc_id, {}) for c in clusters for doc_id in c.members]
    sizes = [len(c.members) for c in clusters if c.kind != SINGLE]
    return _Columns(
        width=width,
        # An odd long date ("Feb 29–Mar 2 (no year)") wraps rather than widen every table.
        event=min(max((len(event_date_text(d.get("event"))) for d in details), default=0),
                  22 if width >= WIDE else 16),
        published=10 if any(d.get("published") for d in details) else 0,
        source=min(max((len(d.get("source") or "") for d in details), default=0), 24),
        number=len(str(max(sizes, default=1))),
    )


def _document_rows(
    result: ClusterResult, members: list[str], columns: _Columns, numbered: bool = True,
    header: bool = True,
) -> Table:
    """The documents of one story, one numbered row each (the numbers name them in the
    why-lines): the id, never cut; the source; the title on one line, cut; the event date
    (``event_date_text``) and the publication date. One line per document from WIDE
    columns, two below, three below NARROW."""
    width = columns.width
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim",
                  padding=(0, 1), expand=True, show_header=header)
    if numbered:
        table.add_column("", justify="right", no_wrap=True, style="dim", width=columns.number)
    rows = []
    for doc_id in members:
        detail = result.details.get(doc_id, {})
        title = Text(result.titles.get(doc_id) or "(no title)", no_wrap=True, overflow="ellipsis",
                     style="" if result.titles.get(doc_id) else "dim")
        event = event_date_text(detail.get("event"))
        if len(event) > columns.event:  # "(no year)" on a line of its own, not cut
            event = event.replace(" (no year)", "\n(no year)")
        published = (detail.get("published") or "-")[:10]
        source = detail.get("source") or ""
        rows.append((doc_id, title, event, published, source))
    number = [[str(k)] if numbered else [] for k in range(1, len(rows) + 1)]
    if width >= WIDE:
        table.add_column("id", no_wrap=True)
        if columns.source:
            table.add_column("source", no_wrap=True, width=columns.source, style="dim")
        table.add_column("event date", width=columns.event)
        if columns.published:
            table.add_column("published", no_wrap=True, min_width=columns.published)
        table.add_column("title", ratio=1, no_wrap=True, overflow="ellipsis")
        for k, (doc_id, title, event, published, source) in enumerate(rows):
            cells = [Text(doc_id)] + ([Text(source, overflow="ellipsis")] if columns.source else [])
            cells += [event] + ([published] if columns.published else [])
            table.add_row(*number[k], *cells, title)
    elif width >= NARROW:
        table.add_column("id" + (" · source" if columns.source else "") + " / title",
                         overflow="fold", ratio=1)
        table.add_column("event date" + ("\npublished" if columns.published else ""),
                         width=max(columns.event, columns.published))
        for k, (doc_id, title, event, published, source) in enumerate(rows):
            line = Text(doc_id, overflow="fold")
            if source:
                line = Text.assemble(doc_id, "  ", (source, "dim"), no_wrap=True,
                                     overflow="ellipsis")
            when = Text(event)
            if columns.published:
                when.append("\n" + published, style="dim")
            if title.style == "dim":  # no title: one line, not a line saying so
                line = Text.assemble(line, "  ", title, no_wrap=True, overflow="ellipsis")
                table.add_row(*number[k], line, when)
            else:
                table.add_row(*number[k], Group(line, title), when)
    else:
        table.add_column("id / dates" + (" · source" if columns.source else "") + " / title",
                         overflow="fold", ratio=1)
        for k, (doc_id, title, event, published, source) in enumerate(rows):
            # Dates and source wrap at this width rather than be cut.
            dates = Text(f"event {event}" + (f" · published {published}"
                                             if columns.published else ""), style="dim")
            if source:
                dates.append(f" · {source}")
            table.add_row(*number[k], Group(Text(doc_id, overflow="fold"), dates, title))
    return table


def _why_lines(cluster: Cluster, links: list[Link]) -> tuple[Table | None, int]:
    """The links that join the story, one per document added (copies first), each under the
    story with its reason; and how many other links the JSON output lists."""
    row = {doc_id: k for k, doc_id in enumerate((m for g in cluster.groups for m in g), 1)}
    joined = UnionFind(len(row) + 1)
    shown = []
    for link in sorted(links, key=lambda k: (-KIND_RANK[k.kind], row[k.a], row[k.b])):
        if joined.find(row[link.a]) != joined.find(row[link.b]):
            joined.union(row[link.a], row[link.b])
            shown.append(link)
    if not shown:
        return None, 0
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim", justify="right")
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for number, link in enumerate(shown):
        a, b = sorted((row[link.a], row[link.b]))
        grid.add_row("why" if number == 0 else "", f"{a} ↔ {b}",
                     Text(link.evidence["why"], style=_KIND_STYLE.get(link.kind, "")))
    return grid, len(links) - len(shown)


def render_table(
    result: ClusterResult, console: Console, *, selection: Selection = Selection(),
) -> None:
    """The result for people: a line of counts; then the stories ``selection`` chooses,
    exact copies first, then near-duplicates, then same-event stories, each with its
    documents and, indented under it, the links that joined it and why; a line counting the
    stand-alone documents (listed when ``selection`` asks for ``single``); then warnings and
    skipped inputs."""
    width = console.width
    cluster_of = {m: c.id for c in result.clusters for m in c.members}
    by_cluster: dict[str, list[Link]] = {}
    for link in result.links:
        by_cluster.setdefault(cluster_of[link.a], []).append(link)
    chosen, left_out = table_order(result, selection)
    columns = _columns(result, chosen, width - 2)
    console.print(_overview(result))
    section = None
    number = 0
    singles: list[str] = []
    for cluster in chosen:
        if cluster.kind != section:
            section = cluster.kind
            shown = [c for c in chosen if c.kind == section]
            unit = {EXACT: ("set", None), NEAR: ("set", None),
                    EVENT: ("story", "stories")}.get(section, ("article", None))
            name, what = _SECTION_TITLE[section]
            console.print()
            console.rule(Text(f"{name} · {plural(len(shown), *unit)}" + (f": {what}" if what else ""),
                              style="bold"), align="left", style="dim")
        if cluster.kind == SINGLE:
            singles.append(cluster.id)
            continue
        number += 1
        console.print()
        console.print(_heading(cluster, number))
        members = [m for g in cluster.groups for m in g]
        table = _document_rows(result, members, columns, header=cluster is shown[0])
        console.print(Padding(table, (0, 0, 0, 2)))
        why, more = _why_lines(cluster, by_cluster.get(cluster.id, []))
        if why is not None:
            console.print(Padding(why, (0, 0, 0, 2)))
        if more:
            console.print(Padding(Text(f"and {plural(more, 'more link')} between these "
                                       "copies (--format json lists every link)", style="dim"),
                                  (0, 0, 0, 6)))
    if singles:
        console.print()
        console.print(Padding(_document_rows(result, singles, columns, numbered=False),
                              (0, 0, 0, 2)))
    console.print()
    if left_out:
        hidden = table_order(result, replace(selection, limit=None))[0][len(chosen):]
        alone = sum(c.kind == SINGLE for c in hidden)
        parts = ([plural(len(hidden) - alone, "more story", "more stories")]
                 if len(hidden) > alone else [])
        parts += [plural(alone, "stand-alone article")] if alone else []
        console.print(Text(" and ".join(parts) + " not shown (--limit)", style="bold"))
    alone = sum(c.kind == SINGLE for c in result.clusters)
    if alone and SINGLE not in selection.kinds:
        console.print(Text(f"{plural(alone, 'article')} stand{'s' * (alone == 1)} alone "
                           "(--show-singles lists them)"))
    if result.warnings:
        console.print()
        console.print(Text(f"{plural(len(result.warnings), 'warning')}: a field that could not be "
                           "used (the article was clustered without it)", style="bold"))
        for w in result.warnings:
            console.print(Padding(Text(w.id, overflow="fold"), (0, 0, 0, 2)))
            console.print(Padding(Text.assemble(w.field, " ", (repr(w.value), "bold"), ": ",
                                                w.reason), (0, 0, 0, 6)))
    if result.skipped:
        console.print()
        console.print(Text(f"{plural(len(result.skipped), 'input')} skipped", style="bold"))
        for item in result.skipped:
            where = item.path + ("" if item.line is None else f", line {item.line}")
            console.print(Padding(Text(where, overflow="fold"), (0, 0, 0, 2)))
            console.print(Padding(Text(item.reason), (0, 0, 0, 6)))


KIND_RANK = {EVENT: 0, NEAR: 1, EXACT: 2}


# --------------------------------------------------------------------------------------------
# Index verdicts

_VERDICT_WORDS = {
    "new": "new",
    "exact": "exact copy of",
    "near-duplicate": "near-duplicate of",
    "same-event": "same event as story",
}


def render_verdicts(verdicts: Sequence[Verdict], skipped: Sequence[Skipped], console: Console) -> None:
    """The index's verdicts, one article each: its id, what it is (new, a copy of an indexed
    article, another report of an indexed story) and why. Ids are never cut."""
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    console.print(Text(f"{plural(len(verdicts), 'verdict')}: "
                       + ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items())),
                       style="bold"))
    table = Table(box=None, pad_edge=False, header_style="dim", padding=(0, 1))
    table.add_column("verdict", no_wrap=True)
    table.add_column("article · what it matched · why", overflow="fold")
    for v in verdicts:
        lines: list[Text] = [Text(v.id, overflow="fold")]
        other = v.original if v.status in (EXACT, NEAR) else v.story if v.status == EVENT else None
        if other:
            lines.append(Text.assemble((_VERDICT_WORDS.get(v.status, v.status) + " ", "dim"),
                                       Text(other, overflow="fold")))
        if v.evidence.get("why"):
            lines.append(Text(v.evidence["why"], style=_KIND_STYLE.get(v.status, "")))
        table.add_row(Text(v.status, style=_KIND_STYLE.get(v.status, "")), Group(*lines))
    console.print(table)
    for item in skipped:
        console.print(Text(f"skipped {item.path}" + (f":{item.line}" if item.line else "")
                           + f": {item.reason}"))


# --------------------------------------------------------------------------------------------
# dedup explain

_BASIS = {
    "explicit": "a date in the lead",
    "weekday": "a weekday in the lead",
    "relative": "'yesterday'/'today' in the lead",
    "metadata": "the days up to its publication date",
    "dateline": "the days up to its dateline's date",
}
_PART_NAMES = {
    "cosine": "body cosine",
    "head_cosine": "headline and lead cosine",
    "people": "people overlap",
    "date": "date",
    "place": "venue",
    "ages": "ages",
    "outcome": "outcome (died / lives)",
}


def render_explanation(explanation: Explanation, console: Console) -> None:
    """An :class:`~dedup.explain.Explanation` for people: the verdict, the two articles side
    by side (event keys), then each rule in the order the pipeline applies them."""
    e = explanation
    a, b = e.a, e.b
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    head.add_row("A", Text(a["id"]))
    head.add_row("B", Text(b["id"]))
    head.add_row("verdict", Text.assemble((e.verdict["relation"], "bold cyan"), " · ",
                                          e.verdict["why"]))
    console.print(head)
    console.print()
    letter = {a["id"]: "A", b["id"]: "B"}
    # Side by side where two columns fit; else A's facts, then B's.
    narrow = console.width < NARROW + 10
    sides = [Table(box=None, pad_edge=False, header_style="dim", padding=(0, 1))
             for _ in range(2 if narrow else 1)]
    for table, heading in zip(sides, ("A", "B") if narrow else ("",)):
        table.add_column(heading, style="dim", no_wrap=True)
        for column in ("A", "B") if not narrow else ("",):
            table.add_column(column, overflow="fold", ratio=1)

    def both(label: str, value: Callable[[dict[str, Any]], str]) -> None:
        if narrow:
            sides[0].add_row(label, Text(value(a)))
            sides[1].add_row(label, Text(value(b)))
        else:
            sides[0].add_row(label, Text(value(a)), Text(value(b)))

    def event(side: dict[str, Any], field: str) -> Any:
        return (side.get("event") or {}).get(field)

    both("title", lambda s: s.get("title") or "(no title)")
    both("source", lambda s: s.get("source") or "-")
    both("published", lambda s: (s.get("published") or "-")[:10])
    both("event date", lambda s: event_date_text(s.get("event")))
    both("  placed by", lambda s: _BASIS.get((event(s, "date") or {}).get("basis", ""), "-"))
    both("people", lambda s: ", ".join(event(s, "people") or []) or "-")
    both("organisations", lambda s: ", ".join(event(s, "organisations") or []) or "-")
    both("venue", lambda s: event(s, "venue") or "-")
    both("other places", lambda s: ", ".join(event(s, "places") or []) or "-")
    both("tier", lambda s: s["tier"])
    for table in sides:
        console.print(table)
        console.print()
    # Where each one is: ids are long, so one line each, never folded beside the other.
    placed_in = Table.grid(padding=(0, 1))
    placed_in.add_column(style="dim", no_wrap=True, min_width=13)
    placed_in.add_column(style="bold", no_wrap=True)
    placed_in.add_column(overflow="fold")
    for label, key, kind in (("story", "cluster", "cluster_kind"), ("copy group", "group", None)):
        for letter_, side in (("A", a), ("B", b)):
            size = side[f"{key}_size"]
            what = f"{side[kind]}, {plural(size, 'article')}" if kind else plural(size, "article")
            placed_in.add_row(label if letter_ == "A" else "", letter_,
                              Text.assemble(side[key], (f" ({what})", "dim")))
    console.print(placed_in)
    console.print()

    steps = Table(box=None, pad_edge=False, show_header=False, padding=(0, 1))
    steps.add_column(style="bold", no_wrap=True)
    steps.add_column(overflow="fold")
    sources = e.candidates["sources"]
    found = [name for name, yes in sources.items() if yes]
    terms = e.candidates["shared_terms"]
    limit = e.config["max_block_size"]
    counted = [t for t in terms if t["documents"] <= limit]
    shared = (f"{plural(len(counted), 'shared salient term')}"
              + (f": {', '.join(t['term'] for t in counted[:12])}" if counted else "")
              + (f"; {len(terms) - len(counted)} more held by over {limit} articles, which do "
                 "not count" if len(terms) > len(counted) else ""))
    rare = [f"{f['fact']} ({plural(f['documents'], 'article')})"
            for f in e.candidates.get("shared_facts", ()) if f["rare"]]
    if rare:
        shared += f"; {plural(len(rare), 'rare key fact')}, which blocking pairs on: " \
                  + ", ".join(rare)
    steps.add_row("candidates", ("proposed by " + ", ".join(found) if found
                                 else "proposed by no source") + f" ({shared})")
    window = e.candidates["window"]
    if window["apart"] is None:
        undated = [name for name, side in (("A", "a"), ("B", "b")) if window[side] is None]
        steps.add_row("date window", f"not applied: {' and '.join(undated)} "
                      f"{'has' if len(undated) == 1 else 'have'} no publication date with a year")
    else:
        steps.add_row("date window", f"published {window['a']} and {window['b']}, "
                      f"{plural(window['apart'], 'day')} apart: "
                      + ("inside" if window["inside"] else "outside")
                      + f" the {window['days']}-day window (--window-days)")
    steps.add_row("compared", "yes" if e.candidates["compared"] else
                  ("no: the later article had its max_partners blocking partners before it, "
                   "all sharing more salient terms; " if e.candidates.get("capped") else "no: ")
                  + "the numbers below were computed for this explanation only")
    copy = e.copy
    held = copy["containment"] >= copy["threshold"] > copy["jaccard"]
    void = [f"the shorter text has {copy['shorter_shingles']} shingles, fewer than "
            f"{copy['min_shingles']}"] if copy["shorter_shingles"] < copy["min_shingles"] else []
    if copy["head_cosine"] < copy["min_head_cosine"]:
        void.append(f"the openings differ (headline and lead cosine {copy['head_cosine']:.3f} "
                    f"< {copy['min_head_cosine']})")
    steps.add_row("copy rule", ("copies: the same text" if copy["same_text"] else
                                f"shingle jaccard {copy['jaccard']:.3f}, containment of the "
                                f"shorter text {copy['containment']:.3f}"
                                + (" ≥" if copy["copies"] or held else " <")
                                + f" {copy['threshold']} (--near-duplicate-threshold)"
                                + (f", but containment does not count: {' and '.join(void)}"
                                   if held and not copy["copies"] else "")
                                + (": copies" if copy["copies"] else ": not copies")))
    ev = e.event
    facts = ev["evidence"]
    details = {
        "cosine": f"{ev['scores']['cosine']:.3f} × {ev['weights']['cosine']:g}",
        "head_cosine": f"{ev['scores']['head_cosine']:.3f} × {ev['weights']['head_cosine']:g}",
        "people": f"{ev['scores']['people']:.3f} × {ev['weights']['people']:g}"
                  + (f" ({', '.join(facts['people'])})" if facts["people"] else ""),
        "date": facts["date"]["relation"] + (f" ({facts['date']['value']})"
                                             if facts["date"]["value"] else ""),
        "place": facts["place"]["relation"] + (f" ({facts['place']['value']})"
                                               if facts["place"]["value"] else ""),
        "ages": facts.get("ages", {}).get("relation", "unknown") + (
            f" ({facts['ages']['value']})" if facts.get("ages", {}).get("value") else ""),
        "outcome": facts.get("outcome", {}).get("relation", "unknown") + (
            f" ({facts['outcome']['value']})" if facts.get("outcome", {}).get("value") else ""),
    }
    parts = Table.grid(padding=(0, 1))
    parts.add_column(justify="right", no_wrap=True)
    parts.add_column(no_wrap=True, style="dim")
    parts.add_column(overflow="fold")
    for name, value in ev["parts"].items():
        if name in ("ages", "outcome") and not value:
            continue  # no ages in common or apart, no outcome conflict: nothing to show
        parts.add_row(f"{value:+.3f}", _PART_NAMES[name], details[name])
    parts.add_row(Text(f"{ev['score']:.3f}", style="bold"), "score",
                  ("≥" if ev["score"] >= ev["threshold"] else "<")
                  + f" {ev['threshold']} (--same-event-threshold, for two stand-alone texts)")
    steps.add_row("same-event score", parts)
    placed = e.clustering
    if placed["same_cluster"]:
        chain = Table.grid(padding=(0, 1))
        chain.add_column(overflow="fold")
        for link in placed["path"]:
            ends = f"{letter.get(link['a'], link['a'])} ↔ {letter.get(link['b'], link['b'])}"
            chain.add_row(Text.assemble((ends, "dim"), "  ",
                                        (link["evidence"]["why"], _KIND_STYLE.get(link["kind"], ""))))
        steps.add_row("clustering", Group(Text("one copy group, joined by:" if placed["same_group"]
                                               else "one story, joined by:"), chain))
    else:
        held = placed["held_apart_by"]
        line = (f"two stories; the average score between them is {placed['average']:.3f} over "
                f"{plural(placed['pairs'], 'article pair')} ({placed['compared']} compared, the "
                f"rest count 0), "
                + ("below" if held == "average" else "reaching")
                + f" {placed['cluster_threshold']} (--cluster-threshold)")
        if held == "pair":
            line += (f"; both are single texts, so one pair must score "
                     f"{placed['same_event_threshold']}: the best scores {placed['best']:.3f}")
        steps.add_row("clustering", line)
    console.print(steps)


def verdicts_document(verdicts: Sequence[Verdict], skipped: Sequence[Skipped]) -> dict[str, Any]:
    """What ``dedup index add|check --format json`` prints: every verdict and skipped input
    (schema ``dedup/schema/index-v1.json``)."""
    return {"schema": INDEX_SCHEMA_VERSION, "verdicts": [v.to_dict() for v in verdicts],
            "skipped": [item.to_dict() for item in skipped]}


# 1: `dedup index add|check --format json` (dedup/schema/index-v1.json).
INDEX_SCHEMA_VERSION = 1
