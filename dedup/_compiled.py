"""The compiled helpers of ``dedup/_scan.c`` and ``dedup/_minhash.c``, each ``None`` where its
extension is not built (no C compiler at install time) or ``DEDUP_PURE_PYTHON`` is set in the
environment. Every caller has a pure-Python path that gives the same results; the tests
compare both."""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable
from typing import Any

scan: Callable[..., Any] | None = None
cap_runs: Callable[..., Any] | None = None
row_dots: Callable[..., Any] | None = None
name_runs: Callable[..., Any] | None = None
run_parts: Callable[..., Any] | None = None
count_rows: Callable[..., Any] | None = None
normalize: Callable[..., Any] | None = None
top_columns: Callable[..., Any] | None = None
line_keys: Callable[..., Any] | None = None
signatures: Callable[..., Any] | None = None  # dedup._minhash, built apart
pair_jaccards: Callable[..., Any] | None = None
SLOT_SIZE = 32  # bytes per slot of scan's token cache (the module says)

if not os.environ.get("DEDUP_PURE_PYTHON"):
    try:
        _module = importlib.import_module("dedup._scan")
    except ImportError:
        _module = None
    if _module is not None:
        scan, cap_runs, row_dots = _module.scan, _module.cap_runs, _module.row_dots
        SLOT_SIZE = _module.SLOT_SIZE
        name_runs, run_parts = _module.name_runs, _module.run_parts
        count_rows, normalize = _module.count_rows, _module.normalize
        top_columns = _module.top_columns
        line_keys = _module.line_keys
    with contextlib.suppress(ImportError):
        _minhash = importlib.import_module("dedup._minhash")
        signatures, pair_jaccards = _minhash.signatures, _minhash.pair_jaccards

COMPILED = scan is not None
