"""Benchmark results as terminal tables, a JSON file, a Markdown report and PNG plots.

The results are one JSON-ready dict (built by :mod:`benchmarks.run`, schema below); every
function here only reads it. Plots need matplotlib (``pip install -e '.[bench]'``); without it
the report is written without figures and says so.

Results dict::

    {"schema": 1, "date", "quick", "seconds", "environment", "config", "baselines",
     "sets": [{"name", "documents", "gold_stories", "gold_copy_groups", "note", ...}],
     "quality": {set name: [MethodScores as dict, ...]},
     "curves": {"near_duplicate": {"set", "dedup": [...], "jaccard": [...], "points": {...}},
                "same_event": {set name: {"dedup": [...], "tfidf": [...]}}},
     "speed": {"sizes": {"1000": {"corpus": {...}, "methods": [Measurement as dict, ...]}}}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

TIER_SHORT = {"exact": "exact P", "near-duplicate": "near-dup P", "same-event": "same-event P"}
STAGE_COLORS = {"reading": "#4c72b0", "fingerprints": "#55a868", "candidates": "#c44e52",
                "scoring": "#8172b2", "clustering": "#ccb974", "finalize": "#64b5cd"}


# --------------------------------------------------------------------------- formatting


def fmt(value: float | None, digits: int = 3) -> str:
    """A score with ``digits`` decimals, or ``-``."""
    return "-" if value is None else f"{value:.{digits}f}"


def tier_cell(tiers: dict[str, Any] | None, kind: str) -> str:
    """``precision (links)`` of one tier; ``≤`` marks an upper bound (judged by gold events
    where a copy tier has no gold copies)."""
    if not tiers or kind not in tiers or not tiers[kind]["links"]:
        return "-"
    tier = tiers[kind]
    bound = "≤" if kind != "same-event" and tier["basis"] == "events" else ""
    return f"{bound}{tier['precision']:.3f} ({tier['links']})"


STORY_COLUMNS = ("set", "method", "P", "R", "F1", "B³ F1", "ARI", "clusters", "seconds")
COPY_COLUMNS = ("set", "method", "P", "R", "F1", "B³ F1", "ARI", "groups")
TIER_COLUMNS = ("set", "exact P (links)", "near-dup P (links)", "same-event P (links)",
                "wrong links within one site")
_SCORES = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "ari")


def _method_rows(results: dict[str, Any], level: str) -> list[list[str]]:
    """One row per set and method with the scores of ``level`` (``stories`` or ``copies``);
    sets without that level are left out."""
    rows = []
    for summary in results["sets"]:
        name = summary["name"]
        methods = results["quality"][name]
        if level == "copies" and not summary["gold_copy_groups"]:
            continue
        for k, row in enumerate(methods):
            label = f"{name} ({summary['documents']})" if k == 0 else ""
            scores = row[level]
            if row["error"] or not scores:
                rows.append([label, row["method"], f"error: {row['error']}"] + [""] * (
                    len(STORY_COLUMNS if level == "stories" else COPY_COLUMNS) - 3))
                continue
            cells = [label, row["method"], *(fmt(scores[key]) for key in _SCORES),
                     str(scores["clusters"])]
            rows.append(cells + ([f"{row['seconds']:.2f}"] if level == "stories" else []))
    return rows


def story_rows(results: dict[str, Any]) -> list[list[str]]:
    """Story-cluster scores of every method on every set."""
    return _method_rows(results, "stories")


def copy_rows(results: dict[str, Any]) -> list[list[str]]:
    """Duplicate-group scores of every method on the sets with gold copies."""
    return _method_rows(results, "copies")


def tier_rows(results: dict[str, Any]) -> list[list[str]]:
    """dedup's precision per link tier on every set."""
    rows = []
    for summary in results["sets"]:
        dedup = next((r for r in results["quality"][summary["name"]]
                      if r["method"] == "dedup"), None)
        if dedup and dedup["tiers"]:
            tiers = dedup["tiers"]
            same_site = [f"{tiers[k]['wrong_same_site']} {k}" for k in TIER_SHORT
                         if tiers[k].get("wrong_same_site")]
            known = any("wrong_same_site" in t for t in tiers.values())
            rows.append([summary["name"], *(tier_cell(tiers, k) for k in TIER_SHORT),
                         ", ".join(same_site) or ("0" if known else "-")])
    return rows


