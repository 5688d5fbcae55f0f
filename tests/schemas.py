"""The JSON Schemas of dedup's outputs (``dedup/schema/*.json``) and checks against them.

``conftest.py`` puts :func:`checked` around every function that makes a JSON output, so that
each JSON document and line the test suite produces is validated, whatever the test.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

import dedup

SCHEMAS = Path(dedup.__file__).parent / "schema"
BASE = "https://dedup.invalid/schema/"


@functools.cache
def registry() -> Registry:
    resources = [(BASE + p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8"))))
                 for p in sorted(SCHEMAS.glob("*.json"))]
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str, part: str | None = None) -> jsonschema.Draft202012Validator:
    """The validator of schema file ``name`` (``cluster-v2.json``), or of its ``$defs/part``."""
    schema: dict[str, Any] = {"$ref": BASE + name + (f"#/$defs/{part}" if part else "")}
    return jsonschema.Draft202012Validator(
        schema, registry=registry(), format_checker=jsonschema.FormatChecker()
    )


def check(value: Any, name: str, part: str | None = None) -> Any:
    """``value`` after validating it (raises jsonschema.ValidationError)."""
    validator(name, part).validate(value)
    return value


def checked(make: Callable[..., Any], name: str, part: str | None = None) -> Callable[..., Any]:
    """``make`` (a function returning a JSON value), validating what it returns."""

    @functools.wraps(make)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return check(make(*args, **kwargs), name, part)

    return wrapper


def checked_lines(make: Callable[..., Iterator[Any]], name: str, part: str) -> Callable[..., Any]:
    """``make`` (a generator of JSON values), validating each."""

    @functools.wraps(make)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for value in make(*args, **kwargs):
            yield check(value, name, part)

    return wrapper
