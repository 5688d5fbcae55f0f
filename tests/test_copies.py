"""The copy rule's containment part: a copy cut down to its first paragraphs is a copy of its
original, in the batch run and the crawler index alike; a teaser and a shared stock paragraph
are not. The articles here are made up for these tests."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Config, DedupIndex, Document, cluster_documents
from dedup.copies import MIN_CONTAINED_SHINGLES, MIN_LEAD_COSINE, contained, copy_rule
from dedup.explain import explain_pair
from dedup.fingerprint import LEAD_SHINGLES, containment
from dedup.result import EVENT, NEAR

PARAGRAPHS = [
    "Harbour officials in Port Elwin said on Tuesday that the old grain terminal on the north "
    "quay will close at the end of March, ending more than ninety years of shipments from the "
    "town's deep water berth.",
    "The terminal's owner, Coastal Bulk Handling, told the forty workers still employed there "
    "that the site would be sold to the regional council, which plans to turn the quay into a "
    "public park with a ferry landing.",
    "Union organiser Marta Okonkwo said members had been given four weeks of notice and that "
    "talks on redundancy pay would begin on Friday at the council chambers.",
    "Grain from the inland farms will instead be carried by rail to the container port at "
    "Halvorsen Bay, about ninety kilometres to the south, according to a company statement.",
    "The mayor, Idris Caldwell, welcomed the plan for the quay but said the town would miss the "
    "ships that have anchored off the breakwater every autumn since the nineteen thirties.",
    "A public meeting on the design of the park is planned for April, and residents may send "
    "their views to the council by letter or through its website until the end of May.",
    "The terminal's two concrete silos, a local landmark visible from the coast road, are to "
    "be kept and may become a viewing platform, the council's planning officer said.",
    "Coastal Bulk Handling said it would help the workers find jobs at its other sites and "
    "would pay for training courses for those who wished to leave the industry.",
]
ORIGINAL = Document(
    id="wire-1", title="Port Elwin grain terminal to close after ninety years",
    text="\n\n".join(PARAGRAPHS), published="2024-03-05", source="Wire Service",
)
# The first two paragraphs on another site: its headline, header and footer lines and an
# agency dateline.
TRIMMED = Document(
    id="site-1", title="Historic grain terminal shuts down | Coast Herald",
    text="\n\n".join([
        "COAST HERALD", "Home » Business » Regional",
        "Historic grain terminal shuts down | Coast Herald",
        "PORT ELWIN, March 5 (Wire) - " + PARAGRAPHS[0], PARAGRAPHS[1],
        "Copyright © 2024 Coast Herald. All rights reserved.",
    ]),
    published="2024-03-05", source="Coast Herald",
)
TEASER = Document(
    id="teaser-1", title="Grain terminal to close",
    text=PARAGRAPHS[0], published="2024-03-05", source="Brief Wire",
)
APPEAL = (
    "Anyone with information about the incident is asked to call the police on 555 0100 or "
    "Crime Stoppers anonymously on 555 0199, where a reward of up to one thousand dollars is "
    "offered for information that leads to an arrest."
)
STORY_A = Document(
    id="police-a", title="Shop window smashed on Mill Street",
    text="A shop window on Mill Street was smashed early on Sunday and cash was taken from "
         "the till of the bakery, police said.\n\n" + APPEAL,
    published="2024-03-03", source="Town Police",
)
STORY_B = Document(
    id="police-b", title="Car stolen from Ridge Road driveway",
    text="A blue hatchback was taken from a driveway on Ridge Road on Saturday night while "
         "its owner was asleep, and was later found burnt out near the river, police said.\n\n"
         "Officers are checking camera footage from the petrol station at the corner of Ridge "
         "Road and Station Lane, and would like to hear from a cyclist who was seen on the "
         "road shortly after midnight.\n\n" + APPEAL,
    published="2024-03-04", source="Town Police",
)


def link_kind(result, a: str, b: str) -> str | None:
    """The kind of the link between ``a`` and ``b``, or None."""
    first, second = sorted((a, b))
    return next((link.kind for link in result.links if (link.a, link.b) == (first, second)), None)


def group_of(result, doc_id: str) -> list[str]:
    return next(g for c in result.clusters for g in c.groups if doc_id in g)


def test_a_copy_cut_to_its_first_two_paragraphs_is_a_near_duplicate() -> None:
    result = cluster_documents([ORIGINAL, TRIMMED])
    assert link_kind(result, "wire-1", "site-1") == NEAR
    assert group_of(result, "site-1") == ["site-1", "wire-1"]
    tiers = result.tiers()
    assert tiers["site-1"] == tiers["wire-1"] == NEAR


def test_the_index_calls_the_trimmed_copy_a_near_duplicate_too() -> None:
    index = DedupIndex()
    index.add(ORIGINAL)
    verdict = index.add(TRIMMED)
    assert verdict.status == NEAR and verdict.original == "wire-1"
    # and the other way round: the trimmed copy first, the full story later
    index = DedupIndex()
    index.add(TRIMMED)
    assert index.add(ORIGINAL).status == NEAR


def test_a_saved_index_keeps_the_lead_signatures(tmp_path) -> None:
    index = DedupIndex()
    index.add(ORIGINAL)
    index.save(tmp_path / "index.db")
    loaded = DedupIndex.load(tmp_path / "index.db")
    assert loaded.add(TRIMMED).status == NEAR


def test_a_teaser_is_not_a_copy_however_it_starts() -> None:
    result = cluster_documents([ORIGINAL, TEASER])
    assert link_kind(result, "wire-1", "teaser-1") in (EVENT, None)
    assert group_of(result, "teaser-1") == ["teaser-1"]


def test_a_shared_stock_paragraph_does_not_make_copies() -> None:
    explained = explain_pair([STORY_A, STORY_B], "police-a", "police-b").copy
    # Most of the shorter story is the appeal, but the two open differently.
    assert explained["jaccard"] < 0.5 <= explained["containment"]
    assert explained["head_cosine"] < MIN_LEAD_COSINE and not explained["copies"]
    result = cluster_documents([STORY_A, STORY_B])
    assert link_kind(result, "police-a", "police-b") not in ("exact", NEAR)
    assert group_of(result, "police-a") == ["police-a"]


def test_containment_needs_the_minimum_length() -> None:
    config = Config()
    shorter = np.array([MIN_CONTAINED_SHINGLES - 1, MIN_CONTAINED_SHINGLES])
    ones = np.ones(2)
    assert contained(ones, shorter, ones, config).tolist() == [False, True]
    assert contained(np.array([0.49, 0.5]), np.array([100, 100]), ones, config).tolist() == [
        False, True]
    assert contained(ones, np.array([100, 100]), np.array([0.49, 0.5]), config).tolist() == [
        False, True]
    assert copy_rule(np.array([True, False]), np.zeros(2), np.zeros(2), np.zeros(2),
                     np.zeros(2), config).tolist() == [True, False]


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, 300), min_size=1, max_size=120),
       st.sets(st.integers(0, 300), min_size=1, max_size=200))
def test_containment_from_jaccard_and_sizes_is_the_share_of_the_smaller_set(a, b) -> None:
    small, large = sorted((a, b), key=len)
    jaccard = len(small & large) / len(small | large)
    got = containment(np.array([jaccard]), np.array([len(small)]), np.array([len(large)]))[0]
    assert abs(got - len(small & large) / len(small)) < 1e-9
    assert 0.0 <= got <= 1.0


def test_the_lead_window_holds_a_two_paragraph_copy() -> None:
    words = sum(len(p.split()) for p in PARAGRAPHS[:2])
    assert MIN_CONTAINED_SHINGLES <= words - 4 <= LEAD_SHINGLES


def test_an_index_saved_without_lead_signatures_still_loads() -> None:
    """A state saved before the lead signature existed holds ``num_perm`` values a row: the
    whole text's signature stands in for its lead."""
    index = DedupIndex()
    index.add(ORIGINAL)
    state = index.state()
    width = index.config.num_perm
    assert len(state.rows[0].signature) == 2 * width
    old = replace(state, rows=[replace(r, signature=r.signature[:width]) for r in state.rows])
    loaded = DedupIndex.from_state(old)
    assert loaded._corpus.leads().shape == (1, width)
    assert (loaded._corpus.leads()[0] == state.rows[0].signature[:width]).all()
    verdict = loaded.add(TRIMMED)
    assert verdict.status in (NEAR, EVENT)
