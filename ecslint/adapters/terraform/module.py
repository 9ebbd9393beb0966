"""One Terraform module: the ``.tf`` files of a directory, read together so that each file's
resources see the module's variables (their defaults, and values from ``*.tfvars`` files and
``--var-file``), locals and data sources, as Terraform sees them.

Variable values, in the order Terraform applies them: a ``--var-file`` given to ecslint, then
``terraform.tfvars`` and ``*.auto.tfvars`` (which Terraform always loads), then the default. Other
``*.tfvars`` files in the module (``prod.tfvars``) are given at some runs only: a variable they set
is known only when they all agree with that value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ecslint import observed
from ecslint.adapters.terraform.documents import policy_document, render_template
from ecslint.adapters.terraform.evaluate import Scope, evaluate, is_known, plain_json, text_of
from ecslint.hcl import Attribute, Block, Call, Expr, HclFile, Variable, parse
from ecslint.read import ParseError, decode
from ecslint.read import parse as parse_text
from ecslint.tree import Node

AUTO_VAR_FILES = ("terraform.tfvars", "terraform.tfvars.json")
MAX_READ_FILES = 256  # files one module may read with file() and templatefile()


def read_text_file(path: str) -> str | None:
    """A file's text, read as the linter reads its inputs (regular files only, size capped); None if it cannot be."""
    from ecslint.discover import read_file

    item = read_file(path, named=False)
    try:
        return decode(item.data) if item.data is not None else None
    except ParseError:  # binary data: reported when that file is linted itself
        return None


def _join(directory: str, name: str) -> str:
    return os.path.join(directory, name) if directory not in ("", ".") else name


def _var_file_values(path: str, text: str) -> dict[str, Node] | None:
    """The assignments of a ``.tfvars`` (HCL) or ``.tfvars.json`` file; None when it cannot be read."""
    try:
        if path.endswith(".json"):
            root = parse_text(text, "json", path).roots[0]
            return dict(root.value) if root.is_map else None
        parsed = parse(text, path)
    except ParseError:
        return None
    module = Module("", [], [])
    scope = Scope(module, path, "")
    return {name: evaluate(attribute.expr, scope) for name, attribute in parsed.body.attributes.items()}


def _scalar(node: Node, kind: str) -> Node:
    """A primitive value as Terraform converts it to the variable's type (``"8080"`` to 8080 for a number)."""
    value = node.value
    converted = value
    if kind == "number" and isinstance(value, str):
        try:
            converted = int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            return node
    elif kind == "bool" and value in ("true", "false"):
        converted = value == "true"
    elif kind == "string" and isinstance(value, (bool, int, float)) and value is not None:
        converted = text_of(node)
    if converted is value:
        return node
    return Node(converted, node.line, node.col, node.end_line, node.end_col, None, node.tag, node.file)


def typed(node: Node, kind: Expr) -> Node:
    """A variable's value converted to its declared type, as Terraform does: primitives, and lists, sets
    and maps of them (other types are left as given)."""
    if isinstance(kind, Variable) and kind.name in ("number", "string", "bool"):
        return _scalar(node, kind.name) if node.is_scalar else node
    if isinstance(kind, Call) and len(kind.args) == 1 and kind.name in ("list", "set", "map"):
        if node.is_seq and kind.name != "map":
            return Node([typed(item, kind.args[0]) for item in node.value], node.line, node.col, node.end_line,
                        node.end_col, None, node.tag, node.file)
        if node.is_map and kind.name == "map":
            return Node({k: typed(v, kind.args[0]) for k, v in node.value.items()}, node.line, node.col,
                        node.end_line, node.end_col, node.keys, node.tag, node.file)
    return node