SPEED_COLUMNS = ("docs", "method", "timed docs", "docs/s", "× loop", "peak RSS MiB", "note")


def speed_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per corpus size and method."""
    rows = []
    for size, entry in results["speed"]["sizes"].items():
        for k, m in enumerate(entry["methods"]):
            ratio = f"{m['ratio']:.1f}×" if m.get("ratio") is not None else "-"
            rows.append([f"{int(size):,}" if k == 0 else "", m["method"], f"{m['timed_docs']:,}",
                         f"{m['docs_per_s']:,.0f}", ratio, f"{m['peak_rss_mb']:,.0f}",
                         m.get("note") or ""])
    return rows


def stage_rows(results: dict[str, Any]) -> list[list[str]]:
    """dedup's seconds per stage at each corpus size."""
    rows = []
    for size, entry in results["speed"]["sizes"].items():
        dedup = next((m for m in entry["methods"] if m["method"] == "dedup"), None)
        if dedup is None or "stages_s" not in dedup["extra"]:
            continue
        for stage, seconds in dedup["extra"]["stages_s"].items():
            rows.append([f"{int(size):,}", stage, f"{seconds:.2f}",
                         f"{seconds / dedup['seconds']:.0%}" if dedup["seconds"] else "-"])
    return rows


# --------------------------------------------------------------------------- terminal


def rich_table(title: str, columns: Sequence[str], rows: list[list[str]]) -> Table:
    """A rich table, text columns left-aligned and figures right-aligned."""
    table = Table(title=title)
    for name in columns:
        left = name in ("set", "method", "note", "stage") or name.endswith("(links)")
        table.add_column(name, justify="left" if left else "right", no_wrap=name != "note")
    for row in rows:
        table.add_row(*row)
    return table


def terminal_tables(results: dict[str, Any]) -> list[Table]:
    """Quality, speed and stage tables for the terminal."""
    tables = [
        rich_table("Story clusters vs gold stories (pairwise P/R/F1, B-cubed F1, ARI)",
                   STORY_COLUMNS, story_rows(results)),
        rich_table("Duplicate groups vs gold copies", COPY_COLUMNS, copy_rows(results)),
        rich_table("dedup: precision per link tier (≤: judged by gold events, an upper bound)",
                   TIER_COLUMNS, tier_rows(results)),
    ]
    if results.get("speed", {}).get("sizes"):
        tables.append(rich_table("Speed (each method in its own process)", SPEED_COLUMNS,
                                 speed_rows(results)))
        tables.append(rich_table("dedup: where the time goes", ("docs", "stage", "seconds",
                                                                 "share"), stage_rows(results)))
    return tables


# --------------------------------------------------------------------------- plots


def _pyplot() -> Any | None:
    """matplotlib's pyplot on the Agg backend, or ``None`` when matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _pr_axes(plt: Any, title: str) -> tuple[Any, Any]:
    """A figure with one precision-recall axes."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.set_xlabel("recall (pairwise)")
    ax.set_ylabel("precision (pairwise)")
    ax.set_title(title, fontsize=10)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    return fig, ax


def _curve(ax: Any, points: list[dict[str, Any]], label: str, key: str, style: str,
           color: str | None = None, annotate: bool = False) -> None:
    """One P/R curve, optionally with each point's setting written beside it."""
    xs = [p["pairwise_recall"] for p in points]
    ys = [p["pairwise_precision"] for p in points]
    line = ax.plot(xs, ys, style, label=label, color=color, markersize=4)[0]
    if annotate:
        for p, x, y in zip(points, xs, ys):
            ax.annotate(f"{p[key]:g}", (x, y), textcoords="offset points", xytext=(3, 3),
                        fontsize=7, color=line.get_color())


