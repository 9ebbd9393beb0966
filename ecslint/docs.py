"""Rule documentation, generated from the rule files: ``ecslint explain``, SARIF help, and
``docs/rules.md`` (``ecslint rules --format markdown > docs/rules.md``)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Callable, Iterable

from ecslint.registry import Example, Rule

PAGE_INTRO = """# ecslint rules

Generated from the rule files in `rules/` by `ecslint rules --format markdown > docs/rules.md`;
a test fails when this page is stale. `ecslint explain RULE` prints the same text.

Levels: **error**, AWS rejects the configuration or the task fails to start; **warning**, it works
but is a real mistake; **info**, advice.
"""


OPT_IN_SETS = ("security",)  # the named rule sets that switch opt-in rules on
Reporter = Callable[[Rule, Example], list[str]]
FORMAT_NAMES = {"ecs-api": "ECS API JSON/YAML", "cloudformation": "CloudFormation", "terraform": "Terraform",
                "github-actions": "GitHub Actions workflows"}


def _example_block(example: Example) -> str:
    block = f"```{example.fmt}\n{example.content.rstrip()}\n```"
    if example.options:
        block = f"With `.ecslint.yaml`:\n\n```yaml\n{_options_yaml(example)}\n```\n\n{block}"
    if not example.files:
        return block
    around = "\n\n".join(f"`{name}`:\n\n```{_fence(name)}\n{text.rstrip()}\n```"
                         for name, text in example.files.items())
    return f"`{example.file_name}`:\n\n{block}\n\n{around}"


def _options_yaml(example: Example) -> str:
    """The ``options:`` of a configuration file that gives the settings an example is linted with."""
    return "options:\n" + "\n".join(f"  {rule}: {json.dumps(values)}" for rule, values in example.options.items())


def _fence(name: str) -> str:
    """The language of a code block for a file: its extension (``yml`` as ``yaml``)."""
    extension = name.rsplit(".", 1)[-1]
    return "yaml" if extension == "yml" else extension


def _bad_example(rule: Rule, example: Example, report: Reporter | None) -> str:
    block = _example_block(example)
    if report is None:
        return block
    return block + "\n\necslint reports:\n\n```text\n" + "\n".join(report(rule, example)) + "\n```"


@lru_cache(maxsize=1)
def _builtin_pack():
    from ecslint.registry import load_registry

    return load_registry(plugins=False)


def example_findings(rule: Rule, example: Example) -> list[str]:
    """What ecslint reports for ``rule`` on an example (all rules enabled, as the example tests run it)."""
    from ecslint.config import Config
    from ecslint.examples import lint_example

    result = lint_example(example, _builtin_pack(), Config(select=["ALL"]))
    return [f"{f.path}:{f.line}:{f.col}: {f.level}[{f.rule}] {f.message}" for f in result.findings if f.rule == rule.id]


def rule_markdown(rule: Rule, heading: str = "#", report: Reporter | None = None) -> str:
    """The rule's page in Markdown: what it checks, why, examples (with what ecslint reports on
    them, given ``report``), fix and references."""
    also = "".join(f" · {tool}: {', '.join(ids)}" for tool, ids in sorted(rule.equivalents.items()))
    parts = [
        f"{heading} {rule.id} {rule.name}",
        f"Level: **{rule.level}** · {_default(rule)} · Tags: {', '.join(rule.tags) or '-'} · Inputs: "
        f"{', '.join(FORMAT_NAMES[f] for f in rule.formats)}{also} · Since {rule.since}",
        f"{heading}# What it does\n\n{rule.summary}",
        f"{heading}# Why is this bad?\n\n{rule.rationale}",
    ]
    if rule.options:
        parts.append(f"{heading}# Options\n\n" + "\n".join(
            f"- `{o.name}` (default: `{json.dumps(o.default)}`): {o.description}" for o in rule.options.values()))
    if rule.bad:
        parts.append(f"{heading}# Example\n\n" + "\n\n".join(_bad_example(rule, e, report) for e in rule.bad))
    if rule.good:
        parts.append("Use instead:\n\n" + "\n\n".join(_example_block(e) for e in rule.good))
    parts.append(f"{heading}# How to fix it\n\n{rule.fix}")
    if rule.references:
        parts.append(f"{heading}# References\n\n" + "\n".join(f"- <{ref}>" for ref in rule.references))
    return "\n\n".join(parts) + "\n"


def _default(rule: Rule) -> str:
    """Whether the rule runs by default, or how to turn it on."""
    if rule.default:
        return "On by default"
    sets = [tag for tag in rule.tags if tag in OPT_IN_SETS]
    return f"Opt-in: `extend-select: [{sets[0] if sets else rule.id}]`"


def rules_page(rules: Iterable[Rule]) -> str:
    """The whole rules page: an index table, then one section per rule."""
    rules = list(rules)
    rows = [f"| [{r.id}](#{r.id.lower()}-{r.name}) | {r.name} | {r.level} | {_cell(r.summary)} |" for r in rules]
    table = "| id | name | level | summary |\n|---|---|---|---|\n" + "\n".join(rows)
    return PAGE_INTRO + "\n" + table + "\n\n" + "\n".join(rule_markdown(r, "##", example_findings) for r in rules)


SCANNERS = {"checkov": "checkov", "trivy": "Trivy", "kics": "KICS", "aws-config": "AWS Config",
            "security-hub": "Security Hub"}


def scanners_table(rules: Iterable[Rule]) -> str:
    """The scanners' ECS checks and the ecslint rules that cover them, from the rules' ``equivalents``
    (docs/security.md)."""
    covered: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules:
        for tool, ids in rule.equivalents.items():
            for check in ids if tool in SCANNERS else ():
                covered.setdefault((tool, check), []).append(rule)
    order = list(SCANNERS)
    rows = [f"| {SCANNERS[tool]} | {check[:8] if tool == 'kics' else check} | "
            + ", ".join(f"[{r.id}](rules.md#{r.id.lower()}-{r.name}) {r.name}" + ("" if r.default else " (opt-in)")
                        for r in found) + " |"
            for (tool, check), found in sorted(covered.items(), key=lambda item: (order.index(item[0][0]),
                                                                                 _natural(item[0][1])))]
    return "| scanner | check | ecslint |\n|---|---|---|\n" + "\n".join(rows) + "\n"


def _natural(text: str) -> list[Any]:
    """``ECS.2`` before ``ECS.10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rule_text(rule: Rule) -> str:
    """The rule's page as plain text, for the terminal."""
    parts = [
        f"{rule.id} {rule.name} ({rule.level}{'' if rule.default else '; ' + _default(rule).replace('`', '')})",
        rule.summary,
        f"Why is this bad?\n{_indent(rule.rationale)}",
    ]
    for title, examples in (("Example", rule.bad), ("Use instead", rule.good)):
        for example in examples:
            if example.options:
                parts.append(f"With .ecslint.yaml:\n{_indent(_options_yaml(example))}")
            parts.append(f"{title} ({example.file_name if example.files else example.fmt}):\n"
                         f"{_indent(example.content.rstrip())}")
            parts.extend(f"{name}:\n{_indent(text.rstrip())}" for name, text in example.files.items())
    if rule.options:
        parts.append("Options\n" + "\n".join(f"  {o.name} (default: {json.dumps(o.default)}): {o.description}"
                                             for o in rule.options.values()))
    parts.append(f"How to fix it\n{_indent(rule.fix)}")
    if rule.references:
        parts.append("References\n" + "\n".join(f"  {ref}" for ref in rule.references))
    if rule.tags:
        parts.append(f"Tags: {', '.join(rule.tags)}")
    return "\n\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
