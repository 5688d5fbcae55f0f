"""The copy rule, one for the batch run and the crawler index: when two texts are copies of
one text (tier ``exact`` or ``near-duplicate``).

Two texts are copies when they are the same after normalization, when their shingle Jaccard
reaches ``near_duplicate_threshold`` (:func:`dedup.scoring.copy_pairs`), or when the shorter
is **contained** in the longer: at least ``near_duplicate_threshold`` of the shorter text's
shingles are held by the longer (:func:`dedup.fingerprint.pair_containments`: a copy cut
down to its first paragraphs is compared with its original's lead) and the shorter text has
:data:`MIN_CONTAINED_SHINGLES` shingles or more, and the two open alike: the TF-IDF cosine
of their headline and lead sentence is :data:`MIN_LEAD_COSINE` or more (a copy cut down to
its first paragraphs keeps its lead sentence; two stories that share a stock paragraph do
not).

The minimum length is what keeps a stock paragraph from making copies: a police appeal
("Anyone with information is asked to call ...") or an agency's standard paragraph is shared
by many different stories, and a short item can be little more than one of them. A text
shorter than that (a teaser, a one-paragraph brief) is never a copy by containment, even
when it is word for word the lead of a wire story: it reproduces too little of it to say
that it is that text. It is compared as a write-up of the story instead (the same-event
tier), where its words, names, date and place count.
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .scoring import copy_pairs

MIN_CONTAINED_SHINGLES = 36
"""Shingles the shorter text needs (about 40 words) for containment to make a copy."""
MIN_LEAD_COSINE = 0.5
"""Cosine of headline and lead sentence two texts need for containment to make a copy: a copy
that keeps its lead sentence under a reworded headline reaches it (99.4 % of the copies that
only containment finds in the syndication benchmark, six seeds); a page that quotes another
story's lead in its middle, or shares a stock paragraph with it, does not."""


def contained(containment: np.ndarray, shorter: np.ndarray, head_cosine: np.ndarray,
              config: Config) -> np.ndarray:
    """Which pairs are copies by containment: ``containment`` (of the shorter text in the
    longer) at ``near_duplicate_threshold`` or more, ``shorter`` (its shingle count) at
    :data:`MIN_CONTAINED_SHINGLES` or more, ``head_cosine`` (headline and lead sentence) at
    :data:`MIN_LEAD_COSINE` or more."""
    return ((np.asarray(containment) >= config.near_duplicate_threshold)
            & (np.asarray(shorter) >= MIN_CONTAINED_SHINGLES)
            & (np.asarray(head_cosine) >= MIN_LEAD_COSINE))


def copy_rule(same_text: np.ndarray, jaccard: np.ndarray, containment: np.ndarray,
              shorter: np.ndarray, head_cosine: np.ndarray, config: Config) -> np.ndarray:
    """Which pairs are copies (see the module doc): the same text, Jaccard at the
    near-duplicate threshold, or the shorter text contained in the longer."""
    return copy_pairs(same_text, jaccard, config) | contained(
        containment, shorter, head_cosine, config)
