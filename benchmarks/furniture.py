"""``python -m benchmarks.furniture``: does a copy survive the furniture a site adds?

Site furniture is what a page puts around and inside an article: a comment count under the
byline, a tag list, a photo credit, a share bar, a "Read more" list, a comment thread or legal
footer below. The text pass (:func:`dedup.normalize.clean_text`) must take it off without
taking the story with it. Two tables:

* **Edits**: real article texts (150 words or more, from ``../shared/data/``; synthetic
  articles where it is absent), each given once as written and once with one edit. Per edit:
  the share of edited texts that stay in one copy group with their original (goal: at least
  0.99 for every edit), and the words the text pass removed from the edited texts.
* **Losses**: per labeled file, the documents whose text pass removes more than half of their
  words (goal: at most 0.1% of documents), each listed with the rule that removed the most.

The edits are functions ``edit(text, rng) -> text``, shared with the property tests
(``tests/test_furniture.py``). No article text is written anywhere.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from dedup import Config, Document, cluster_documents
from dedup.normalize import clean_report

Edit = Callable[[str, random.Random], str]

MARKERS = (
    "12 Comments", "Leave a comment", "Tags: news, world, politics",
    "Copyright 2019 The Associated Press. Photo: staff", "Related:", "Advertisement",
)
HEADLINES = (
    "Council approves new budget after months of debate",
    "Storm knocks out power to thousands across the region",
    "Local team wins championship in overtime thriller",
    "Police seek witnesses after crash on the highway",
)
COMMENT_THREAD = (
    "12 Comments\n\n"
    "Mark Evans says:\nMay 5, 2023 at 10:12 am\n"
    "This is the third time this year. When will the city finally do something about it?\n"
    "Reply\n\n"
    "Jenny R. says:\nMay 5, 2023 at 11:40 am\n"
    "Thoughts and prayers to the family. My cousin lives two streets away and heard it all.\n"
    "Reply\n\n"
    "Leave a Reply\nYour email address will not be published. Required fields are marked *\n"
)
LEGAL_FOOTER = (
    "Copyright 2024 Daily Herald Media Group. All rights reserved.\n"
    "This material may not be published, broadcast, rewritten or redistributed.\n"
    "Disclaimer: The views expressed in the comments are those of their authors.\n"
)


def paragraphs(text: str) -> list[str]:
    """The blank-line separated blocks of a text (a single block: its lines)."""
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if len(blocks) <= 1:
        blocks = [line for line in text.split("\n") if line.strip()]
    return blocks


def _at_boundary(text: str, insert: str, rng: random.Random) -> str:
    """``insert`` as lines of their own at a random paragraph boundary (never before the first
    paragraph: a line above the headline is the title's business)."""
    blocks = paragraphs(text)
    at = rng.randint(1, max(1, len(blocks) - 1)) if len(blocks) > 1 else 1
    return "\n\n".join([*blocks[:at], insert, *blocks[at:]])


def _marker(marker: str) -> Edit:
    return lambda text, rng: _at_boundary(text, marker, rng)


def share_bar(text: str, rng: random.Random) -> str:
    return _at_boundary(text, "Share this:\nFacebook\nTwitter\nEmail\nWhatsApp\nPrint", rng)


def caption_line(text: str, rng: random.Random) -> str:
    caption = f"Image {rng.randint(1, 9)} of {rng.randint(10, 20)} "
    blocks = paragraphs(text)
    at = rng.randrange(len(blocks))
    blocks[at] = caption + blocks[at]  # a gallery counter that leads a paragraph
    return "\n\n".join(blocks)


def photo_credit(text: str, rng: random.Random) -> str:
    return _at_boundary(text, "Photo: File photo of the scene (AP Photo/John Smith)", rng)


def read_more_list(text: str, rng: random.Random) -> str:
    return _at_boundary(text, "Read more:\n" + "\n".join(rng.sample(HEADLINES, 3)), rng)


def comment_thread(text: str, rng: random.Random) -> str:
    return text.rstrip() + "\n\n" + COMMENT_THREAD


def legal_footer(text: str, rng: random.Random) -> str:
    return text.rstrip() + "\n\n" + LEGAL_FOOTER


def byline_dateline(text: str, rng: random.Random) -> str:
    blocks = paragraphs(text)
    blocks[0] = "NEW YORK (AP) \u2014 " + blocks[0]
    return "By Jane Smith, Staff Writer\n\n" + "\n\n".join(blocks)


def crlf(text: str, rng: random.Random) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def html_entities(text: str, rng: random.Random) -> str:
    return html.escape(text, quote=True).replace("&#x27;", "&#8217;")


def curly_quotes(text: str, rng: random.Random) -> str:
    out, double = [], False
    for ch in text:
        if ch == '"':
            out.append("\u201d" if double else "\u201c")
            double = not double
        else:
            out.append("\u2019" if ch == "'" else ch)
    return "".join(out)


def mojibake(text: str, rng: random.Random) -> str:
    """UTF-8 bytes read as cp1252, as a page with a wrong charset declaration shows them."""
    return curly_quotes(text, rng).encode("utf-8").decode("cp1252", errors="replace")


EDITS: dict[str, Edit] = {
    **{f"marker: {m}": _marker(m) for m in MARKERS},
    "share bar": share_bar,
    "caption counter leading a paragraph": caption_line,
    "photo credit line": photo_credit,
    "'Read more' list in the middle": read_more_list,
    "comment thread appended": comment_thread,
    "legal footer appended": legal_footer,
    "byline and dateline added": byline_dateline,
    "CRLF line ends": crlf,
    "HTML entities": html_entities,
    "curly quotes": curly_quotes,
    "cp1252 mojibake": mojibake,
}


def sample_texts(count: int, seed: int = 0, min_words: int = 150) -> list[str]:
    """``count`` article texts of ``min_words`` or more, from the shared labeled files
    (synthetic ones where they are absent), in a fixed random order."""
    from benchmarks.sets import default_files

    texts = []
    for path in default_files():
        with path.open(encoding="utf-8") as handle:
            texts += [r["text"] for r in map(json.loads, handle)
                      if len(r.get("text", "").split()) >= min_words]
    if not texts:
        from benchmarks.corpus import synthetic_bases

        texts = [d.text for d in synthetic_bases(count, seed)]
    rng = random.Random(seed)
    rng.shuffle(texts)
    return texts[:count]


def kept_share(texts: Sequence[str], edit: Edit, seed: int = 0,
               config: Config | None = None) -> tuple[float, float, list[int]]:
    """(share of edited texts in one copy group with their original, mean words the text
    pass removed from the edited texts, indices of the texts that lost their original)."""
    rng = random.Random(seed)
    docs = []
    for i, text in enumerate(texts):
        docs.append(Document(f"{i:05d}-a", text))
        docs.append(Document(f"{i:05d}-b", edit(text, rng)))
    result = cluster_documents(docs, config or Config())
    group_of = {m: g[0] for c in result.clusters for g in c.groups for m in g}
    lost = [i for i in range(len(texts)) if group_of[f"{i:05d}-a"] != group_of[f"{i:05d}-b"]]
    removed = [sum(clean_report(d.text).removed.values()) for d in docs[1::2]]
    return 1 - len(lost) / len(texts), sum(removed) / len(removed), lost


def losses(path: Path, share: float = 0.5) -> tuple[int, list[tuple[str, int, int, str]]]:
    """(documents, [(id, words, removed, rule that removed the most)]) of one labeled file:
    the documents whose text pass removes more than ``share`` of their words."""
    out = []
    count = 0
    with path.open(encoding="utf-8") as handle:
        for record in map(json.loads, handle):
            count += 1
            done = clean_report(record.get("text") or "")
            removed = sum(done.removed.values())
            if done.words and removed > share * done.words:
                out.append((str(record["id"]), done.words, removed, done.top_rule or ""))
    return count, out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.furniture", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=500, help="texts per edit (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="also write the tables as Markdown here")
    args = parser.parse_args(argv)
    from benchmarks.sets import default_files

    start = time.perf_counter()
    texts = sample_texts(args.texts, args.seed)
    lines = [f"Copies kept through each edit ({len(texts)} texts of 150+ words, seed {args.seed})",
             "", "| edit | copies kept | words removed (mean) |", "|---|---:|---:|"]
    for name, edit in EDITS.items():
        kept, removed, _ = kept_share(texts, edit, args.seed)
        lines.append(f"| {name} | {kept:.3f} | {removed:.1f} |")
        print(lines[-1], flush=True)
    lines += ["", "Documents whose text pass removes more than half of their words", "",
              "| file | documents | over half | share |", "|---|---:|---:|---:|"]
    listed = []
    for path in default_files():
        count, lost = losses(path)
        lines.append(f"| {path.name} | {count} | {len(lost)} | {len(lost) / max(count, 1):.2%} |")
        print(lines[-1], flush=True)
        listed += [(path.name, *row) for row in lost]
    if listed:
        lines += ["", "| file | id | words | removed | rule that removed the most |",
                  "|---|---|---:|---:|---|"]
        lines += [f"| {f} | {i} | {w} | {r} | {rule} |" for f, i, w, r, rule in listed]
    lines.append(f"\n({time.perf_counter() - start:.0f} s)")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
