#!/usr/bin/env python3
"""How often each rule fires on a corpus of real configurations (``../shared/corpus`` by default).

    python scripts/firing_rates.py [CORPUS] [--rules ECS6,ECS7] [--markdown]

For each rule: the files it reports in, out of the files that hold what it checks (task definitions
for a container rule, clusters for a cluster rule, ...), and its findings, with every rule selected.
A rule that fires on most real files is a policy, not a mistake: it belongs in an opt-in set.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ecslint.config import Config  # noqa: E402
from ecslint.discover import collect  # noqa: E402
from ecslint.engine import lint  # noqa: E402
from ecslint.findings import Violation  # noqa: E402
from ecslint.model import MODEL_KINDS  # noqa: E402
from ecslint.registry import Registry, Rule, load_registry  # noqa: E402

PROBE = "PROBE"  # the id prefix of the rules that count the objects of each kind


def _probe(obj, ctx):
    """Report every object once, at its own node, so the run counts the files that hold its kind."""
    yield Violation(obj.node, "probe")


def _probes() -> list[Rule]:
    return [Rule(id=f"{PROBE}{index:03d}", name=f"probe-{kind.lower()}", level="info", summary=kind, rationale="-",
                 fix="-", check_spec={"applies_to": kind}, _check=_probe)
            for index, kind in enumerate(sorted(MODEL_KINDS), start=1)]


def firing_rates(corpus: str, selectors: list[str]) -> list[dict]:
    """One row per selected rule: its files with findings, the files holding its kinds, its findings."""
    builtin = load_registry(plugins=False)
    probes = _probes()
    registry = Registry([*builtin, *probes])
    result = lint(collect([corpus], lambda path: False, None), registry, Config(select=["ALL"]))
    files_of_kind: dict[str, set[str]] = defaultdict(set)
    files_of_rule: dict[str, set[str]] = defaultdict(set)
    findings: dict[str, int] = defaultdict(int)
    kind_of_probe = {probe.id: probe.summary for probe in probes}
    for finding in result.findings:
        if finding.rule in kind_of_probe:
            files_of_kind[kind_of_probe[finding.rule]].add(finding.path)
        else:
            files_of_rule[finding.rule].add(finding.path)
            findings[finding.rule] += 1
    rows = []
    chosen = Config(select=selectors).resolve(builtin)
    for rule in chosen.values():
        holding = set().union(*(files_of_kind[kind] for kind in rule.applies_to)) if rule.applies_to else set()
        rows.append({"rule": rule.id, "name": rule.name, "level": rule.level, "default": rule.default,
                     "files": len(files_of_rule[rule.id]), "of": len(holding), "findings": findings[rule.id]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rules", default="ALL", help="selectors, comma-separated (default: ALL)")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args()
    rows = firing_rates(args.corpus, [s for s in args.rules.split(",") if s])
    if args.markdown:
        print("| rule | level | set | files it fires in | findings |\n|---|---|---|---|---|")
    for row in rows:
        share = f"{row['files']}/{row['of']}" + (f" ({row['files'] / row['of']:.0%})" if row["of"] else "")
        where = "default" if row["default"] else "opt-in"
        if args.markdown:
            print(f"| {row['rule']} {row['name']} | {row['level']} | {where} | {share} | {row['findings']} |")
        else:
            print(f"{row['rule']}  {row['level']:<7}  {where:<7}  {share:>16}  {row['findings']:>5}  {row['name']}")


if __name__ == "__main__":
    main()
