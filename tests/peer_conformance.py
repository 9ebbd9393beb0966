"""Conformance with the peers' own ECS fixtures (checkov, Trivy, KICS under ``../shared/peer-fixtures``).

Each peer's ``EXPECTED.json`` says, per fixture file, which resources its check expects to fail and
which to pass. A peer check maps to the ecslint rules whose rule file lists it under ``equivalents``
(KICS queries by id or id prefix). A resource counts as reported when one of those rules reports a
finding inside it (its lines, as ``../shared/tools`` finds them), with every rule selected; where
ecslint reports the problem a peer's check catches by another rule, ``ELSEWHERE`` names it.

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
CMK = "tests/terraform/checks/resource/aws/example_ECSClusterLoggingEncryptedWithCMK/main.tf"
NO_TASKS = "assets/queries/cloudFormation/aws/ecs_service_without_running_tasks/test/"
NETWORK_MODE = "assets/queries/{}/aws/ecs_task_definition_network_mode_not_recommended/test/{}"
PEER_BUGS = {
    ("checkov", "tests/terraform/checks/resource/aws/example_ECSContainerPrivilege/main.tf", "aws_ecs_task_definition.fail"):
        "checkov reads the key `privilege`, not `privileged`; the container sets `privilege`, which is not a member "
        "of the ECS API (ECS116 reports it), so the container is not privileged.",
    ("checkov", "tests/terraform/checks/resource/aws/example_ECSContainerHostProcess/main.tf", "aws_ecs_task_definition.fail"):
        "checkov reads pidMode inside a container definition, where ECS has no such member (ECS116 reports it); "
        "the task's pidMode, which ECS606 reads, is not set.",
    **{("checkov", CMK, f"aws_ecs_cluster.{name}"):
       "logging is not set, so ECS Exec logs as DEFAULT says, through the task definition's awslogs configuration, "
       "and ECS ignores log_configuration; checkov judges the encryption flags of that unused log_configuration."
       for name in ("fail2", "fail3", "fail4", "fail5")},
    ("kics", "assets/queries/terraform/aws/ecs_task_definition_volume_not_encrypted/test/positive3.tf",
     "aws_ecs_task_definition.service_2"):
        "KICS flags a bind-mount (host) volume as an unencrypted EFS volume; it has no EFS configuration to encrypt.",
    **{("kics", f"assets/queries/cloudFormation/aws/ecs_task_definition_invalid_cpu_or_memory/test/{name}", resource):
       "KICS judges container-level Cpu/Memory of every task definition against the Fargate table as soon as any "
       "service in the template runs on Fargate; these EC2 task definitions are used by no Fargate service, and "
       "container-level sizes are valid on EC2."
       for name in ("positive1.yaml", "positive2.json") for resource in ("taskdefinition", "taskdefinition2")},
    ("kics", "assets/queries/cloudFormation/aws/ecs_cluster_not_encrypted_at_rest/test/positive4.json", "service"):
        "TaskDefinition is the literal \"taskdefinition1\", which ECS reads as a task definition family (its latest "
        "ACTIVE revision); KICS takes it for the name of a resource of the template.",
    **{("kics", f"{NO_TASKS}{name}", "service"):
       "the service has DesiredCount 0, so it runs no task, whatever its DeploymentConfiguration says; KICS passes "
       "it because it has one."
       for name in ("negative1.yaml", "negative2.json")},
    ("kics", "assets/queries/terraform/aws/ecs_service_without_running_tasks/test/negative.tf", "aws_ecs_service.negative1"):
        "desired_count is not set, and Terraform's default is 0, so the service runs no task; KICS passes it because "
        "it sets deployment percentages.",
    **{("kics", NETWORK_MODE.format(platform, name), resource):
       "the network mode is none: the task has no network interface to give a security group or flow logs, so awsvpc "
       "would add exposure rather than remove it (ECS623 judges tasks that have a network)."
       for platform, name, resource in (("cloudFormation", "positive1.yaml", "taskdefinition"),
                                        ("terraform", "positive.tf", "aws_ecs_task_definition.positive1"))},
    **{("kics", f"assets/queries/cloudFormation/aws/empty_roles_for_ecs_cluster_task_definitions/test/{name}", "TaskNoRole"):
       "the task definition has no task role, so its containers have no AWS credentials at all, which is the least "
       "privilege there is on Fargate; KICS wants every task definition to have a task role."
       for name in ("positive1.yaml", "positive2.json")},
}

# Where ecslint reports what the peer's check finds by another rule than the check's equivalent (a check
# of the peer that catches, on the way, a problem ecslint has a rule of its own for): -> (rule, why).
ELSEWHERE = {
    **{("kics", f"assets/queries/cloudFormation/aws/empty_roles_for_ecs_cluster_task_definitions/test/{name}",
        "InvalidTaskDefinition"):
       ("ECS130", "TaskDefinition refers to MissingTaskDefinition, which the template does not declare")
       for name in ("positive1.yaml", "positive2.json")},
    ("kics", "assets/queries/cloudFormation/aws/ecs_cluster_not_encrypted_at_rest/test/positive2.yaml", "service"):
        ("ECS130", "TaskDefinition refers to taskdefinition1, which the template does not declare"),
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
            equivalents = tuple(rule.id for rule in equivalent_rules(peer, check_id(entry)))
            if not equivalents or not path.is_file():
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            span = tf_span if path.suffix == ".tf" else resource_span
            for kind in ("fail", "pass"):
                for resource in entry.get(kind, []):
                    where = span(lines, resource.split(".")[-1])
                    if where is None:
                        continue
                    other = ELSEWHERE.get((peer, fixture, resource))
                    rules = equivalents + ((other[0],) if other else ())
                    reported = any(where[0] <= line <= where[1] for line in _finding_lines(path, rules))
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
            "peer_bugs": sum(1 for v in results if v.peer == peer and v.peer_fails and v.bug),
        }
    return table


def main() -> None:
    table = coverage()
    for peer, row in table.items():
        print(f"{peer}: checks covered {row['covered']}/{row['checks']}; failing resources found "
              f"{row['found']}/{row['failing']} ({row['peer_bugs']} of those it expects wrongly)")
    found, failing, wrong = (sum(row[key] for row in table.values()) for key in ("found", "failing", "peer_bugs"))
    print(f"all: failing resources found {found}/{failing} ({found / failing:.0%}); "
          f"of those the peers expect rightly, {found}/{failing - wrong} ({found / (failing - wrong):.0%})")
    for verdict in verdicts():
        if verdict.peer_fails and not verdict.reported:
            print(f"  not found: {verdict.peer} {verdict.check} {verdict.fixture} {verdict.resource}"
                  + (f" (peer bug: {verdict.bug})" if verdict.bug else ""))


if __name__ == "__main__":
    main()
