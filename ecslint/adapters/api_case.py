"""Keys written in another case than the ECS API's (``ContainerDefinitions``, ``memoryreservation``),
read as the API's own: tools that decode JSON with Go's decoder (the AWS provider for Terraform,
ecspresso) match keys whatever their case."""

from __future__ import annotations

from functools import lru_cache

from ecslint.tree import Node


@lru_cache(maxsize=1)
def task_definition_schema() -> dict:
    """The ECS API's schema of a task definition (``register-task-definition`` input)."""
    from ecslint.checks.structure import schema

    return schema("task-definition")


def api_cased(node: Node, schema: dict | None = None, root: dict | None = None) -> list[tuple[Node, str, str]]:
    """Rename, in place, the keys of a mapping (and those within it) that ``schema`` (by default a task
    definition's) has in another case; each renamed key: (its node, as written, the API's name)."""
    root = root or task_definition_schema()
    schema = root if schema is None else schema
    if "$ref" in schema:
        schema = root["$defs"].get(schema["$ref"].rsplit("/", 1)[-1], {})
    renamed: list[tuple[Node, str, str]] = []
    if node.is_seq:
        for item in node.value:
            renamed += api_cased(item, schema.get("items", {}), root)
        return renamed
    properties = schema.get("properties")
    if not node.is_map or not properties:
        return renamed
    by_lower = {name.lower(): name for name in properties}
    for key in list(node.value):
        name = key if key in properties else by_lower.get(key.lower())
        if name is None:
            continue
        if name != key and name not in node.value:
            renamed.append((node.key_node(key) or node, key, name))
            node.value = {name if k == key else k: v for k, v in node.value.items()}
            if node.keys is not None:
                node.keys = {name if k == key else k: v for k, v in node.keys.items()}
        renamed += api_cased(node.value[name], properties[name], root)
    return renamed
