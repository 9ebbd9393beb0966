"""The rule cache never serves rules older than their files, and a cache that cannot be used is none."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecslint import rule_cache
from ecslint.registry import load_dir, load_registry

RULE = """id: ACME001
name: acme-needs-tags
level: {level}
summary: Task definitions are tagged.
rationale: Cost allocation.
fix: Add tags.
check:
  applies_to: TaskDefinition
  schema: {{required: [tags]}}
  message: "{{object}} has no tags"
"""


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ecslint"


def _pack(tmp_path: Path, level: str = "warning") -> Path:
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    (pack / "ACME001.yaml").write_text(RULE.format(level=level))
    return pack


def test_rules_come_from_the_cache_while_the_files_are_unchanged(tmp_path, cache):
    pack = _pack(tmp_path)
    reads = []

    def counting(directory):
        reads.append(directory)
        return load_dir(directory)

    first = rule_cache.cached_rules(pack, counting)
    again = rule_cache.cached_rules(pack, counting)
    assert len(reads) == 1 and [r.level for r in again] == [r.level for r in first] == ["warning"]
    assert list(cache.glob("rules-*.pickle"))


def test_an_edited_rule_file_is_read_again(tmp_path, cache):
    pack = _pack(tmp_path)
    assert load_registry([str(pack)], plugins=False).lookup("ACME001").level == "warning"
    _pack(tmp_path, "error")
    stat = (pack / "ACME001.yaml").stat()
    os.utime(pack / "ACME001.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_registry([str(pack)], plugins=False).lookup("ACME001").level == "error"


def test_a_corrupt_or_unwritable_cache_is_no_cache(tmp_path, cache, monkeypatch):
    pack = _pack(tmp_path)
    load_registry([str(pack)], plugins=False)
    for entry in cache.glob("rules-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert load_registry([str(pack)], plugins=False).lookup("ACME001") is not None
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # a file where the folder would be
    assert load_registry([str(pack)], plugins=False).lookup("ACME001") is not None