@dataclass
class Module:
    """A module's files and what they declare."""

    directory: str
    files: list[HclFile]
    var_files: list[str]  # given to ecslint (--var-file)
    variables: dict[str, tuple[Block, HclFile]] = field(default_factory=dict)
    locals: dict[str, tuple[Attribute, HclFile]] = field(default_factory=dict)
    data: dict[tuple[str, str], tuple[Block, HclFile]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # files read with file()/templatefile(), by path
    attachments: list[tuple[Node, Node]] | None = None  # (role, policy ARN) of attachment resources, once read

    def __post_init__(self) -> None:
        self._values: dict[str, Node | None] = {}
        self._locals: dict[str, Node | None] = {}
        self._evaluating: set[str] = set()
        self._assigned: tuple[dict[str, Node], list[dict[str, Node]]] | None = None
        for hcl in self.files:
            for block in hcl.body.blocks:
                if block.type == "variable" and len(block.labels) == 1:
                    self.variables[block.labels[0]] = (block, hcl)
                elif block.type == "locals":
                    for name, attribute in block.body.attributes.items():
                        self.locals[name] = (attribute, hcl)
                elif block.type == "data" and len(block.labels) == 2:
                    self.data[(block.labels[0], block.labels[1])] = (block, hcl)

    @classmethod
    def of(cls, own: HclFile, var_files: list[str]) -> Module:
        """The module of a file: the ``.tf`` files of its directory, this one as it was given."""
        directory = os.path.dirname(own.path)
        if not observed.isfile(own.path):  # standard input, or a text not read from this path: no module around it
            return cls(directory or ".", [own], var_files)
        files = [own]
        try:
            names = observed.listdir(directory or ".")
        except OSError:
            names = []
        for name in names:
            path = _join(directory, name)
            if not name.endswith(".tf") or os.path.normpath(path) == os.path.normpath(own.path):
                continue
            text = read_text_file(path)
            if text is None:
                continue
            try:
                files.append(parse(text, path))
            except ParseError:
                continue  # reported when that file is linted
        return cls(directory or ".", files, var_files)

    # --- variables --------------------------------------------------------------------------------

    def _var_files(self) -> tuple[dict[str, Node], list[dict[str, Node]]]:
        """What the always-loaded var files (and --var-file) assign, and what each other one assigns."""
        if self._assigned is None:
            always: dict[str, Node] = {}
            others: list[dict[str, Node]] = []
            try:
                names = observed.listdir(self.directory)
            except OSError:
                names = []
            auto = [n for n in names if n in AUTO_VAR_FILES] + \
                [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
            for name in auto + [n for n in names if n.endswith((".tfvars", ".tfvars.json")) and n not in auto]:
                path = _join(self.directory, name)
                text = read_text_file(path)
                values = _var_file_values(path, text) if text is not None else None
                if values is not None:
                    (always.update if name in auto else others.append)(values)  # type: ignore[operator]
            for path in self.var_files:
                text = read_text_file(path)
                values = _var_file_values(path, text) if text is not None else None
                always.update(values or {})
            self._assigned = always, others
        return self._assigned

    def variable(self, name: str) -> Node | None:
        """A variable's value when it is known (see the module docstring)."""
        if name not in self._values:
            self._values[name] = self._variable(name)
        return self._values[name]

    def _variable(self, name: str) -> Node | None:
        always, others = self._var_files()
        value = always.get(name)
        declared = self.variables.get(name)
        if value is None and declared is not None:
            default = declared[0].body.attributes.get("default")
            value = evaluate(default.expr, Scope(self, declared[1].path, "")) if default is not None else None
        if value is None or not is_known(value):
            return None
        kind = declared[0].body.attributes.get("type") if declared is not None else None
        converted = [typed(v, kind.expr) if kind is not None else v for v in [value] + [o[name] for o in others
                                                                                       if name in o]]
        if any(plain_json(v) != plain_json(converted[0]) for v in converted[1:]):
            return None  # another var file gives another value at some runs
        return converted[0]

    # --- locals and data sources -------------------------------------------------------------------

    def local(self, name: str, scope: Scope) -> Node | None:
        if name in self._locals:
            return self._locals[name]
        if name not in self.locals or name in self._evaluating:
            return None  # undeclared, or defined through itself
        attribute, hcl = self.locals[name]
        self._evaluating.add(name)
        try:
            value = evaluate(attribute.expr, scope.deeper(hcl.path, home=""))
        finally:
            self._evaluating.discard(name)
        known = is_known(value) or getattr(value.value, "refers_to", None) is not None
        self._locals[name] = value if known else None  # (a reference is kept: it still links)
        return self._locals[name]

    def data_value(self, kind: str, name: str, attribute: str, scope: Scope) -> Node | None:
        """What a data source gives that is known without AWS: an ``aws_iam_policy_document``'s
        ``json``, a ``template_file``'s ``rendered`` text."""
        found = self.data.get((kind, name))
        if found is None:
            return None
        block, hcl = found
        inner = scope.deeper(hcl.path, home="")
        if kind == "aws_iam_policy_document" and attribute == "json":
            return policy_document(block, inner)
        if kind == "template_file" and attribute == "rendered":
            return self._rendered(block, inner)
        return None

    def _rendered(self, block: Block, scope: Scope) -> Node | None:
        template = block.body.attributes.get("template")
        if template is None:
            return None
        text = evaluate(template.expr, scope)
        if not is_known(text) or not isinstance(text.value, str):
            return None
        names_attribute = block.body.attributes.get("vars")
        names = evaluate(names_attribute.expr, scope) if names_attribute is not None else None
        variables = dict(names.value) if names is not None and names.is_map else {}
        return render_template(text.value, variables, template.expr.span, scope)

    # --- files read by the configuration -----------------------------------------------------------

    def read_text(self, path: str) -> tuple[str, str] | None:
        """A file that ``file()`` or ``templatefile()`` reads (relative to the module), and its text."""
        if os.path.isabs(path) or self.directory in (".", "") or path.startswith(self.directory.rstrip("/") + "/"):
            resolved = path
        else:
            resolved = _join(self.directory, path)
        resolved = os.path.normpath(resolved)
        if resolved not in self.texts:
            if len(self.texts) >= MAX_READ_FILES:
                return None
            text = read_text_file(resolved)
            if text is None:
                return None
            self.texts[resolved] = text
        return resolved, self.texts[resolved]
