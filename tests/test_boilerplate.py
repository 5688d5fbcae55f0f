"""Site chrome learned per source: line keys, compiled and in Python, and what is learned."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import boilerplate
from dedup.boilerplate import learn_site_chrome, line_key, strip_site_chrome
from dedup.documents import Document


def test_line_key_keeps_letters_and_digits_only() -> None:
    assert line_key("  Daily Herald is now on WhatsApp!! ") == "daily herald is now on whatsapp"
    assert line_key("--- ") == ""
    assert line_key("Jos\u00e9 \u2014 10:30") == "jos\u00e9 \u2014 10 30"  # non-ASCII stays


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ9 -.:\n\t\r!\u00e9\u2014\u00a0\u3000_")) | st.characters(),
               max_size=60))
def test_compiled_line_keys_equal_line_key(text: str) -> None:
    want = [line_key(line) if line else "" for line in text.split("\n")]
    assert boilerplate.line_keys(text) == want
    if boilerplate._compiled_line_keys is None:
        pytest.skip("dedup._scan is not built here")
    assert boilerplate._compiled_line_keys(text, line_key) == want


def test_a_sites_repeated_lines_are_learned_and_stripped() -> None:
    pages = [
        Document(id=f"p{i}", text=f"Story number {i} about the council.\n"
                                  "Daily Herald is now on WhatsApp!\nMenu: News | Sport",
                 source="Daily Herald")
        for i in range(4)
    ] + [Document(id="other", text="Daily Herald is now on WhatsApp!", source="Elsewhere")]
    chrome = learn_site_chrome(pages)
    assert chrome == {"daily herald": frozenset({"daily herald is now on whatsapp",
                                                 "menu news sport"})}
    kept = strip_site_chrome("Story.\nDaily Herald is now on WhatsApp!\n\nEnd.",
                             chrome["daily herald"])
    assert kept == ("Story.\n\nEnd.", 6)  # the text, and the words its site's chrome had


def _site_pages(count: int, site: str = "Daily Herald", seed: int = 0) -> list[Document]:
    import random

    rng = random.Random(seed)
    chrome = ["Daily Herald is now on WhatsApp!", "Menu: News | Sport | Weather"]
    pages = []
    for i in range(count):
        lines = [f"Story {i}: {' '.join(rng.choice(['rain', 'vote', 'fire', 'game']) for _ in range(12))}."]
        if rng.random() < 0.8:
            lines += chrome
        if rng.random() < 0.3:
            lines.append(f"Advert {rng.randrange(5)}")  # seen on some pages, never most
        pages.append(Document(f"{site}-{i}", "\n".join(lines), source=site))
    return pages


@pytest.mark.parametrize("count", [2, 3, 5, 40, 64, 65, 130, 300])
def test_the_online_learner_ends_with_the_batch_learners_chrome(count: int) -> None:
    from dedup.boilerplate import SiteChrome

    pages = _site_pages(count) + _site_pages(count // 2, site="Other", seed=1)
    online = SiteChrome()
    for page in pages:
        online.add(page)
    assert online.all() == learn_site_chrome(pages)


def test_a_peek_changes_nothing() -> None:
    from dedup.boilerplate import SiteChrome

    pages = _site_pages(5)
    learner = SiteChrome()
    for page in pages[:4]:
        learner.add(page)
    before = learner.state()
    assert learner.add(pages[4], count=False) == learner.add(pages[4])  # as if counted
    learner2 = SiteChrome()
    learner2.restore(*before)
    assert learner2.all() == SiteChrome().all() or learner2.state() == before


def test_the_crawler_index_strips_a_sites_chrome_as_it_learns_it(tmp_path) -> None:
    # Four different stories from one site share its menu lines: the index called the last
    # three near-duplicates of the first (the Scrapy pipeline dropped them).
    from dedup import DedupIndex

    menu = "\n".join([  # no generic rule takes these: only the site's own repetition
        "Breaking news and weather for the Springfield area since 1887",
        "Download the Daily Herald app for your phone and tablet today",
        "Local journalism needs your support, become a member of the Herald club",
        "Opinion Politics Business Culture Travel Food Cars Homes Jobs Obituaries",
        "Our newsroom is open to visitors on weekdays from nine to five at 12 Main Street",
    ] * 2)
    stories = [
        "The council approved a new bridge over the river on Tuesday after a long debate.",
        "Firefighters put out a blaze at a warehouse near the port early on Sunday morning.",
        "The local team won the regional cup final on penalties in front of a full stadium.",
        "Heavy rain flooded several streets in the old town and closed two schools on Friday.",
    ]
    index = DedupIndex()
    verdicts = [index.add(Document(f"p{i}", f"{menu}\n\n{story}\n\n{menu}", source="Daily Herald"))
                for i, story in enumerate(stories)]
    # A line is a site's chrome from its third page on (3 pages, and half of them): the
    # second page is judged with the chrome in, and may be called a copy of the first (the
    # documented warm-up); from the third page on, the chrome is off the text.
    assert [v.status for v in verdicts][2:] == ["new", "new"]
    index.save(tmp_path / "seen.dedup")
    again = DedupIndex.load(tmp_path / "seen.dedup")
    assert again._site_chrome.all() == index._site_chrome.all() != {}


def test_a_list_an_iterator_and_a_generator_cluster_alike() -> None:
    # Site chrome used to be learned only when the documents came as a list (read twice):
    # the same pages clustered differently as an iterator. Now every container is read once.
    from dedup import cluster_documents

    menu = ("Breaking news and weather for the Springfield area since 1887\n"
            "Opinion Politics Business Culture Travel Food Cars Homes Jobs Obituaries")
    stories = [
        "The council approved a new bridge over the river on Tuesday after a long debate.",
        "Firefighters put out a blaze at a warehouse near the port early on Sunday morning.",
        "The local team won the regional cup final on penalties in front of a full stadium.",
        "Heavy rain flooded several streets in the old town and closed two schools on Friday.",
    ]
    pages = [Document(f"h{i}", f"{menu}\n\n{story}", source="Daily Herald")
             for i, story in enumerate(stories)]
    pages += _site_pages(12, site="Other", seed=3)  # more than a site's held first pages
    pages.insert(2, Document("wire", stories[0], source="Wire"))
    as_list = cluster_documents(pages).to_dict()
    assert cluster_documents(iter(pages)).to_dict() == as_list
    assert cluster_documents(page for page in pages).to_dict() == as_list
    # The Herald's menu is its chrome: its four stories are four stories, and its bridge
    # story is a copy of the wire's.
    herald = {c["id"]: c for c in as_list["clusters"]}
    together = [c for c in herald.values() if "h0" in c["members"]][0]
    assert sorted(together["members"]) == ["h0", "wire"]
    assert not any({"h1", "h2"} <= set(c["members"]) for c in as_list["clusters"])
