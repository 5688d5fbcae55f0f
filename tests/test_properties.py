"""Properties of scoring and clustering that must hold for any input (hypothesis).

Examples are few and derandomized, so that CI is fast and gives the same verdict every run.
Normalization idempotence is checked in test_normalize.py.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import Config, Document, cluster_documents
from dedup.events import extract_event_key
from dedup.loaders import has_words
from dedup.normalize import clean_text
from dedup.scoring import pair_features

PROPERTY = settings(
    max_examples=40, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Sentences with the things event keys are made of: people, places, dates, weekdays.
POOL = (
    "External Affairs Minister S Jaishankar met Russian Foreign Minister Sergei Lavrov in Goa.",
    "Chancellor Olaf Scholz and President Emmanuel Macron met in Strasbourg on Monday.",
    "New Delhi, May 5 (IANS): The talks were held on Thursday.",
    "Flood waters forced hundreds of families from their homes in Chiang Mai on Tuesday.",
    "The city library will extend its opening hours from next month, the council announced.",
    "Prime Minister Narendra Modi visited Moscow on July 8, 2024 for the annual summit.",
    "Lavrov and Jaishankar also met in Astana on the sidelines of the SCO meeting.",
    "A rare orchid has flowered for the first time in forty years at the botanical garden.",
    "Rescue teams in rubber boats reached most of the stranded residents by the evening.",
    "Macron told reporters in Paris that the agreement would create jobs.",
    "Strasbourg, March 11 (AFP): Officials said the plan would speed up permits.",
    "The meteorological department warned that more rain was expected until the weekend.",
)
PUBLISHED = st.sampled_from([None, "2023-05-04", "2024-03-11T18:00:00Z", "2024-07-09", "junk"])


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, str, str | None]:
    """(title, body, published) built from the pool: realistic enough to give event keys."""
    sentences = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=5))
    title = draw(st.sampled_from(POOL))
    return title, " ".join(sentences), draw(PUBLISHED)


def event_key(article: tuple[str, str, str | None]):
    title, body, published = article
    return extract_event_key(title, clean_text(body), published)


@PROPERTY
@given(articles(), articles(), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_pair_features_are_symmetric(
    a: tuple[str, str, str | None], b: tuple[str, str, str | None],
    jaccard: float, cosine: float, head_cosine: float,
) -> None:
    key_a, key_b = event_key(a), event_key(b)
    weight = {name: 1.0 + len(name) / 10 for name in key_a.people | key_b.people}
    config = Config()
    ab = pair_features(key_a, key_b, jaccard, cosine, head_cosine, weight, config)
    ba = pair_features(key_b, key_a, jaccard, cosine, head_cosine, weight, config)
    assert (ab.date, ab.place) == (ba.date, ba.place)
    assert ab.people == ba.people
    assert ab.event_score == ba.event_score
    assert set(ab.shared_people) == set(ba.shared_people)


@PROPERTY
@given(articles(), articles())
def test_link_scores_do_not_depend_on_input_order(
    a: tuple[str, str, str | None], b: tuple[str, str, str | None]
) -> None:
    docs = [Document("a", a[1], title=a[0], published=a[2]),
            Document("b", b[1], title=b[0], published=b[2])]
    forward, backward = cluster_documents(docs), cluster_documents(docs[::-1])
    def scored(links: list) -> list:
        return [(link.a, link.b, link.kind, link.scores) for link in links]

    assert scored(forward.links) == scored(backward.links)
    assert forward.clusters == backward.clusters


WORDY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300
).filter(has_words)


@PROPERTY
@given(WORDY_TEXT, st.one_of(st.none(), st.text(max_size=40)))
def test_a_document_is_an_exact_duplicate_of_itself(text: str, title: str | None) -> None:
    docs = [Document("copy-1", text, title=title), Document("copy-2", text, title=title)]
    result = cluster_documents(docs)
    assert [(c.kind, c.members) for c in result.clusters] == [("exact", ["copy-1", "copy-2"])]
    (link,) = result.links
    assert link.kind == "exact"


def pool_corpus(bodies: list[list[str]]) -> list[Document]:
    return [Document(f"doc-{i}", " ".join(sentences), title=sentences[0],
                     published="2024-03-11" if i % 2 else None)
            for i, sentences in enumerate(bodies)]


@PROPERTY
@given(st.lists(st.lists(st.sampled_from(POOL), min_size=1, max_size=4), min_size=2, max_size=7),
       st.randoms(use_true_random=False))
def test_clustering_does_not_depend_on_input_order(bodies: list[list[str]], rng) -> None:
    docs = pool_corpus(bodies)
    shuffled = list(docs)
    rng.shuffle(shuffled)
    result, again = cluster_documents(docs), cluster_documents(shuffled)
    assert again.clusters == result.clusters
    def copies(links: list) -> set:  # the explaining same-event link may differ: see below
        return {(link.a, link.b, link.kind) for link in links if link.kind != "same-event"}

    assert copies(again.links) == copies(result.links)


def test_explaining_link_does_not_depend_on_input_order() -> None:
    sentence = POOL[0]
    docs = pool_corpus([[sentence], [sentence], [sentence, sentence]])
    forward = cluster_documents(docs).to_dict()
    swapped = cluster_documents([docs[1], docs[0], docs[2]]).to_dict()
    assert forward["clusters"] == swapped["clusters"]
    assert forward["links"] == swapped["links"]


def test_link_evidence_does_not_depend_on_input_order() -> None:
    # Each article names both cities; their venues differ, and each is named in the other.
    docs = [
        Document("a", "Chancellor Olaf Scholz and President Emmanuel Macron met in Strasbourg on "
                 "Monday to discuss a joint plan for battery factories. Scholz later had dinner "
                 "in Paris with the French prime minister.",
                 title="Scholz and Macron agree battery plan", published="2024-03-11"),
        Document("b", "Emmanuel Macron welcomed Olaf Scholz in Paris on Monday for talks on "
                 "battery factories. The two leaders had met in Strasbourg last year.",
                 title="Macron hosts Scholz for battery talks", published="2024-03-11"),
    ]
    forward, backward = cluster_documents(docs), cluster_documents(docs[::-1])
    assert [link.kind for link in forward.links] == ["same-event"]
    assert forward.links[0].evidence == backward.links[0].evidence
