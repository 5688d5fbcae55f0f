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
