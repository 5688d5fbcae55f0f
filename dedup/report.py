"""Output people read (rich tables) and output programs read (JSON, JSONL), from a result.

The JSON schema (version 2) is documented in the README and written down as a JSON Schema in
``dedup/schema/cluster-v2.json``; JSONL has one line per document.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .result import EVENT, SINGLE, ClusterResult, Link

_KIND_STYLE = {"exact": "bold green", "near-duplicate": "green", "same-event": "cyan", SINGLE: "dim"}


def to_json(result: ClusterResult) -> str:
    """The whole result as one JSON document (sorted keys, stable across runs)."""
    return json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True, indent=2)


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
    for record in jsonl_records(result):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def render_table(result: ClusterResult, console: Console, *, show_singles: bool = False) -> None:
    """One small table per story cluster (members by duplicate group: id, title, source, date),
    with each link that joined it and why underneath; singletons summarised."""
    cluster_of = {m: c.id for c in result.clusters for m in c.members}
    by_cluster: dict[str, list[Link]] = {}
    for link in result.links:
        by_cluster.setdefault(cluster_of[link.a], []).append(link)
    has_source = any(d.get("source") for d in result.details.values())

    console.print(f"[bold]dedup[/bold]: {result.documents} documents")
    singles = [c for c in result.clusters if c.kind == SINGLE]
    number = 0
    for cluster in result.clusters:
        if cluster.kind == SINGLE:
            continue
        number += 1
        style = _KIND_STYLE.get(cluster.kind, "")
        table = Table(
            title=Text.assemble(f"#{number} ", (cluster.kind, style),
                                f" · {len(cluster.members)} article(s) · "
                                f"{len(cluster.groups)} text(s)"),
            title_justify="left", expand=False,
        )
        table.add_column("group", justify="right")
        table.add_column("id", overflow="fold", max_width=34)
        table.add_column("title", overflow="fold", ratio=3)
        if has_source:
            table.add_column("source", overflow="fold", max_width=20)
        table.add_column("date", no_wrap=True)
        for g, group in enumerate(cluster.groups, 1):
            for doc_id in group:
                detail = result.details.get(doc_id, {})
                row = [str(g), doc_id, result.titles.get(doc_id, "")]
                if has_source:
                    row.append(detail.get("source") or "")
                row.append((detail.get("published") or "")[:10]
                           or event_date_text(detail.get("event")))
                table.add_row(*(Text(cell) for cell in row))  # titles and ids are not markup
        console.print(table)
        links = sorted(by_cluster.get(cluster.id, []), key=lambda k: (KIND_RANK[k.kind], k.a, k.b))
        for link in links:
            console.print(
                Text.assemble("  ", (f"{link.a} ↔ {link.b}", "dim"), "  ",
                              (link.evidence["why"], _KIND_STYLE.get(link.kind, "")))
            )
        console.print()
    if show_singles and singles:
        table = Table(title="stand-alone articles", title_justify="left")
        table.add_column("id", overflow="fold", max_width=34)
        table.add_column("title", overflow="fold", ratio=3)
        table.add_column("date", no_wrap=True)
        for cluster in singles:
            doc_id = cluster.id
            detail = result.details.get(doc_id, {})
            table.add_row(Text(doc_id), Text(result.titles.get(doc_id, "")),
                          Text((detail.get("published") or "")[:10]
                               or event_date_text(detail.get("event"))))
        console.print(table)
    multi = len(result.clusters) - len(singles)
    console.print(
        f"{multi} story cluster(s) of several articles; {len(singles)} article(s) stand alone"
        + ("" if show_singles or not singles else " (--show-singles lists them)")
        + (f"; {len(result.skipped)} input(s) skipped" if result.skipped else "")
    )
    if result.warnings:
        warned = Table(title=f"{len(result.warnings)} warning{'s' * (len(result.warnings) != 1)}"
                             " (a field that could not be used; the article was)",
                       title_justify="left")
        for column in ("id", "field", "value", "reason"):
            warned.add_column(column, overflow="fold")
        for w in result.warnings:
            warned.add_row(Text(w.id), w.field, Text(w.value), Text(w.reason))
        console.print(warned)
    if result.skipped:
        skipped = Table(title="skipped inputs", title_justify="left")
        skipped.add_column("path", overflow="fold")
        skipped.add_column("line", justify="right")
        skipped.add_column("reason", overflow="fold")
        for item in result.skipped:
            skipped.add_row(Text(item.path), "" if item.line is None else str(item.line),
                            Text(item.reason))
        console.print(skipped)


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


KIND_RANK = {EVENT: 0, "near-duplicate": 1, "exact": 2}
