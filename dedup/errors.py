"""The one base error of the library, and its few subclasses."""

from __future__ import annotations


class DedupError(Exception):
    """Base class of every error `dedup` raises on purpose."""


class InputError(DedupError):
    """An input path or record cannot be used (the message names it and says why)."""


class ConfigError(DedupError, ValueError):
    """A configuration value is out of range (the message names the parameter)."""


class IndexBusy(DedupError):
    """A shared index stayed locked by another process for longer than the caller would wait:
    nothing was indexed, and the same call can be made again later."""


def describe(exc: BaseException) -> str:
    """``"<type>: <message>"`` of an exception on one line (the message cut at 300 characters):
    how an internal error is reported, in a skip reason or on the command line."""
    message = " ".join(str(exc).split())[:300]
    return type(exc).__name__ + (f": {message}" if message else "")
