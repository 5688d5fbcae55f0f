"""The records a corpus keeps, with their equal parts shared: one object per distinct value.

A record (:class:`~dedup.analysis.Prepared` with its :class:`~dedup.events.EventKey` and
:class:`~dedup.analysis.TextRecord`) arrives from a worker process, a saved index or the text
pass as objects of its own: every name, every set of names, every empty set (216 bytes each:
Python 3.10 and later no longer share the empty frozenset), every date is a new object. Most
of them equal a part of another record: the same publication day, the same people, no ages,
the same words removed. :class:`RecordPool` keeps one object per distinct value and builds
each kept record from those, so that a record costs what is really its own (titles, texts'
keys and the key objects themselves stay per record: nearly all distinct).

The records kept are equal to the ones given in every field, those left out of ``==`` too (a
date's ``confident`` and ``follow_up``; a key's ``names`` and ``place_parents``, in their
order); only the identity of their parts changes. Every part is immutable (frozen
dataclasses, frozensets, tuples, strings), so a part shared by several records reads the
same in each. A key's two dictionaries, ``names`` and ``place_parents``, are kept as
:class:`FrozenMap`: the same items in the same order, read the same way (``get``, ``[]``,
``items``), in about 60 % of a dict's bytes (272 against 464 for a dozen items).
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from dataclasses import fields
from itertools import chain
from typing import Any, TypeVar

from .analysis import Prepared, TextRecord
from .events import EventDate, EventKey

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


_MISSING = object()


class FrozenMap(Mapping[K, V]):
    """An immutable mapping held as one flat tuple ``(key, value, key, value, ...)``, in the
    order of the mapping it is made from, and looked up by a scan of its keys. For the small
    mappings every record holds: a key's ``names`` (12 items on average on the synthetic
    corpus: a dict of that many is 464 to 632 bytes, this 272) and ``place_parents``. It equals
    a dict with the same items (``==`` of :class:`~collections.abc.Mapping`)."""

    __slots__ = ("_items",)

    def __init__(self, mapping: Mapping[K, V] | None = None) -> None:
        flat = chain.from_iterable(mapping.items()) if mapping else ()
        self._items: tuple[Any, ...] = tuple(flat)

    def __getitem__(self, key: K) -> V:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]

    def get(self, key: K, default: Any = None) -> Any:
        items = self._items
        try:
            return items[2 * items[::2].index(key) + 1]
        except ValueError:
            return default

    def __contains__(self, key: object) -> bool:
        return key in self._items[::2]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items[::2])

    def __len__(self) -> int:
        return len(self._items) // 2

    def items(self) -> ItemsView[K, V]:
        return _FrozenItems(self)

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self.items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenMap, (dict(self.items()),)


class _FrozenItems(ItemsView[K, V]):
    """The items of a :class:`FrozenMap`, read in one pass (not a scan per key)."""

    _mapping: FrozenMap[K, V]

    def __iter__(self) -> Iterator[tuple[K, V]]:
        items = self._mapping._items
        return zip(items[::2], items[1::2])


_KEY_FIELDS = tuple(f.name for f in fields(EventKey))
_EMPTY: FrozenMap[Any, Any] = FrozenMap()  # of the keys without names or places


class RecordPool:
    """One object per distinct part of the records kept (see the module doc). The tables
    grow with the distinct values, not with the records."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}  # strings, days, frozensets, tuples of those
        self._dates: dict[tuple[Any, ...], EventDate] = {}

    def value(self, value: T) -> T:
        """The shared object equal to ``value`` (a string, a day, a frozenset or a tuple of
        hashable values, whose parts are kept as given); ``value`` itself the first time."""
        return self._values.setdefault(value, value)  # type: ignore[no-any-return]

    def strings(self, values: frozenset[str]) -> frozenset[str]:
        """The shared set equal to ``values``, made of shared strings."""
        known = self._values.get(values)
        if known is None:
            value = self.value
            known = frozenset([value(s) for s in values])
            self._values[known] = known
        return known  # type: ignore[no-any-return]

    def record(self, p: Prepared) -> Prepared:
        """A record equal to ``p`` in every field, built from shared parts."""
        value = self.value
        text = p.text
        if text is not None:
            removed = value(text.removed)
            if removed is not text.removed:
                text = TextRecord(text.words, removed)
        return Prepared(p.id, p.title, p.exact, self.key(p.key),
                        None if p.published is None else value(p.published),
                        None if p.source is None else value(p.source),
                        p.warnings or (), text)

    def key(self, key: EventKey) -> EventKey:
        """An event key equal to ``key`` in every field, built from shared parts. (Whole keys
        are not shared: nearly every key differs from the others, on real and synthetic
        corpora alike, so a table of them cost more than it saved.)"""
        value, strings = self.value, self.strings
        block = key.block
        parts: dict[str, Any] = {
            "date": self._date(key.date),
            "published": None if key.published is None else value(key.published),
            "people": strings(key.people),
            "orgs": strings(key.orgs),
            "places": strings(key.places),
            "venue": None if key.venue is None else value(key.venue),
            "place_parents": (FrozenMap({value(k): strings(v)
                                         for k, v in key.place_parents.items()})
                              if key.place_parents else _EMPTY),
            "names": (FrozenMap({value(k): value(v) for k, v in key.names.items()})
                      if key.names else _EMPTY),
            "dateline_place": None if key.dateline_place is None else value(key.dateline_place),
            "block": None if block is None else value((block[0], strings(block[1]))),
            "ages": value(key.ages),
            "age_sexes": value(key.age_sexes),
            "roundup": key.roundup,
            "streets": strings(key.streets),
            "outcome": None if key.outcome is None else value(key.outcome),
        }
        shared = object.__new__(EventKey)  # EventKey(**parts), whose fields are checked
        for name in _KEY_FIELDS:
            object.__setattr__(shared, name, parts[name])
        return shared

    def _date(self, date: EventDate | None) -> EventDate | None:
        if date is None:
            return None
        fields_ = (date.lo, date.hi, date.year_known, date.source, date.confident,
                   date.follow_up)
        known = self._dates.get(fields_)
        if known is None:
            value = self.value
            known = EventDate(value(date.lo), value(date.hi), date.year_known,
                              value(date.source), date.confident, date.follow_up)
            self._dates[(known.lo, known.hi, *fields_[2:])] = known
        return known


__all__ = ["FrozenMap", "RecordPool"]
