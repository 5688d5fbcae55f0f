"""Document records: what every later stage reads.

A :class:`Document` is one article; a :class:`Skipped` is one input that could not be used,
with the path (and line) and a reason a person understands. Loaders live in :mod:`dedup.loaders`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .dates import published_text
from .errors import InputError, describe

# The progress callback every stage reports to: ``callback(stage, done, total)``.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Document:
    """One news article.

    Attributes:
        id: Unique identifier (for folders: the path relative to the folder, with ``/``).
        text: Article body (may include site chrome; :mod:`dedup.normalize` strips it).
        title: Headline, if known.
        published: Publication date, if known: a string in any form :mod:`dedup.dates`
            reads (ISO 8601, RFC 2822, "May 5, 2023", ...), or a ``date``/``datetime``
            (kept as its ISO string). A value that cannot be read is a warning of the
            document in the result, never an error.
        source: Publisher or site, if known.
        url: Address of the article, if known.
        metadata: Any other fields of the input record, kept untouched.
    """

    id: str
    text: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError(f"The 'id' field must be a non-empty str. Got {self.id!r} instead.")
        if not isinstance(self.text, str):
            raise InputError(
                f"The 'text' field of {self.id!r} must be a str. "
                f"Got {type(self.text).__name__} instead."
            )
        for name in ("title", "source", "url"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(
                    f"The {name!r} field of {self.id!r} must be a str or None. "
                    f"Got {type(value).__name__} instead."
                )
        object.__setattr__(self, "published", published_text(self.published))
        if not isinstance(self.metadata, Mapping):
            raise InputError(
                f"The 'metadata' field of {self.id!r} must be a mapping. "
                f"Got {type(self.metadata).__name__} instead."
            )


@dataclass(frozen=True)
class Skipped:
    """One input that was not used: where it is and why."""

    path: str
    reason: str
    line: int | None = None
    id: str | None = None

    @classmethod
    def internal_error(
        cls, path: str, exc: BaseException, line: int | None = None, id: str | None = None
    ) -> Skipped:
        """The record of an input whose reading or analysis raised ``exc``: a bug in dedup,
        reported as ``internal error: <type>: <message>`` and confined to that input."""
        return cls(path, f"internal error: {describe(exc)}", line, id)

    @classmethod
    def duplicate_id(cls, id: str) -> Skipped:
        """The record of a document given in the library whose id an earlier one has (the
        readers of files name the first place the id was seen instead)."""
        return cls(id, f"duplicate id '{id}'", id=id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "reason": self.reason}
        if self.line is not None:
            out["line"] = self.line
        if self.id is not None:
            out["id"] = self.id
        return out


@dataclass(frozen=True)
class FieldWarning:
    """A field of a document that could not be used (the document itself was): which field,
    the value as given, and why. A date that cannot be read is one."""

    id: str
    field: str
    value: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "field": self.field, "value": self.value, "reason": self.reason}