def plot_near_duplicate(results: dict[str, Any], path: Path, plt: Any) -> Path | None:
    """P/R of duplicate groups on the syndication set as the near-duplicate threshold moves,
    beside exact shingle Jaccard single link and the baselines' points."""
    curves = results["curves"].get("near_duplicate")
    if not curves:
        return None
    fig, ax = _pr_axes(plt, f"near-duplicate tier: duplicate groups on the {curves['set']} set")
    _curve(ax, curves["dedup"], "dedup (near_duplicate_threshold)", "threshold", "o-", "C0",
           annotate=True)
    _curve(ax, curves["jaccard"], "exact 5-shingle Jaccard single link", "threshold", "s--",
           "C7", annotate=True)
    for k, (name, point) in enumerate(curves["points"].items()):
        ax.plot([point["pairwise_recall"]], [point["pairwise_precision"]], "D",
                color=f"C{k + 1}", label=name)
    ax.legend(fontsize=8, loc="lower left")
    return _save(fig, path, plt)


def plot_same_event(results: dict[str, Any], path: Path, plt: Any) -> Path | None:
    """P/R of story clusters per labeled set as the same-event and cluster thresholds move
    together, beside the TF-IDF baseline's curve and its fixed-threshold point."""
    curves = results["curves"].get("same_event")
    if not curves:
        return None
    fig, ax = _pr_axes(plt, "same-event tier: story clusters (thresholds × scale)")
    threshold = results["baselines"]["tfidf_threshold"]
    for k, (name, entry) in enumerate(curves.items()):
        color = f"C{k}"
        _curve(ax, entry["dedup"], f"{name}: dedup (× scale)", "scale", "o-", color,
               annotate=True)
        _curve(ax, entry["tfidf"], f"{name}: TF-IDF +3d (threshold)", "threshold", ":", color)
        fixed = min(entry["tfidf"], key=lambda p: abs(p["threshold"] - threshold))
        ax.plot([fixed["pairwise_recall"]], [fixed["pairwise_precision"]], "x", color=color,
                markersize=8)
    ax.plot([], [], "kx", label=f"TF-IDF at the fixed {threshold}")
    ax.legend(fontsize=7, loc="lower left")
    return _save(fig, path, plt)


