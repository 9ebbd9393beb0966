"""The shared real-world corpus lints without a crash (skipped where ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslint.discover import collect
from helpers import lint_inputs

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this clone")
def test_corpus_lints_without_internal_errors():
    result = lint_inputs(collect([str(CORPUS)], lambda path: False))
    assert not result.internal_errors, result.internal_errors[:5]
    assert len(result.linted) >= 80
    # Only files that really are not JSON/YAML (templates with placeholders) fail to parse.
    assert all(f.rule != "ECS001" or f.path.endswith(".json") for f in result.findings)
