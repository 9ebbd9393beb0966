"""The model objects of one ``.tf`` file: each modeled resource's arguments evaluated in its module,
spelled as CloudFormation would give them, then made canonical as a template's are.

A role gains the managed policies that ``aws_iam_role_policy_attachment`` resources of its module
attach to it, so what a role may do is read the same way whichever way it is written. A cluster, service
or task definition has the tags AWS gives it (``tags_all``): its own over the ``default_tags`` of its
``aws`` provider; in a module that configures no ``aws`` provider, a parent module's may add any, so its
tags are unknown.
"""

from __future__ import annotations

from ecslint.adapters.cloudformation.names import canonical
from ecslint.adapters.cloudformation.resources import BUILDERS
from ecslint.adapters.terraform.evaluate import Scope, evaluate, node_at, opaque
from ecslint.adapters.terraform.mapping import convert, count_is_zero, rule_items, values_of
from ecslint.adapters.terraform.module import Module
from ecslint.adapters.terraform.specs import ATTACHMENTS, RESOURCES, TAGGED
from ecslint.hcl import Block, HclFile
from ecslint.model import ModelObject, Resource, Source, literal_str
from ecslint.model.values import Unresolved
from ecslint.tree import Node, as_str


# Arguments of a DAEMON service that the AWS provider leaves out of its requests.
DAEMON_UNSENT = ("desired_count", "deployment_maximum_percent")


def _resource_node(block: Block, scope: Scope) -> Node:
    """The resource's own attributes, as the model reads them: its type, and ``DependsOn`` (the
    addresses of ``depends_on``)."""
    members = {"Type": node_at(block.head, block.labels[0], scope)}
    depends = block.body.attributes.get("depends_on")
    if depends is not None:
        items = getattr(depends.expr, "items", [])
        members["DependsOn"] = node_at(depends.expr.span, [node_at(i.span, i.text.split("[")[0], scope)
                                                           for i in items], scope)
    return node_at(block.span, members, scope, dict(members))


def _attachments(module: Module) -> list[tuple[Node, Node]]:
    """Each (role, policy ARN) that an attachment resource of the module attaches."""
    found = []
    for hcl in module.files:
        for block in hcl.body.blocks_of("resource"):
            if len(block.labels) != 2 or block.labels[0] not in ATTACHMENTS:
                continue
            scope = Scope(module, hcl.path, "")
            body = block.body.attributes
            policy = body.get("policy_arn")
            roles = body.get("role") or body.get("roles")
            if policy is None or roles is None:
                continue
            policy_node, role_nodes = evaluate(policy.expr, scope), evaluate(roles.expr, scope)
            for role in role_nodes.value if role_nodes.is_seq else [role_nodes]:
                found.append((role, policy_node))
    return found


def _names_role(value: Node, address: str, name: str | None) -> bool:
    """Whether an attachment's ``role`` is this role: a reference to it, or its name."""
    if isinstance(value.value, Unresolved):
        return value.value.refers_to == address
    return name is not None and literal_str(value) == name


def _with_attachments(values: Node, address: str, module: Module) -> None:
    """Add to a role's ``managed_policy_arns`` the policies attachment resources attach to it."""
    if module.attachments is None:
        module.attachments = _attachments(module)
    name = literal_str(values.get("name"))
    attached = [policy for role, policy in module.attachments if _names_role(role, address, name)]
    if not attached:
        return
    managed = values.get("managed_policy_arns")
    if managed is None or managed.value is None:  # at the role's block
        managed = Node([], values.line, values.col, values.line, values.col + 1, None, None, values.file)
        values.value["managed_policy_arns"] = managed
        values.keys["managed_policy_arns"] = managed  # type: ignore[index]
    if managed.is_seq:  # (an unknown list stays unknown)
        managed.value.extend(attached)


def _provider_alias(block: Block) -> str | None:
    """The alias of the ``aws`` provider a resource names (``provider = aws.east``), or None for the default."""
    provider = block.body.attributes.get("provider")
    text = provider.expr.text.strip() if provider is not None else ""
    return text.split(".", 1)[1] if text.startswith("aws.") else None


