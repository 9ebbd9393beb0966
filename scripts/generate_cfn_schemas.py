#!/usr/bin/env python3
"""Generate ``schemas/cloudformation/`` from the CloudFormation resource schemas that cfn-lint ships
as data, and the ECS API model that botocore ships.

- ``<Service>-<Resource>.schema.json``: the resource schema of each type ecslint reads, trimmed to
  what validation uses (no descriptions, handlers or tagging metadata; patterns Python cannot
  compile dropped). ecslint validates template properties against them (ECS111, ECS112, ECS115,
  ECS116).
- ``names.json``: for the ECS resource types, how each CloudFormation property is spelled in the
  ECS API (``NetworkMode`` -> ``networkMode``, ``ProxyConfigurationProperties`` -> ``properties``,
  ``PlacementStrategies`` -> ``placementStrategy``...), found by walking the resource schema and the
  API shapes side by side; ``maps`` marks free-form maps whose keys are never renamed.

cfn-lint is read as data, never imported (importing it costs about a second). Usage, with the
versions pinned in pyproject.toml's ``test`` extra installed::

    python3 scripts/generate_cfn_schemas.py          # write the files
    python3 scripts/generate_cfn_schemas.py --check  # exit 1 when the committed files differ
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_schemas import load_model  # noqa: E402  (the botocore ECS model, as for the API schemas)

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "schemas" / "cloudformation"
REGION = "us-east-1"
# Resource types ecslint reads, and for the ECS ones the API shape a resource corresponds to.
ECS_TYPES = {
    "AWS::ECS::TaskDefinition": "RegisterTaskDefinitionRequest",
    "AWS::ECS::Service": "CreateServiceRequest",
    "AWS::ECS::Cluster": "CreateClusterRequest",
    "AWS::ECS::CapacityProvider": "CreateCapacityProviderRequest",
    "AWS::ECS::ClusterCapacityProviderAssociations": "PutClusterCapacityProvidersRequest",
    "AWS::ECS::TaskSet": "CreateTaskSetRequest",
}
OTHER_TYPES = (
    "AWS::IAM::Role", "AWS::IAM::InstanceProfile", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::ElasticLoadBalancing::LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::EFS::FileSystem", "AWS::EFS::MountTarget", "AWS::EFS::AccessPoint",
    "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration", "AWS::AutoScaling::AutoScalingGroup",
    "AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::Subnet", "AWS::ApplicationAutoScaling::ScalableTarget",
)
# Where the CloudFormation name is not the API name with its first letter lowered, nor the same
# but for case: (definition, CloudFormation property) -> API member. None: no API member.
RENAMED = {
    ("ProxyConfiguration", "ProxyConfigurationProperties"): "properties",
    ("AWS::ECS::Service", "PlacementStrategies"): "placementStrategy",
    ("AWS::ECS::Cluster", "ClusterSettings"): "settings",
    ("AWS::ECS::Cluster", "ClusterName"): "clusterName",
    ("AWS::ECS::ClusterCapacityProviderAssociations", "Cluster"): "cluster",
    ("AWS::ECS::ClusterCapacityProviderAssociations", "DefaultCapacityProviderStrategy"): "defaultCapacityProviderStrategy",
    ("AWS::ECS::TaskSet", "TaskDefinition"): "taskDefinition",
}
# Keywords validation uses; everything else (descriptions, handlers, CloudFormation metadata) goes.
KEEP = {"type", "properties", "patternProperties", "additionalProperties", "required", "enum", "const", "items",
        "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
        "maxLength", "pattern", "$ref", "definitions", "oneOf", "anyOf", "allOf", "not", "dependencies",
        "uniqueItems", "multipleOf", "typeName", "readOnlyProperties"}


def cfn_lint_data() -> tuple[Path, str]:
    """The schema folder of the installed cfn-lint (found, not imported) and cfn-lint's version."""
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("cfn-lint is not installed: pip install '.[test]'")
    package = Path(spec.submodule_search_locations[0])
    version = re.search(r'__version__ = "([^"]+)"', (package / "version.py").read_text()).group(1)
    return package / "data" / "schemas", version


