"""The one base error of the library, and its few subclasses."""

from __future__ import annotations


class DedupError(Exception):
    """Base class of every error `dedup` raises on purpose."""


class InputError(DedupError):
    """An input path or record cannot be used (the message names it and says why)."""


class ConfigError(DedupError, ValueError):
    """A configuration value is out of range (the message names the parameter).

    ``parameter``, ``requirement`` (such as "in (0, 1]") and ``value`` say the same for a
    caller that words it its own way (the command line names its flags); None where the
    error is about no single parameter."""

    def __init__(
        self, message: str, *, parameter: str | None = None, requirement: str | None = None,
        value: object = None,
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.requirement = requirement
        self.value = value


class IndexBusy(DedupError):
    """A shared index stayed locked by another process for longer than the caller would wait:
    nothing was indexed, and the same call can be made again later."""


def describe(exc: BaseException) -> str:
    """``"<type>: <message>"`` of an exception on one line (the message cut at 300 characters):
    how an internal error is reported, in a skip reason or on the command line."""
    message = " ".join(str(exc).split())[:300]
    return type(exc).__name__ + (f": {message}" if message else "")
