"""The rule registry: rule metadata and checks, read from rule files.

A rule file (``rules/ECS201.yaml``) holds everything about one rule: id, name, level, summary,
rationale, fix, references, tags, bad and good examples, and its check, which is either a
declarative condition (a JSON Schema over a model object) or the dotted path of a Python
function. Python checks are imported only when their rule runs. Third-party packs come from
the ``ecslint.rules`` entry-point group and from ``--rules-dir``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ecslint.findings import LEVELS
from ecslint.model import MODEL_KINDS
from ecslint.resources import data_dir

ENTRY_POINT_GROUP = "ecslint.rules"
DOCS_URL = "https://github.com/ecslint/ecslint/blob/main/docs/rules.md#{anchor}"
ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Rules whose findings the engine itself produces (reading problems, suppressions).
# The input formats, as their adapters name them; a rule's findings come from the first three unless it says.
# The input formats, as their adapters name them; a rule's findings come from the first three unless it says.
FORMATS = ("ecs-api", "cloudformation", "terraform", "github-actions")
EXAMPLE_EXTENSIONS = {"json": "json", "yaml": "yaml", "terraform": "tf"}  # an example's format: its file extension
ENGINE_CHECKS = ("syntax-error", "duplicate-key", "unused-suppression", "too-many-findings", "shipped-findings")


class RuleError(Exception):
    """A rule file that cannot be used."""


@dataclass
class Example:
    """An example from a rule file: a whole input, and for bad ones the lines that must be reported.
    ``fmt`` is ``json``, ``yaml`` or ``terraform``. An example may be a file of a repository
    (``path``, relative to its root) with other files around it (``files``: path -> content), which
    are read for what they tell but not linted (a workflow and the task definition it ships)."""

    content: str
    fmt: str = "json"
    lines: list[int] = field(default_factory=list)
    path: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # the settings it is linted with, by rule id

    @property
    def file_name(self) -> str:
        """The name the example is linted under: its ``path``, or a name whose extension shows its
        format (``example.tf``)."""
        return self.path or f"example.{EXAMPLE_EXTENSIONS[self.fmt]}"


@dataclass(frozen=True)
class RuleOption:
    """A setting of a rule that the configuration file may change (``options`` in ``.ecslint.yaml``)."""

    name: str
    description: str
    default: Any
    schema: dict[str, Any] = field(default_factory=dict)  # JSON Schema of the value


@dataclass
class Rule:
    """One rule: its metadata and (lazily) its check."""

    id: str
    name: str
    level: str
    summary: str
    rationale: str
    fix: str
    check_spec: dict[str, Any]
    references: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    bad: list[Example] = field(default_factory=list)
    good: list[Example] = field(default_factory=list)
    since: str = "0.1.0"
    security_severity: str | None = None
    equivalents: dict[str, list[str]] = field(default_factory=dict)  # tool -> its rule ids for the same check
    formats: list[str] = field(default_factory=lambda: list(FORMATS[:3]))  # input formats its findings come from
    default: bool = True  # runs unless the configuration switches it off; False: only when selected (opt-in)
    options: dict[str, RuleOption] = field(default_factory=dict)
    origin: str = ""
    base_dir: str = ""
    _check: Callable | None = field(default=None, repr=False)

    @property
    def applies_to(self) -> list[str]:
        """The model object kinds the check visits (``applies_to`` is one kind or a list)."""
        kinds = self.check_spec.get("applies_to") or []
        return [kinds] if isinstance(kinds, str) else list(kinds)

    @property
    def engine_check(self) -> str | None:
        return self.check_spec.get("engine")

    @property
    def help_uri(self) -> str:
        return DOCS_URL.format(anchor=f"{self.id.lower()}-{self.name}")

    def check(self) -> Callable:
        """The check function, imported or compiled on first use."""
        if self._check is None:
            if "python" in self.check_spec:
                self._check = _import_check(self.check_spec["python"], self.base_dir)
            else:
                from ecslint.declarative import SchemaCheck

                self._check = SchemaCheck(self.check_spec)
        return self._check


def _import_check(target: str, base_dir: str) -> Callable:
    """``package.module:function``, or ``file.py:function`` relative to the rule's directory."""
    module_name, _, function = target.partition(":")
    if module_name.endswith(".py"):
        path = os.path.join(base_dir, module_name)
        key = f"ecslint_user_rules.{Path(path).stem}_{abs(hash(path))}"
        module = sys.modules.get(key)
        if module is None:
            spec = importlib.util.spec_from_file_location(key, path)
            if spec is None or spec.loader is None:
                raise RuleError(f"cannot load check module {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[key] = module
            spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    try:
        return getattr(module, function)
    except AttributeError:
        raise RuleError(f"check {target!r}: {module_name} has no function {function!r}") from None


def _text(data: dict, key: str, origin: str, required: bool = True) -> str:
    value = data.get(key, "")
    if required and (not isinstance(value, str) or not value.strip()):
        raise RuleError(f"{origin}: '{key}' must be a non-empty string")
    return value.strip() if isinstance(value, str) else ""


def _examples(items: Any, origin: str, rule_id: str) -> list[Example]:
    examples = []
    for item in items or []:
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise RuleError(f"{origin}: every example needs a 'content' string")
        fmt = item.get("format", "json")
        if fmt not in EXAMPLE_EXTENSIONS:
            raise RuleError(f"{origin}: an example's 'format' must be one of {', '.join(EXAMPLE_EXTENSIONS)}")
        files = item.get("files") or {}
        path = item.get("path")
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()) \
                or (path is not None and not isinstance(path, str)):
            raise RuleError(f"{origin}: an example's 'path' is a string and its 'files' map paths to contents")
        options = item.get("options") or {}
        if not isinstance(options, dict):
            raise RuleError(f"{origin}: an example's 'options' map the rule's settings to the values it is linted with")
        examples.append(Example(item["content"], fmt, list(item.get("lines", [])), path, dict(files),
                                {rule_id: dict(options)} if options else {}))
    return examples


