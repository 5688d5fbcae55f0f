"""Fast pickling for the frozen, slotted dataclasses that cross process boundaries.

A record (:class:`~dedup.analysis.Prepared`, its :class:`~dedup.events.EventKey`,
:class:`~dedup.events.EventDate` and :class:`~dedup.analysis.TextRecord`) is pickled in each
worker process of a batch run and unpickled in the main one, and pickled again between
Spark's stages. A slotted dataclass's own ``__getstate__`` and ``__setstate__`` call
:func:`dataclasses.fields` on every object: measured on 2,000 gva-dev records, pickling and
unpickling took about 65 µs a record each, of which the field lists were most.
:func:`plain_state` gives a class the same state (its field values in field order) read
through one :func:`operator.attrgetter`, about a fourth of that. The state is the one the
dataclass would pickle, so pickles made either way load either way.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T", bound=type)


def plain_state(cls: T) -> T:
    """Give the frozen, slotted dataclass ``cls`` a ``__getstate__`` and ``__setstate__``
    that read and write its fields without :func:`dataclasses.fields` (see the module doc)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    get = operator.attrgetter(*names) if len(names) > 1 else (
        lambda obj: (getattr(obj, names[0]),))
    set_field = object.__setattr__

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return get(self)  # type: ignore[no-any-return]

    def __setstate__(self: Any, state: tuple[Any, ...] | list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            set_field(self, name, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls
