#!/usr/bin/env python3
"""Generate ``schemas/generated/*.schema.json`` from the ECS API model that ships with botocore.

Each schema describes one kind of object ecslint reads, as the union of the API shapes it may
come in: the input of the calls that create or change it and the output of the call that
describes it. Every member accepts null (console exports are full of nulls), structures forbid
unknown keys, and a member is required only where every input shape requires it and the
describe output always has it. Hand-written limits live in ``schemas/additions.json``, merged
when the schemas are loaded, so regenerating never loses them.

Usage (needs the botocore version pinned in pyproject.toml, e.g. ``pip install '.[test]'``)::

    python3 scripts/generate_schemas.py          # write the files
    python3 scripts/generate_schemas.py --check  # exit 1 when the committed files differ
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "schemas" / "generated"
SERVICE, API_VERSION = "ecs", "2014-11-13"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://github.com/ecslint/ecslint/schemas/generated/"

# kind -> (title, input shapes, describe output shape)
KINDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "task-definition": ("ECS task definition", ("RegisterTaskDefinitionRequest",), "TaskDefinition"),
    "service": ("ECS service", ("CreateServiceRequest", "UpdateServiceRequest"), "Service"),
    "cluster": ("ECS cluster", ("CreateClusterRequest", "PutClusterCapacityProvidersRequest"), "Cluster"),
}
JSON_TYPES = {"string": "string", "blob": "string", "integer": "integer", "long": "integer", "double": "number",
              "float": "number", "boolean": "boolean", "timestamp": ["string", "number"]}

Shapes = dict[str, dict[str, Any]]


def load_model() -> tuple[Shapes, dict[str, Any], str]:
    """The ECS model bundled with the installed botocore: its shapes, metadata and botocore's version."""
    import botocore

    directory = Path(botocore.__file__).parent / "data" / SERVICE / API_VERSION
    plain, packed = directory / "service-2.json", directory / "service-2.json.gz"
    text = plain.read_text(encoding="utf-8") if plain.exists() else gzip.decompress(packed.read_bytes()).decode()
    model = json.loads(text)
    return model["shapes"], model["metadata"], botocore.__version__


def _nullable(types: str | list[str]) -> list[str]:
    return (types if isinstance(types, list) else [types]) + ["null"]


def _reachable(shapes: Shapes, roots: tuple[str, ...]) -> set[str]:
    """Every shape that the ``roots`` use, directly or through other shapes."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        refs = [m["shape"] for m in shape.get("members", {}).values()]
        refs += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
        pending.extend(refs)
    return seen


class Builder:
    """Translates model shapes into JSON Schema, collecting structure definitions in ``defs``."""

    def __init__(self, shapes: Shapes, inputs: set[str]) -> None:
        self.shapes = shapes
        self.inputs = inputs  # shapes that some input shape uses: the only source of `required`
        self.defs: dict[str, Any] = {}

    def value(self, names: list[str]) -> dict[str, Any]:
        """The schema of a value that may be any of the shapes ``names`` (one member of a union)."""
        names = list(dict.fromkeys(names))
        shapes = [self.shapes[n] for n in names]
        kinds = {s["type"] for s in shapes}
        if kinds == {"structure"}:
            return self.structure(names)
        if kinds == {"list"}:
            return {"type": _nullable("array"), "items": self.value([s["member"]["shape"] for s in shapes])}
        if kinds == {"map"}:
            values = self.value([s["value"]["shape"] for s in shapes])
            return {"type": _nullable("object"), "additionalProperties": values}
        types = {json.dumps(JSON_TYPES[kind]) for kind in kinds}
        if len(types) != 1:
            raise ValueError(f"shapes {names} of one member have no common JSON type")
        schema: dict[str, Any] = {"type": _nullable(json.loads(types.pop()))}
        if all("enum" in s for s in shapes):
            schema["enum"] = list(dict.fromkeys(v for s in shapes for v in s["enum"])) + [None]
        return schema

    def structure(self, names: list[str]) -> dict[str, Any]:
        """A reference to the definition of the structure (or union of structures) ``names``."""
        names = sorted(names)
        key = "|".join(names)
        if key not in self.defs:
            self.defs[key] = {}  # placed first: recursive shapes refer to it while it is built
            self.defs[key] = self.object(names, title=key)
        return {"$ref": f"#/$defs/{key}"}

    def object(self, names: list[str], title: str) -> dict[str, Any]:
        """The object schema of the union of the structures ``names``."""
        variants = [self.shapes[n] for n in names]
        if any(v.get("document") for v in variants):
            return {"title": title}
        members: dict[str, list[str]] = {}
        for variant in variants:
            for member, spec in variant["members"].items():
                members.setdefault(member, []).append(spec["shape"])
        schema: dict[str, Any] = {
            "title": title,
            "type": _nullable("object"),
            "properties": {member: self.value(refs) for member, refs in members.items()},
            "additionalProperties": False,
        }
        required = self.required(names)
        if required:
            schema["required"] = required
        return schema

    def required(self, names: list[str]) -> list[str]:
        """Members every input variant requires and every output-only variant has."""
        inputs = [self.shapes[n] for n in names if n in self.inputs]
        if not inputs:
            return []
        outputs = [self.shapes[n] for n in names if n not in self.inputs]
        common = set.intersection(*(set(v.get("required", ())) for v in inputs))
        return sorted(m for m in common if all(m in v["members"] for v in outputs))


def build(kind: str, shapes: Shapes, metadata: dict[str, Any], version: str) -> dict[str, Any]:
    """The schema of one kind of object."""
    title, inputs, output = KINDS[kind]
    builder = Builder(shapes, _reachable(shapes, inputs))
    root = builder.object(list(inputs) + [output], title=title)
    root["type"] = "object"
    return {
        "$schema": SCHEMA_URI,
        "$id": f"{ID_BASE}{kind}.schema.json",
        "$comment": (f"Generated by scripts/generate_schemas.py from the ECS model of botocore {version} "
                     f"(apiVersion {metadata['apiVersion']}): {', '.join(inputs)} and {output}. Do not edit; "
                     "hand-written limits belong in schemas/additions.json."),
        "x-botocore-version": version,
        "x-api-version": metadata["apiVersion"],
        "x-shapes": list(inputs) + [output],
        **root,
        "$defs": builder.defs,
    }


def render(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indentation, a final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """File name -> content of every generated schema."""
    shapes, metadata, version = load_model()
    return {f"{kind}.schema.json": render(build(kind, shapes, metadata, version)) for kind in KINDS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = parser.parse_args(argv)
    stale = []
    for name, text in generate().items():
        path = OUTPUT_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        import botocore

        print(f"schemas/generated/ differs from the model of the installed botocore {botocore.__version__} in: "
              f"{', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
