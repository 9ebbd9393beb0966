"""Rule documentation, generated from the rule files: ``ecslint explain`` and SARIF help."""

from __future__ import annotations

from ecslint.registry import Example, Rule


def _example_block(example: Example) -> str:
    return f"```{example.fmt}\n{example.content.rstrip()}\n```"


def rule_markdown(rule: Rule, heading: str = "#") -> str:
    """The rule's page in Markdown: what it checks, why, examples, fix and references."""
    parts = [
        f"{heading} {rule.id} {rule.name}",
        f"Level: **{rule.level}** · Tags: {', '.join(rule.tags) or '-'} · Since {rule.since}",
        f"{heading}# What it does\n\n{rule.summary}",
        f"{heading}# Why is this bad?\n\n{rule.rationale}",
    ]
    if rule.bad:
        parts.append(f"{heading}# Example\n\n" + "\n\n".join(_example_block(e) for e in rule.bad))
    if rule.good:
        parts.append("Use instead:\n\n" + "\n\n".join(_example_block(e) for e in rule.good))
    parts.append(f"{heading}# How to fix it\n\n{rule.fix}")
    if rule.references:
        parts.append(f"{heading}# References\n\n" + "\n".join(f"- <{ref}>" for ref in rule.references))
    return "\n\n".join(parts) + "\n"


def rule_text(rule: Rule) -> str:
    """The rule's page as plain text, for the terminal."""
    parts = [
        f"{rule.id} {rule.name} ({rule.level})",
        rule.summary,
        f"Why is this bad?\n{_indent(rule.rationale)}",
    ]
    for title, examples in (("Example", rule.bad), ("Use instead", rule.good)):
        for example in examples:
            parts.append(f"{title} ({example.fmt}):\n{_indent(example.content.rstrip())}")
    parts.append(f"How to fix it\n{_indent(rule.fix)}")
    if rule.references:
        parts.append("References\n" + "\n".join(f"  {ref}" for ref in rule.references))
    if rule.tags:
        parts.append(f"Tags: {', '.join(rule.tags)}")
    return "\n\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
