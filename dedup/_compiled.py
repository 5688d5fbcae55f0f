"""The compiled helpers of ``dedup/_scan.c``, ``dedup/_minhash.c`` and ``dedup/_pairs.c``, each
``None`` where its extension is not built (no C compiler at install time) or where it is
switched off. Every caller has a pure-Python path that gives the same results; the tests
compare both.

Switching kernels off (``DEDUP_PURE_PYTHON`` in the environment, read once at import):

* unset or empty: every kernel that is built runs;
* ``1`` (also ``all``, ``true``, ``yes``): none runs, everything takes its Python path;
* a comma-separated list of kernel names (:data:`KERNELS`), such as
  ``DEDUP_PURE_PYTHON=scan,signatures``: those kernels alone take their Python path. A
  name that is no kernel is an error (a typo would otherwise measure the wrong thing).
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable
from typing import Any

KERNELS = ("scan", "cap_runs", "name_runs", "run_parts", "line_keys", "signatures", "pair_dots")
"""Every compiled kernel, by the name of its function (and of its attribute here)."""

_ALL = {"1", "all", "true", "yes"}


def switched_off(value: str | None) -> frozenset[str]:
    """The kernels that ``DEDUP_PURE_PYTHON=value`` switches off."""
    value = (value or "").strip()
    if not value:
        return frozenset()
    if value.lower() in _ALL:
        return frozenset(KERNELS)
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = sorted(names.difference(KERNELS))
    if unknown:
        raise ValueError(
            f"DEDUP_PURE_PYTHON={value!r}: {', '.join(unknown)} is no compiled kernel; "
            f"use 1 (all of them) or names among {', '.join(KERNELS)}"
        )
    return frozenset(names)


OFF = switched_off(os.environ.get("DEDUP_PURE_PYTHON"))
"""The kernels switched off in this process."""

scan: Callable[..., Any] | None = None
cap_runs: Callable[..., Any] | None = None
name_runs: Callable[..., Any] | None = None
run_parts: Callable[..., Any] | None = None
line_keys: Callable[..., Any] | None = None
signatures: Callable[..., Any] | None = None  # dedup._minhash, built apart
pair_dots: Callable[..., Any] | None = None  # dedup._pairs, built apart
SLOT_SIZE = 32  # bytes per slot of scan's token cache (the module says)

BUILT: frozenset[str] = frozenset()
"""The kernels whose extension is built and imports here, switched off or not."""

for _name in ("dedup._scan", "dedup._minhash", "dedup._pairs"):
    with contextlib.suppress(ImportError):
        _module = importlib.import_module(_name)
        _found = {k: getattr(_module, k) for k in KERNELS if hasattr(_module, k)}
        BUILT |= _found.keys()
        globals().update({k: f for k, f in _found.items() if k not in OFF})
        SLOT_SIZE = getattr(_module, "SLOT_SIZE", SLOT_SIZE)

COMPILED = not OFF and BUILT == frozenset(KERNELS)
"""Whether every kernel is built and none is switched off."""