def resource_schema(root: Path, providers: dict[str, str], type_name: str) -> dict[str, Any]:
    return json.loads((root / "resources" / f"{providers[type_name]}.json").read_text(encoding="utf-8"))


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def trim(schema: Any) -> Any:
    """The schema with only the keywords validation uses (and patterns Python can compile)."""
    if isinstance(schema, list):
        return [trim(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: trim(sub) for name, sub in value.items()}
        elif key == "pattern" and not _compiles(value):
            continue
        elif key in KEEP:
            out[key] = trim(value) if key not in ("required", "enum", "const", "readOnlyProperties") else value
    return out


# --- Names ---------------------------------------------------------------------------------------------

def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _definition(schema: dict[str, Any], prop: dict[str, Any]) -> str | None:
    """The definition a property's value (or list items) refers to."""
    for candidate in (prop, prop.get("items") or {}):
        ref = candidate.get("$ref", "")
        if ref.startswith("#/definitions/"):
            return ref.rsplit("/", 1)[1]
    return None


def _is_map(schema: dict[str, Any], prop: dict[str, Any]) -> bool:
    """A free-form map: an object with pattern or additional properties but no named properties."""
    target = prop
    name = _definition(schema, prop)
    if name and "$ref" in prop:
        target = schema["definitions"][name]
    return target.get("type") == "object" and "properties" not in target and (
        "patternProperties" in target or isinstance(target.get("additionalProperties"), dict))


def _api_target(shapes: dict[str, Any], shape_name: str | None) -> str | None:
    """The structure a member shape leads to: itself, or the member of a list."""
    if shape_name is None:
        return None
    shape = shapes[shape_name]
    if shape["type"] == "list":
        return _api_target(shapes, shape["member"]["shape"])
    return shape_name if shape["type"] == "structure" else None


def names_for(schema: dict[str, Any], shapes: dict[str, Any], type_name: str, request: str) -> dict[str, Any]:
    """``{definition: {CloudFormation name: [API name, child definition, kind]}}`` for one resource type;
    kind is "value", "object" (or a list of objects: "list") or "map" (keys kept as written)."""
    table: dict[str, dict[str, list]] = {}
    pending: list[tuple[str, dict[str, Any], str | None]] = [(type_name, schema, request)]
    while pending:
        def_name, def_schema, shape_name = pending.pop()
        if def_name in table:
            continue
        members = shapes[shape_name]["members"] if shape_name else {}
        folded = {m.lower(): m for m in members}
        entries: dict[str, list] = {}
        for cfn, prop in sorted(def_schema.get("properties", {}).items()):
            api = RENAMED.get((def_name, cfn)) or (cfn if cfn in members else None) or folded.get(cfn.lower())
            child = _definition(schema, prop)
            if _is_map(schema, prop):
                kind = "map"
            elif child is not None:
                kind = "list" if prop.get("type") == "array" else "object"
            else:
                kind = "value"
            entries[cfn] = [api or _lower_first(cfn), child if kind in ("object", "list") else None, kind]
            if kind in ("object", "list"):
                member_shape = members[api]["shape"] if api in members else None
                pending.append((child, schema["definitions"][child], _api_target(shapes, member_shape)))
        table[def_name] = entries
    return table


def build() -> dict[str, str]:
    """Every output file's name and text."""
    root, version = cfn_lint_data()
    providers = json.loads((root / "providers" / f"{REGION.replace('_', '-')}.json").read_text(encoding="utf-8"))
    shapes, _, botocore_version = load_model()
    files: dict[str, str] = {}
    names: dict[str, Any] = {
        "$comment": f"Generated by scripts/generate_cfn_schemas.py from cfn-lint {version} and botocore "
                    f"{botocore_version}: CloudFormation property -> [ECS API member, child definition, kind].",
        "types": {},
    }
    for type_name in (*ECS_TYPES, *OTHER_TYPES):
        schema = resource_schema(root, providers, type_name)
        trimmed = trim(schema)
        trimmed["$comment"] = f"Generated by scripts/generate_cfn_schemas.py from cfn-lint {version}; do not edit."
        service, resource = type_name.split("::")[1:]
        files[f"{service}-{resource}.schema.json"] = json.dumps(trimmed, indent=1, sort_keys=True) + "\n"
        if type_name in ECS_TYPES:
            names["types"][type_name] = names_for(schema, shapes, type_name, ECS_TYPES[type_name])
    files["names.json"] = json.dumps(names, indent=1, sort_keys=True) + "\n"
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed files differ")
    args = parser.parse_args()
    files = build()
    if args.check:
        stale = [name for name, text in files.items()
                 if not (OUTPUT_DIR / name).is_file() or (OUTPUT_DIR / name).read_text(encoding="utf-8") != text]
        extra = sorted(p.name for p in OUTPUT_DIR.glob("*.json") if p.name not in files) if OUTPUT_DIR.is_dir() else []
        for name in stale + extra:
            print(f"stale: schemas/cloudformation/{name}")
        return 1 if stale or extra else 0
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUTPUT_DIR / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {OUTPUT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