def _is_score(value: Any) -> bool:
    try:
        return 0 < float(value) <= 10
    except (TypeError, ValueError):
        return False


def _flag(value: Any, key: str, origin: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(f"{origin}: '{key}' must be true or false")
    return value


def _formats(value: Any, origin: str) -> list[str]:
    """The input formats a rule's findings can come from (documentation and fixture coverage)."""
    if value is None:
        return list(FORMATS[:3])
    if not isinstance(value, list) or not value or any(v not in FORMATS for v in value):
        raise RuleError(f"{origin}: 'formats' must be a list of {', '.join(FORMATS)}")
    return list(value)


def _options(value: Any, origin: str) -> dict[str, RuleOption]:
    """A rule's settings: name -> {description, default, schema}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RuleError(f"{origin}: 'options' must map option names to their description, default and schema")
    options = {}
    for name, spec in value.items():
        if not isinstance(name, str) or not NAME_PATTERN.match(name) or not isinstance(spec, dict) \
                or not isinstance(spec.get("description"), str) or "default" not in spec \
                or not isinstance(spec.get("schema", {}), dict):
            raise RuleError(f"{origin}: option {name!r} needs a kebab-case name, a 'description' and a 'default' "
                            "(and its 'schema' is a mapping)")
        options[name] = RuleOption(name, spec["description"].strip(), spec["default"], dict(spec.get("schema", {})))
    return options


def rule_from_data(data: Any, origin: str, base_dir: str = "") -> Rule:
    """Validate a rule file's data and build the rule."""
    if not isinstance(data, dict):
        raise RuleError(f"{origin}: a rule file must be a mapping")
    rule_id, name, level = data.get("id"), data.get("name"), data.get("level")
    if not isinstance(rule_id, str) or not ID_PATTERN.match(rule_id):
        raise RuleError(f"{origin}: 'id' must look like ECS201 (letters, then three digits)")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise RuleError(f"{origin}: 'name' must be kebab-case")
    if level not in LEVELS:
        raise RuleError(f"{origin}: 'level' must be one of {', '.join(LEVELS)}")
    check = data.get("check")
    if not isinstance(check, dict):
        raise RuleError(f"{origin}: 'check' must be a mapping")
    if "engine" in check:
        if check["engine"] not in ENGINE_CHECKS:
            raise RuleError(f"{origin}: unknown engine check {check['engine']!r}")
    else:
        kinds = check.get("applies_to")
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not isinstance(kinds, list) or not kinds or any(kind not in MODEL_KINDS for kind in kinds):
            raise RuleError(f"{origin}: check.applies_to must be one or a list of {', '.join(MODEL_KINDS)}")
        if ("python" in check) == ("schema" in check):
            raise RuleError(f"{origin}: a check has either 'python' or 'schema' (with 'message')")
        if "schema" in check and not isinstance(check.get("message"), str):
            raise RuleError(f"{origin}: a schema check needs a 'message'")
    tags = list(data.get("tags") or [])
    severity = data.get("security_severity")
    if ("security" in tags) != (severity is not None):
        raise RuleError(f"{origin}: a rule tagged 'security' has a security_severity (0.1-10.0), and only such a rule")
    if severity is not None and not _is_score(severity):
        raise RuleError(f"{origin}: security_severity must be a number in (0.0, 10.0]")
    examples = data.get("examples") or {}
    return Rule(
        id=rule_id,
        name=name,
        level=level,
        summary=_text(data, "summary", origin),
        rationale=_text(data, "rationale", origin),
        fix=_text(data, "fix", origin),
        check_spec=check,
        references=list(data.get("references") or []),
        tags=tags,
        bad=_examples(examples.get("bad"), origin, data["id"]),
        good=_examples(examples.get("good"), origin, data["id"]),
        since=str(data.get("since", "0.1.0")),
        security_severity=str(severity) if severity is not None else None,
        equivalents={str(tool): [str(i) for i in ids] for tool, ids in (data.get("equivalents") or {}).items()},
        formats=_formats(data.get("formats"), origin),
        default=_flag(data.get("default", True), "default", origin),
        options=_options(data.get("options"), origin),
        origin=origin,
        base_dir=base_dir,
    )


def load_dir(directory: str | Path) -> list[Rule]:
    """Every ``*.yaml`` rule file in ``directory``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleError(f"rules directory not found: {directory}")
    import yaml

    rules = []
    for path in sorted(directory.glob("*.y*ml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RuleError(f"{path}: cannot read rule file: {exc}") from None
        rules.append(rule_from_data(data, str(path), str(directory)))
    return rules


def builtin_rules_dir() -> Path:
    """The built-in pack: ``rules/`` of a source checkout, or the copy inside the wheel."""
    try:
        return data_dir("rules")
    except FileNotFoundError as exc:
        raise RuleError(str(exc)) from None


def _may_register_rule_packs() -> bool:
    """Whether an installed distribution may register an ``ecslint.rules`` entry point: a quick look
    at the ``entry_points.txt`` files on ``sys.path``, so that a run without plug-ins does not
    import :mod:`importlib.metadata` (a tenth of a second). A path entry that is not a folder (a
    zip file) may hold any, so it says yes."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(entry or ".", name, "entry_points.txt"), encoding="utf-8") as handle:
                        if ENTRY_POINT_GROUP in handle.read():
                            return True
                except (OSError, UnicodeDecodeError):
                    continue
    return False


def _entry_point_dirs() -> Iterable[Path]:
    """Directories that installed rule packs register under ``ecslint.rules``."""
    if not _may_register_rule_packs():
        return
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            target = entry.load()
            yield Path(target() if callable(target) else target)
        except Exception as exc:  # a broken plug-in must not take the linter down
            raise RuleError(f"rule pack {entry.name!r} ({entry.value}) failed to load: {exc}") from None


class Registry:
    """All known rules, by id and by name."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: dict[str, Rule] = {}
        self.by_name: dict[str, Rule] = {}
        for rule in rules:
            for table, key in ((self.rules, rule.id), (self.by_name, rule.name)):
                if key in table:
                    raise RuleError(f"{rule.origin}: {key} is already defined by {table[key].origin}")
                table[key] = rule

    def __iter__(self):
        return iter(sorted(self.rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self.rules)

    def lookup(self, key: str) -> Rule | None:
        return self.rules.get(key.upper()) or self.by_name.get(key.lower())

    def equivalent(self, tool: str, rule_id: str) -> list[Rule]:
        """The rules that check what ``tool``'s rule ``rule_id`` checks (cfn-lint's E3047: ECS202)."""
        return [rule for rule in self.rules.values() if rule_id.upper() in rule.equivalents.get(tool, ())]

    def engine_rule(self, check: str) -> Rule:
        return next(r for r in self.rules.values() if r.engine_check == check)


def load_registry(rules_dirs: Iterable[str] = (), plugins: bool = True) -> Registry:
    """The built-in pack, plus entry-point packs and ``--rules-dir`` directories (each read once,
    then from :mod:`ecslint.rule_cache` while its files are unchanged)."""
    from ecslint.rule_cache import cached_rules

    directories = [builtin_rules_dir(), *(_entry_point_dirs() if plugins else ()), *map(Path, rules_dirs)]
    rules = []
    for directory in directories:
        if not directory.is_dir():
            raise RuleError(f"rules directory not found: {directory}")
        rules.extend(cached_rules(directory, load_dir))
    return Registry(rules)