def _default_tags(module: Module, alias: str | None) -> Node | None | bool:
    """The ``default_tags`` tags of the module's ``aws`` provider of that alias: a map (empty when it has
    none), an unknown value, or False when the module configures no such provider."""
    for hcl in module.files:
        for provider in hcl.body.blocks_of("provider"):
            if provider.labels != ["aws"]:
                continue
            scope = Scope(module, hcl.path, "")
            named = provider.body.attributes.get("alias")
            if (literal_str(evaluate(named.expr, scope)) if named is not None else None) != alias:
                continue
            blocks = provider.body.blocks_of("default_tags")
            tags = blocks[0].body.attributes.get("tags") if blocks else None
            return evaluate(tags.expr, scope) if tags is not None else \
                Node({}, provider.head.line, provider.head.col, provider.head.end_line, provider.head.end_col, {})
    return False


def _first_member(values: Node, block: Block, scope: Scope) -> Node:
    """Where tags a resource does not write itself are shown: at its first argument (so that the arguments
    written keep their order, for edits that add one before the first), or its head when it has none."""
    keys = list(values.keys.values()) if values.keys else []
    first = min(keys, key=lambda k: (k.line, k.col)) if keys else node_at(block.head, None, scope)
    return Node(None, first.line, first.col, first.end_line, first.end_col, None, None, first.file)


def _with_default_tags(values: Node, block: Block, module: Module, scope: Scope) -> None:
    """Set a resource's ``tags`` to the tags AWS gives it: its own over its provider's default tags."""
    own = values.get("tags")
    defaults = _default_tags(module, _provider_alias(block))
    if defaults is not False and (own is None or own.value is None) and defaults.is_map and not defaults.value:
        return  # no tags at all
    at = own if own is not None else _first_member(values, block, scope)
    if defaults is False or not defaults.is_map or (own is not None and own.value is not None and not own.is_map):
        merged = Node(opaque(f"tags_all of {block.labels[0]}.{block.labels[1]}"), at.line, at.col, at.end_line,
                      at.end_col, None, None, at.file)
    else:
        mine = own if own is not None and own.is_map else Node({}, at.line, at.col, at.end_line, at.end_col, {})
        merged = Node({**defaults.value, **mine.value}, at.line, at.col, at.end_line, at.end_col,
                      {**(defaults.keys or {}), **(mine.keys or {})}, None, at.file)
    values.value["tags"] = merged
    if values.keys is not None and "tags" not in values.keys:
        values.keys["tags"] = at


def objects(module: Module, hcl: HclFile, source: Source) -> list[ModelObject]:
    """The model objects of the modeled resources of ``hcl``."""
    made: list[ModelObject] = []
    for block in hcl.body.blocks_of("resource"):
        if len(block.labels) != 2 or block.labels[0] not in RESOURCES:
            continue
        kind, name = block.labels
        address = f"{kind}.{name}"
        scope = Scope(module, hcl.path, hcl.path)
        if count_is_zero(block, scope):
            continue
        values = values_of(block.body, block.span, scope)
        if kind == "aws_iam_role":
            _with_attachments(values, address, module)
        if kind in TAGGED:
            _with_default_tags(values, block, module, scope)
        if kind == "aws_ecs_service" and as_str(values.get("scheduling_strategy")) == "DAEMON":
            for name in DAEMON_UNSENT:  # the provider does not send them for a DAEMON service
                values.value.pop(name, None)
        made.extend(model_objects(kind, values, _resource_node(block, scope), source, module.directory, address,
                                  address, scope))
    return made


def model_objects(kind: str, values: Node, resource_node: Node, source: Source, scope_name: str, logical_id: str,
                  address: str, scope: Scope) -> list[ModelObject]:
    """The model objects of one resource from its values (evaluated, or a plan's): known in its module
    (``scope_name``) by ``logical_id``, named in messages by its full ``address``."""
    cfn_type, spec = RESOURCES[kind]
    properties = convert(values, spec, scope)
    items = [properties]
    if kind == "aws_security_group_rule":
        egress = as_str(values.get("type")) == "egress"
        cfn_type = "AWS::EC2::SecurityGroupEgress" if egress else cfn_type
        items = rule_items(values, properties, egress)
    made = []
    for item in items:
        resource = Resource(logical_id, kind, resource_node, item, scope=scope_name, address=address)
        made.append(BUILDERS[cfn_type](canonical(cfn_type, item), source, resource))
    return made
