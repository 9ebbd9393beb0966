"""Conformance with the peers' own ECS fixtures (checkov, Trivy, KICS under ``../shared/peer-fixtures``).

Each peer's ``EXPECTED.json`` says, per fixture file, which resources its check expects to fail and
which to pass. A peer check maps to the ecslint rules whose rule file lists it under ``equivalents``
(KICS queries by id or id prefix). A resource counts as reported when one of those rules reports a
finding inside it (its lines, as ``../shared/tools`` finds them), with every rule selected.

``python tests/peer_conformance.py`` prints the coverage per peer.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import lint_inputs, registry  # noqa: E402

from ecslint.engine import Input  # noqa: E402
from ecslint.registry import Rule  # noqa: E402

PEER_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "peer-fixtures"
PEERS = ("checkov", "trivy", "kics")

# Where a peer is wrong, ecslint disagrees with it on purpose: (peer, fixture, resource) -> why.
PEER_BUGS = {
    ("checkov", "tests/terraform/checks/resource/aws/example_ECSContainerPrivilege/main.tf", "aws_ecs_task_definition.fail"):
        "checkov reads the key `privilege`, not `privileged`; the container sets `privilege`, which is not a member "
        "of the ECS API (ECS116 reports it), so the container is not privileged.",
    ("kics", "assets/queries/terraform/aws/ecs_task_definition_volume_not_encrypted/test/positive3.tf",
     "aws_ecs_task_definition.service_2"):
        "KICS flags a bind-mount (host) volume as an unencrypted EFS volume; it has no EFS configuration to encrypt.",
    **{("kics", f"assets/queries/cloudFormation/aws/ecs_task_definition_invalid_cpu_or_memory/test/{name}", resource):
       "KICS judges container-level Cpu/Memory of every task definition against the Fargate table as soon as any "
       "service in the template runs on Fargate; these EC2 task definitions are used by no Fargate service, and "
       "container-level sizes are valid on EC2."
       for name in ("positive1.yaml", "positive2.json") for resource in ("taskdefinition", "taskdefinition2")},
}


@dataclass(frozen=True)
class Verdict:
    """One resource of one peer fixture: what the peer expects and what ecslint reports."""

    peer: str
    check: str
    fixture: str
    resource: str
    peer_fails: bool  # the peer expects the resource to fail its check
    reported: bool  # an equivalent ecslint rule reports it
    rules: tuple[str, ...]

    @property
    def bug(self) -> str | None:
        return PEER_BUGS.get((self.peer, self.fixture, self.resource))

    @property
    def agrees(self) -> bool:
        """Whether ecslint says what the peer says (or, where the peer is wrong, the opposite)."""
        return (self.reported == self.peer_fails) != (self.bug is not None)


def available() -> bool:
    return all((PEER_FIXTURES / peer / "EXPECTED.json").is_file() for peer in PEERS)


def _shared_tools():
    sys.path.insert(0, str(PEER_FIXTURES.parent / "tools"))
    from peer_cfnlint import resource_span
    from peer_scanners import tf_span

    return resource_span, tf_span


def expected(peer: str) -> dict[str, dict]:
    return json.loads((PEER_FIXTURES / peer / "EXPECTED.json").read_text(encoding="utf-8"))["files"]


def check_id(entry: dict) -> str:
    return entry.get("check_id") or entry.get("query_id") or ""


def equivalent_rules(peer: str, check: str) -> list[Rule]:
    """The ecslint rules that check what the peer's ``check`` checks (by the rule files' equivalents)."""
    return [rule for rule in registry() if any(check.upper().startswith(other.upper())
                                                for other in rule.equivalents.get(peer, ()))]


@lru_cache(maxsize=None)
def _finding_lines(path: Path, rules: tuple[str, ...]) -> tuple[int, ...]:
    result = lint_inputs([Input(path.name, path.read_bytes())], ["ALL"])
    return tuple(f.line for f in result.findings if f.rule in rules)


def verdicts() -> list[Verdict]:
    """Every resource of every peer fixture whose check ecslint covers."""
    resource_span, tf_span = _shared_tools()
    found = []
    for peer in PEERS:
        for fixture, entry in sorted(expected(peer).items()):
            path = PEER_FIXTURES / peer / fixture
            rules = tuple(rule.id for rule in equivalent_rules(peer, check_id(entry)))
            if not rules or not path.is_file():
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            span = tf_span if path.suffix == ".tf" else resource_span
            reported_lines = _finding_lines(path, rules)
            for kind in ("fail", "pass"):
                for resource in entry.get(kind, []):
                    where = span(lines, resource.split(".")[-1])
                    if where is None:
                        continue
                    reported = any(where[0] <= line <= where[1] for line in reported_lines)
                    found.append(Verdict(peer, check_id(entry), fixture, resource, kind == "fail", reported, rules))
    return found


def coverage() -> dict[str, dict[str, int]]:
    """Per peer: its checks, those ecslint covers, and the failing resources it expects and ecslint finds."""
    table = {}
    results = verdicts()
    for peer in PEERS:
        entries = expected(peer).values()
        checks = {check_id(e) for e in entries if e.get("fail") or e.get("pass")}
        failing = [(f, r) for f, e in expected(peer).items() if (PEER_FIXTURES / peer / f).is_file()
                   for r in e.get("fail", [])]
        table[peer] = {
            "checks": len(checks),
            "covered": sum(1 for c in checks if equivalent_rules(peer, c)),
            "failing": len(failing),
            "found": sum(1 for v in results if v.peer == peer and v.peer_fails and v.reported),
            "peer_bugs": sum(1 for v in results if v.peer == peer and v.bug),
        }
    return table


def main() -> None:
    total_failing = total_found = 0
    for peer, row in coverage().items():
        total_failing += row["failing"]
        total_found += row["found"]
        print(f"{peer}: checks covered {row['covered']}/{row['checks']}; failing resources found "
              f"{row['found']}/{row['failing']} ({row['peer_bugs']} where the peer is wrong)")
    print(f"all: failing resources found {total_found}/{total_failing} ({total_found / total_failing:.0%})")
    for verdict in verdicts():
        if verdict.peer_fails and not verdict.reported:
            print(f"  not found: {verdict.peer} {verdict.check} {verdict.fixture} {verdict.resource}"
                  + (f" (peer bug: {verdict.bug})" if verdict.bug else ""))


if __name__ == "__main__":
    main()
