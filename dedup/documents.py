"""Document records: what every later stage reads.

A :class:`Document` is one article; a :class:`Skipped` is one input that could not be used,
with the path (and line) and a reason a person understands. Loaders live in :mod:`dedup.loaders`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import describe


@dataclass(frozen=True)
class Document:
    """One news article.

    Attributes:
        id: Unique identifier (for folders: the path relative to the folder, with ``/``).
        text: Article body (may include site chrome; :mod:`dedup.normalize` strips it).
        title: Headline, if known.
        published: Publication date or datetime as an ISO 8601 string, if known.
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

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "reason": self.reason}
        if self.line is not None:
            out["line"] = self.line
        if self.id is not None:
            out["id"] = self.id
        return out
