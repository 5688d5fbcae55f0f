"""dedup: exact, near-duplicate and same-event detection for news articles."""

from .config import Config
from .documents import Document, Skipped
from .errors import ConfigError, DedupError, IndexBusy, InputError
from .index import DedupIndex, Verdict
from .pipeline import cluster_documents
from .result import Cluster, ClusterResult, Link

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
