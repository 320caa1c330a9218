"""A JSON Schema (draft 2020-12) for story and chapter files, generated from the format's table.

Editors with the YAML language server use it to complete keys, show the docs' words
as hover text and flag structural mistakes while the author types. It is built from
:mod:`adventure.story.spec`, the table the loader reads its keys from, so the schema
and the loader accept the same keys. The schema checks structure only (keys, shapes,
ids); references, types of stats and expressions are for ``million-miles check``.

Typical use::

    json.dumps(story_schema(), indent=2)
"""

from __future__ import annotations

from typing import Any

from adventure.story import spec
from adventure.story.spec import Key, Part

SCHEMA_ID = "https://million-miles.invalid/schema/story.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_TEXT: dict[str, Any] = {"type": ["string", "number"]}
_ID: dict[str, Any] = {"type": "string", "pattern": spec.ID_PATTERN}
_NAME: dict[str, Any] = {"type": "string", "pattern": spec.NAME_PATTERN}
_SCALAR: dict[str, Any] = {"type": ["string", "integer", "boolean"]}


def _shape(kind: str) -> dict[str, Any]:
    """The schema fragment for a key's kind (see :class:`~adventure.story.spec.Key`)."""
    if kind.startswith("ref:"):
        return {"$ref": f"#/$defs/{kind[4:]}"}
    if kind.startswith("list:"):
        return {"type": "array", "items": {"$ref": f"#/$defs/{kind[5:]}"}}
    shapes: dict[str, dict[str, Any]] = {
        "text": _TEXT,
        "template": _TEXT,
        "shown_as": {"type": "string", "pattern": r"^[^{}]*\{value\}[^{}]*$"},  # {value} once, no other brace
        "id": _ID,
        "name": _NAME,
        "int": {"type": "integer"},
        "bool": {"type": "boolean"},
        "expr": {"type": "string"},
        "condition": {"type": ["string", "boolean"]},
        "value": _SCALAR,
        "ids": {"type": "array", "items": _ID, "minItems": 1},
        "names": {"type": "array", "items": _NAME},
        "files": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "type": {"enum": ["int", "bool", "text"]},
        "stats": {"type": "object", "propertyNames": _NAME, "additionalProperties": {"$ref": "#/$defs/stat"}},
        "effects": {"type": "array", "items": {"$ref": "#/$defs/effect"}},
        "milestone": {"oneOf": [
            {"$ref": "#/$defs/milestone"},
            {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/milestone"}},
        ]},
        "value_map": {"type": "object", "propertyNames": _NAME, "additionalProperties": _SCALAR, "minProperties": 1},
        "goto": {"oneOf": [
            {**_ID, "description": "A scene id."},
            {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/target"},
             "description": "Conditional targets, read top to bottom; the last has no 'if'."},
            {"$ref": "#/$defs/random"},
            {"type": "object", "properties": {"scene": _ID, "ending": _ID}, "additionalProperties": False,
             "minProperties": 1, "maxProperties": 1},
        ]},
    }
    return dict(shapes[kind])


def _key(key: Key) -> dict[str, Any]:
    return {**_shape(key.kind), "description": key.description}


def part_schema(part: Part) -> dict[str, Any]:
    """One part of the format as a closed object schema: known keys, required keys, exclusions."""
    result: dict[str, Any] = {
        "type": "object",
        "description": part.description,
        "properties": {k.name: _key(k) for k in part.keys},
        "additionalProperties": False,
    }
    required = [k.name for k in part.keys if k.required]
    if required:
        result["required"] = required
    if part.one_of:
        result["allOf"] = [{"oneOf": [{"required": [name]} for name in group]} for group in part.one_of]
    return result


def story_schema() -> dict[str, Any]:
    """The whole schema: a file is either a story file or a chapter file."""
    defs = {part.name: part_schema(part) for part in spec.PARTS}
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "Million Miles story file",
        "description": "A story file (story.yaml, with 'stats') or a chapter file (with 'scenes'); "
                       "see docs/authoring.md.",
        "oneOf": [{"$ref": "#/$defs/story"}, {"$ref": "#/$defs/chapter_file"}],
        "$defs": defs,
    }
