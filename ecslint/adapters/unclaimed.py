"""What a document that no adapter claims looked like, for the reason ``--verbose`` gives."""

from __future__ import annotations

import sys

from ecslint.tree import Node

# (keys that must all be present, what such a document is), most specific first.
SHAPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("Resources",), "a CloudFormation template without ECS, IAM, load balancing, EFS or EC2 resources"),
    (("AWSTemplateFormatVersion",), "a CloudFormation template without resources"),
    (("apiVersion", "kind"), "a Kubernetes manifest"),
    (("openapi",), "an OpenAPI document"),
    (("swagger",), "a Swagger document"),
    (("jobs",), "a CI workflow"),
    (("services", "version"), "a Docker Compose file"),
    (("compilerOptions",), "a TypeScript configuration"),
    (("name", "version", "dependencies"), "an npm package.json"),
    (("name", "version", "scripts"), "an npm package.json"),
    (("$schema",), "a JSON Schema or a file that names its schema"),
)


def describe(root: Node) -> str:
    """Why a document is not linted: what it looks like, or that it holds no ECS content."""
    hcl = sys.modules.get("ecslint.hcl")  # (imported by a run that met a .tf file only)
    if hcl is not None and isinstance(root.value, hcl.HclFile):
        calls = root.value.body.blocks_of("module")
        return ("a Terraform file without ECS, IAM, load balancing, EFS or EC2 resources"
                + (" (its module calls are linted where their source is a local directory)" if calls else ""))
    if root.is_map:
        keys = root.value
        kind = next((what for needed, what in SHAPES if all(k in keys for k in needed)), None)
        if kind == "a Kubernetes manifest" and isinstance(keys["kind"].value, str):
            kind = f"a Kubernetes manifest ({keys['kind'].value})"
        return f"{kind}, not ECS content" if kind else "no ECS task definition, service or cluster found"
    if root.is_seq:
        return "a list, not ECS content"
    return "a scalar, not ECS content" if root.value is not None else "empty document"
