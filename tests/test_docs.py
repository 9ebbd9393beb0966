"""docs/rules.md is generated from the rule files and must not go stale."""

from __future__ import annotations

from pathlib import Path

from ecslint.docs import rules_page
from helpers import registry

RULES_PAGE = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_page_is_up_to_date():
    assert RULES_PAGE.read_text(encoding="utf-8") == rules_page(registry()), (
        "docs/rules.md is stale: run `ecslint rules --format markdown > docs/rules.md`"
    )


def test_rules_page_has_a_section_with_examples_for_every_rule():
    page = RULES_PAGE.read_text(encoding="utf-8")
    for rule in registry():
        section = page.split(f"\n## {rule.id} {rule.name}\n", 1)[1].split("\n## ", 1)[0]
        for heading in ("### What it does", "### Why is this bad?", "### Example", "### How to fix it"):
            assert heading in section, f"{rule.id}: no {heading!r}"
        assert f"[{rule.id}]" in section, f"{rule.id}: the page does not show what ecslint reports on its example"
