#!/usr/bin/env python3
"""Language server benchmark: diagnostic latency after an edit, and memory after many edits.

    python3 benchmarks/lsp_bench.py [--lines 2000] [--edits 10] [--soak 1000]

Generates a CloudFormation template of about ``--lines`` lines (task definitions, each with a
service linked to it) in a temporary workspace folder, starts ``ecslint server --debounce 0``,
opens the template, then:
- latency: ``--edits`` edits of the buffer (a task's Memory changed, so the findings change), each
  timed from sending didChange to receiving its publishDiagnostics; the median and the range;
- memory: the server's resident set (VmRSS) after initialize, after opening, and after ``--soak``
  more edits, each waited for.
Never run in tests: quote the numbers from one run of this script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from lsp_client import Client  # noqa: E402  (the tests' client)

RESOURCE = """  Task{n}:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app-{n}
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "512"
      Memory: "{memory}"
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: web
          Image: !Sub "${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.amazonaws.com/app-{n}:1.0.{n}"
          Essential: true
          PortMappings:
            - ContainerPort: 8080
          Environment:
            - Name: SERVICE
              Value: app-{n}
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/app-{n}
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: web
  Service{n}:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Task{n}
      DesiredCount: 2
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [subnet-0a1b2c3d4e5f60718]
          SecurityGroups: [sg-0123456789abcdef0]
      LoadBalancers:
        - ContainerName: web
          ContainerPort: 8080
          TargetGroupArn: !Ref TargetGroup
"""
HEADER = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {Port: 8080, Protocol: HTTP, TargetType: ip, VpcId: vpc-0123456789abcdef0}
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: "sts:AssumeRole"}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy]
"""


def template(lines: int, edit: int = 0) -> str:
    """A template of about ``lines`` lines; ``edit`` picks the Memory of the first task (a wrong one when odd)."""
    count = max(1, -(-(lines - HEADER.count("\n")) // RESOURCE.count("\n")))
    return HEADER + "".join(RESOURCE.format(n=n, memory=("8192" if edit % 2 else "1024") if n == 0 else "1024")
                            for n in range(count))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--soak", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ecslint-lsp-bench-"))
    path = folder / "stack.yaml"
    path.write_text(template(args.lines))
    client = Client("--debounce", "0")
    started = time.perf_counter()
    client.initialize(folder)
    print(f"start-up to initialize response: {time.perf_counter() - started:.2f} s")
    pid = client.process.pid
    after_initialize = rss_kib(pid)
    started = time.perf_counter()
    uri = client.open(path)
    client.diagnostics(uri, timeout=120)
    print(f"template: {template(args.lines).count(chr(10))} lines; first diagnostics after didOpen: "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    after_open = rss_kib(pid)
    version = 1
    latencies = []
    for edit in range(1, args.edits + 1):
        version += 1
        started = time.perf_counter()
        client.change(uri, version, template(args.lines, edit))
        found = client.diagnostics(uri, timeout=120)
        latencies.append(time.perf_counter() - started)
        assert any(d["code"] == "ECS202" for d in found) == bool(edit % 2), "the edit did not change the findings"
    median = statistics.median(latencies) * 1000
    print(f"latency after didChange (debounce 0), {args.edits} edits: median {median:.0f} ms "
          f"(min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f})")
    started = time.perf_counter()
    for edit in range(args.soak):
        version += 1
        client.change(uri, version, template(args.lines, edit))
        client.diagnostics(uri, timeout=120)
        client.notifications.clear()
    print(f"RSS: after initialize {after_initialize / 1024:.0f} MiB, after didOpen {after_open / 1024:.0f} MiB, "
          f"after {args.soak} more edits {rss_kib(pid) / 1024:.0f} MiB ({time.perf_counter() - started:.0f} s)")
    client.close()


if __name__ == "__main__":
    main()
