"""``million-miles schema``: one JSON Schema for story and chapter files, generated from the loader's table.

Every shipped and fixture story validates; each broken fixture (tests/fixtures/broken)
fails it; the schema's keys are the loader's keys and the docs' keys.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from adventure.cli import main
from adventure.story import builder, spec
from adventure.story.schema import story_schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STORY_FILES = sorted([*ROOT.glob("scenes/*.yaml"), *(p for p in FIXTURES.rglob("*.yaml") if "broken" not in p.parts)])
BROKEN = {
    "choice-without-label.yaml": "'label' is a required property",
    "goto-and-ending.yaml": "is valid under each of",
    "stats-in-chapter.yaml": "'stats' was unexpected",
    "unknown-effect.yaml": "'sub' was unexpected",
    "remember-list.yaml": "is not of type 'string', 'number'",
    "story-without-stats.yaml": "'stats' is a required property",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = story_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_command_prints_the_schema(capsys, tmp_path):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == story_schema()
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == printed


def test_a_file_that_cannot_be_written_is_a_usage_error(capsys, tmp_path):
    """``schema`` documents exit codes 0 and 2 only: an unwritable ``-o`` is 2, and the file is named."""
    target = tmp_path / "no-such-folder" / "s.json"
    assert main(["schema", "-o", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"cannot write '{target}'" in captured.err and "Traceback" not in captured.err


def test_the_installed_command_prints_it_too(command):
    result = subprocess.run([command, "schema"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and json.loads(result.stdout)["$defs"]["scene"]


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_and_fixture_story_file_validates(validator, path):
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_the_story_files_were_found():
    assert len(STORY_FILES) >= 15 and any(p.name == "story.yaml" for p in STORY_FILES)


def _all_messages(error: jsonschema.ValidationError) -> str:
    found = [error.message]
    for sub in error.context or ():
        found.append(_all_messages(sub))
    return "\n".join(found)


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_fixtures_fail_it_for_the_right_reason(validator, name):
    data = yaml.safe_load((FIXTURES / "broken" / name).read_text(encoding="utf-8"))
    errors = list(validator.iter_errors(data))
    assert errors, f"{name} passed the schema"
    assert BROKEN[name] in "\n".join(_all_messages(e) for e in errors)


def test_the_broken_fixtures_are_all_listed():
    assert {p.name for p in (FIXTURES / "broken").glob("*.yaml")} == set(BROKEN)


def test_the_schema_and_the_loader_read_one_table():
    """No drift: the loader's allowed keys are the schema's properties, part by part."""
    defs = story_schema()["$defs"]
    pairs = {"story": builder.STORY_KEYS, "stat": builder._STAT_KEYS, "scene": builder._SCENE_KEYS,
             "choice": builder._CHOICE_KEYS, "target": builder._TARGET_KEYS, "outcome": builder._RANDOM_KEYS,
             "ending": builder._ENDING_KEYS, "chapter": builder._CHAPTER_KEYS,
             "chapter_file": builder._CHAPTER_FILE_KEYS}
    for part, allowed in pairs.items():
        assert list(defs[part]["properties"]) == list(allowed), part
        assert defs[part].get("required", []) == [k for k, required in allowed.items() if required], part
    for part in spec.PARTS:
        for key in part.keys:
            assert defs[part.name]["properties"][key.name]["description"] == key.description


DOC = ROOT / "docs" / "authoring.md"
DOC_TABLES = {"Stats": spec.STAT, "Endings": spec.ENDING, "Scenes": spec.SCENE, "Choices": spec.CHOICE,
              "Presentation": spec.PRESENTATION}


@pytest.mark.parametrize("heading", list(DOC_TABLES))
def test_the_docs_list_exactly_the_keys_the_loader_reads(heading):
    text = DOC.read_text(encoding="utf-8")
    section = re.search(rf"^### {heading}\n(.*?)(?=^#)", text, re.S | re.M)
    assert section, f"no '### {heading}' section in docs/authoring.md"
    keys: list[str] = []
    for row in re.findall(r"^\| (`[^|]+`) \|", section.group(1), re.M):
        keys.extend(re.findall(r"`([a-z_]+)`", row))
    assert sorted(keys) == sorted(k.name for k in DOC_TABLES[heading].keys)
