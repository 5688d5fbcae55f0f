"""dedup: exact, near-duplicate and same-event detection for news articles.

The batch call and the crawler index are imported on first use (``dedup.cluster_documents``,
``dedup.DedupIndex``): they pull in numpy, scipy, scikit-learn and datasketch, which take most
of a second to import, and ``import dedup`` or ``dedup --help`` need none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .config import Config
from .documents import Document, Skipped
from .errors import ConfigError, DedupError, IndexBusy, InputError
from .result import Cluster, ClusterResult, Link

if TYPE_CHECKING:
    from .index import DedupIndex, Verdict
    from .pipeline import cluster_documents

__all__ = [
    "Cluster",
    "ClusterResult",
    "Config",
    "ConfigError",
    "DedupError",
    "DedupIndex",
    "Document",
    "IndexBusy",
    "InputError",
    "Link",
    "Skipped",
    "Verdict",
    "cluster_documents",
]
__version__ = "0.1.0"

# The public names whose modules are heavy to import, and where each lives.
_LAZY = {"DedupIndex": "index", "Verdict": "index", "cluster_documents": "pipeline"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dedup' has no attribute '{name}'")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