def plot_speed(results: dict[str, Any], path: Path, plt: Any) -> Path | None:
    """docs/s against corpus size for every method (log-log)."""
    sizes = results.get("speed", {}).get("sizes", {})
    if not sizes:
        return None
    series: dict[str, list[tuple[int, float]]] = {}
    for size, entry in sizes.items():
        for m in entry["methods"]:
            series.setdefault(m["method"], []).append((int(size), m["docs_per_s"]))
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    for k, (method, points) in enumerate(series.items()):
        xs, ys = zip(*sorted(points))
        ax.plot(xs, ys, "o-", label=method, color=f"C{k}", linewidth=2.5 if k == 0 else 1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("corpus size (documents)")
    ax.set_ylabel("documents per second")
    ax.set_title("throughput, one process (sampled methods: see the table)", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return _save(fig, path, plt)


def plot_stages(results: dict[str, Any], path: Path, plt: Any) -> Path | None:
    """Seconds per 1,000 documents: dedup's stages stacked, beside the floor and datasketch
    bulk at the same size."""
    sizes = results.get("speed", {}).get("sizes", {})
    bars: list[tuple[str, dict[str, float]]] = []
    for size, entry in sizes.items():
        by_method = {m["method"]: m for m in entry["methods"]}
        dedup = by_method.get("dedup")
        if dedup is None:
            continue
        per_k = 1000 / dedup["timed_docs"]
        bars.append((f"dedup\n{int(size):,}",
                     {s: v * per_k for s, v in dedup["extra"]["stages_s"].items()}))
        for name in ("floor", "datasketch bulk"):
            if name in by_method:
                m = by_method[name]
                bars.append((f"{name}\n{int(size):,}", {name: 1000 / m["docs_per_s"]}))
    if not bars:
        return None
    fig, ax = plt.subplots(figsize=(max(6.4, 1.1 * len(bars)), 4.8), dpi=100)
    seen: set[str] = set()
    for x, (_, parts) in enumerate(bars):
        bottom = 0.0
        for part, seconds in parts.items():
            color = STAGE_COLORS.get(part, "#999999" if part == "floor" else "#dd8452")
            ax.bar(x, seconds, bottom=bottom, color=color,
                   label=part if part not in seen else None)
            seen.add(part)
            bottom += seconds
    ax.set_xticks(range(len(bars)), [label for label, _ in bars], fontsize=8)
    ax.set_ylabel("seconds per 1,000 documents")
    ax.set_title("where dedup's time goes, beside the one-pass floor", fontsize=10)
    ax.legend(fontsize=8)
    return _save(fig, path, plt)


def _save(fig: Any, path: Path, plt: Any) -> Path:
    """Write a figure as PNG and close it."""
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


PLOTS = {
    "pr-near-duplicate": plot_near_duplicate,
    "pr-same-event": plot_same_event,
    "speed": plot_speed,
    "stages": plot_stages,
}


def write_plots(results: dict[str, Any], out: Path, stem: str) -> dict[str, str]:
    """Every plot that has data, as ``<stem>-<name>.png``; ``{name: file name}`` (empty
    without matplotlib)."""
    plt = _pyplot()
    if plt is None:
        return {}
    written = {}
    for name, plot in PLOTS.items():
        path = plot(results, out / f"{stem}-{name}.png", plt)
        if path is not None:
            written[name] = path.name
    return written


# --------------------------------------------------------------------------- Markdown


def markdown_table(columns: Sequence[str], rows: list[list[str]]) -> str:
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(columns) + " |",
             "|" + "|".join("---" if c in ("set", "method", "note", "stage") else "---:"
                            for c in columns) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _sets_section(results: dict[str, Any]) -> list[str]:
    """The evaluation sets, one bullet each."""
    lines = ["## Sets", ""]
    for s in results["sets"]:
        copies = f", {s['gold_copy_groups']} gold duplicate groups" if s["gold_copy_groups"] else ""
        lines.append(f"- **{s['name']}**: {s['documents']} documents ({s['dated']} dated), "
                     f"{s['gold_stories']} gold stories{copies}. {s['note']}.")
    return lines + [""]


def _image(figures: dict[str, str], name: str, alt: str) -> list[str]:
    """A Markdown image line, or a note that the figure was not drawn."""
    if name in figures:
        return [f"![{alt}]({figures[name]})", ""]
    return [f"*({alt}: not drawn; install matplotlib: `pip install -e '.[bench]'`)*", ""]


def _curve_table(points: list[dict[str, Any]], keys: Sequence[str]) -> str:
    """A sweep as a Markdown table."""
    columns = list(keys) + ["P", "R", "F1", "links", "link P"]
    rows = [[f"{p[k]:g}" for k in keys] + [fmt(p["pairwise_precision"]),
            fmt(p["pairwise_recall"]), fmt(p["pairwise_f1"]), str(p["links"]),
            fmt(p["link_precision"])] for p in points]
    return markdown_table(columns, rows)


def markdown(results: dict[str, Any], figures: dict[str, str]) -> str:
    """The whole report as Markdown (figures referenced by file name, beside the report)."""
    env = results["environment"]
    b = results["baselines"]
    title = f"# Benchmark report {results['date']}{' (quick)' if results['quick'] else ''}"
    lines = [
        title, "",
        f"`python -m benchmarks run{' --quick' if results['quick'] else ''}` on "
        f"{env.get('platform')}, {env.get('cpus')} CPUs, Python {env.get('python')}; dedup "
        f"{env.get('dedup')} at {env.get('commit') or 'an uncommitted tree'}; "
        f"{results['seconds']:.0f} s in all.", "",
        "dedup runs its default configuration on every set: "
        + ", ".join(f"`{k}={v}`" for k, v in results["config"].items()) + ".", "",
        f"Baselines, one setting for all sets: **exact hash** (lower-cased, whitespace-collapsed "
        f"text); **minhash-lsh {b['minhash_threshold']}** (datasketch, word "
        f"{b['shingle']}-shingles, {b['minhash_perms']} permutations, per-document update "
        f"loop, LSH candidates as links); **tfidf {b['tfidf_threshold']} +"
        f"{b['tfidf_window_days']}d** (TF-IDF cosine single link within a "
        f"{b['tfidf_window_days']}-day publication window, at the fixed threshold "
        f"{b['tfidf_threshold']}: the best mean F1 over the two development sets, fixed, not "
        f"re-tuned per set). Baselines read the raw text, chrome included.", "",
    ]
    lines += _sets_section(results)
    lines += [
        "## Quality", "",
        "### Story clusters", "",
        "Story clusters against the gold stories: pairwise precision, recall and F1, B-cubed "
        "F1, adjusted Rand index; number of predicted clusters; seconds of the run.", "",
        markdown_table(STORY_COLUMNS, story_rows(results)), "",
        "### Duplicate groups", "",
        "Duplicate groups (dedup's `groups`; a baseline's one labeling) against the gold "
        "duplicate groups, on the sets that have them.", "",
        markdown_table(COPY_COLUMNS, copy_rows(results)), "",
        "### Precision per tier", "",
        "The share of dedup's links of each kind that are right (number of links). Exact and "
        "near-duplicate links must join copies of one base; on a set without gold copies, `≤` "
        "marks the share that join one gold event (an upper bound). Same-event links (one per "
        "merge, the pair that explains it) must join one gold event. Last column: of the wrong "
        "links, those between two pages of one site (which share that site's chrome).", "",
        markdown_table(TIER_COLUMNS, tier_rows(results)), "",
    ]
    lines += _curves_section(results, figures)
    if results.get("speed", {}).get("sizes"):
        lines += _speed_section(results, figures)
    return "\n".join(lines).rstrip() + "\n"


def _curves_section(results: dict[str, Any], figures: dict[str, str]) -> list[str]:
    """Threshold sweeps: plots and tables."""
    curves = results["curves"]
    lines = ["## Thresholds", ""]
    near = curves.get("near_duplicate")
    if near:
        lines += [f"Near-duplicate tier on the {near['set']} set: `near_duplicate_threshold` "
                  "swept (other settings default); duplicate groups against the gold copies.",
                  ""]
        lines += _image(figures, "pr-near-duplicate", "near-duplicate precision-recall")
        lines += [_curve_table(near["dedup"], ("threshold",)), ""]
    if curves.get("same_event"):
        lines += ["Same-event tier: `same_event_threshold` and `cluster_threshold` scaled "
                  "together (× their defaults, capped at 1); story clusters against the gold "
                  "stories. Dotted: the TF-IDF baseline as its threshold moves (× its fixed "
                  "threshold).", ""]
        lines += _image(figures, "pr-same-event", "same-event precision-recall")
        for name, entry in curves["same_event"].items():
            lines += [f"**{name}**", "",
                      _curve_table(entry["dedup"], ("scale", "same_event_threshold",
                                                    "cluster_threshold")), ""]
    return lines


def _speed_section(results: dict[str, Any], figures: dict[str, str]) -> list[str]:
    """Speed and per-stage tables with their plots."""
    sizes = results["speed"]["sizes"]
    corpus = next(iter(sizes.values()))["corpus"]
    return [
        "## Speed", "",
        f"Corpus: `benchmarks.corpus.make_corpus` (bases: {corpus.get('bases')}; "
        f"{corpus.get('mean_chars')} characters a document on average, 20 % near-duplicate "
        "and 5 % exact copies). Each method runs in its own process; peak RSS includes the "
        "corpus. `× loop`: docs/s over the datasketch per-document `MinHash.update` loop "
        "measured in the same run on the same corpus size. Sampled methods are timed on the "
        "first documents only (see note). 1-minute load average before and after each size: "
        + ", ".join(f"{int(n):,} docs {e.get('load_before', float('nan')):.1f} → "
                    f"{e.get('load_after', float('nan')):.1f}" for n, e in sizes.items())
        + f" on {results['environment'].get('cpus')} CPUs (above ~1, other work shared the "
        "machine and the figures are low).", "",
        markdown_table(SPEED_COLUMNS, speed_rows(results)), "",
        *_image(figures, "speed", "docs/s against corpus size"),
        "### Where the time goes", "",
        markdown_table(("docs", "stage", "seconds", "share"), stage_rows(results)), "",
        *_image(figures, "stages", "seconds per stage"),
    ]


# --------------------------------------------------------------------------- files


def write_report(results: dict[str, Any], out: Path, stem: str) -> list[Path]:
    """Write ``<stem>.json``, ``<stem>.md`` and the PNG plots into ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    figures = write_plots(results, out, stem)
    json_path = out / f"{stem}.json"
    json_path.write_text(json.dumps({**results, "figures": figures}, indent=1) + "\n",
                         encoding="utf-8")
    md_path = out / f"{stem}.md"
    md_path.write_text(markdown(results, figures), encoding="utf-8")
    return [json_path, md_path] + [out / name for name in figures.values()]
