"""References in a template: every ``Ref``, ``Fn::GetAtt``, ``${Name}`` of ``Fn::Sub`` and ``DependsOn``
must name something the template declares, or CloudFormation rejects the whole template."""

from __future__ import annotations

import re
from typing import Iterator

from ecslint.findings import Violation
from ecslint.model import Declarations, ModelObject
from ecslint.tree import Node
from ecslint.wording import closest

# A ``${...}`` of Fn::Sub: a name, or a resource's attribute (``${Role.Arn}``); ``${!Literal}`` is text.
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z0-9]+$")
UNRESOLVED = "Template format error: Unresolved resource dependencies [{}] in the Resources block of the template"
GETATT = "Template error: instance of Fn::GetAtt references undefined resource {}"
ALIKE = 0.85  # how alike a declared name must be to be suggested (logical ids often share words: WebCluster)


def _sub_names(text: str, variables: set[str]) -> Iterator[str]:
    """The names a Fn::Sub string refers to: ``Name``, or ``Name.Attribute`` for a resource's attribute."""
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name.split(".", 1)[0] not in variables and not name.startswith("!"):
            yield name


def references(resource: Node) -> Iterator[tuple[Node, str, str]]:
    """Each reference a resource makes in its properties and ``DependsOn``: (where, the name, how: ``Ref``,
    ``Fn::GetAtt``, ``Fn::Sub`` or ``DependsOn``). A snippet given to ``Fn::Transform`` is the macro's."""
    depends = resource.get("DependsOn")
    for item in (depends.elements() if depends is not None and depends.is_seq else [depends] if depends is not None
                 else []):
        if isinstance(item.value, str):
            yield item, item.value, "DependsOn"
    pending = [resource.get("Properties")] if resource.get("Properties") is not None else []
    while pending:
        node = pending.pop()
        if node.is_seq:
            pending.extend(node.value)
        if not node.is_map:
            continue
        name, argument = next(iter(node.value.items())) if len(node.value) == 1 else (None, None)
        if name == "Ref" and isinstance(argument.value, str):
            yield argument, argument.value, "Ref"
        elif name == "Fn::GetAtt":
            first = argument.value[0] if argument.is_seq and argument.value else argument
            if isinstance(first.value, str):
                yield first, first.value.split(".", 1)[0], "Fn::GetAtt"
            pending.extend(argument.elements()[1:])
        elif name == "Fn::Sub":
            pair = argument.is_seq and len(argument.value) == 2
            template, variables = (argument.value[0], argument.value[1]) if pair else (argument, None)
            if isinstance(template.value, str) and (variables is None or variables.is_map):
                for used in _sub_names(template.value, set(variables.value) if variables is not None else set()):
                    yield template, used, "Fn::Sub"
            if variables is not None:
                pending.append(variables)
        elif name != "Fn::Transform":
            pending.extend(node.value.values())


def _problem(name: str, how: str, declared: Declarations) -> str | None:
    """Why a reference is not resolved, what CloudFormation says, and what to do; None when it is resolved
    (or may be)."""
    base, _, attribute = name.partition(".")
    if not _NAME.match(base):
        return None  # not a logical id or a parameter's name (a placeholder another tool fills in): not judged
    resources = sorted(declared.resources)
    if how == "Fn::GetAtt" or attribute or how == "DependsOn":
        if declared.resource(base):
            return None
        error = GETATT.format(base) if how == "Fn::GetAtt" else UNRESOLVED.format(base) if how == "DependsOn" else ""
        if base in declared.parameters:
            what, fix = "a parameter, not a resource", f"A parameter has no attributes: read its value with Ref {base}."
        else:
            what, fix = "not a resource of the template", _fix(closest(base, resources, ALIKE), "add the resource")
    else:
        if declared.value(base):
            return None
        error = UNRESOLVED.format(base)
        what = "neither a resource of the template, nor a parameter, nor a pseudo parameter"
        fix = _fix(closest(base, resources + sorted(declared.parameters), ALIKE),
                   "declare it (a resource, or a parameter the stack is given)")
        if how == "Fn::Sub":
            fix += f" For the text ${{{base}}} itself, write ${{!{base}}}."
    rejects = f"CloudFormation rejects the template with \"{error}\"" if error else \
        "CloudFormation rejects the template"
    return f"'{base}', {what}; {rejects}. {fix}"


def _fix(suggestion: str | None, otherwise: str) -> str:
    return f"Did you mean '{suggestion}'?" if suggestion else f"Correct the name, or {otherwise}."


def unresolved_reference(obj: ModelObject, ctx) -> Iterator[Violation]:
    """A reference of the resource that names nothing its template declares."""
    resource = obj.resource
    declared = resource.declared if resource is not None else None
    if declared is None:
        return
    for node, name, how in references(resource.node):
        problem = _problem(name, how, declared)
        if problem is not None:
            where = f"'${{{name}}}' of Fn::Sub" if how == "Fn::Sub" else how
            # (CloudFormation checks every reference, whatever the conditions that create the resource)
            yield Violation(node, f"{where} in {resource.label} names {problem}", unconditional=True)
