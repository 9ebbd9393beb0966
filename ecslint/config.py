"""Configuration: ``.ecslint.yaml`` or ``[tool.ecslint]`` in ``pyproject.toml``.

The file is found upward from the working directory (``--config`` names one). Keys::

    select: [ECS2, ECS301]          # ids, id prefixes, rule names, tags, default or ALL (default: default)
    extend-select: [security]       # more rules on top of select (the opt-in security rule set)
    ignore: [ECS303]
    options: {image-registry-not-allowed: {registries: [public.ecr.aws]}}   # rule settings
    levels: {ECS303: error}         # per-rule level overrides (selector -> error|warning|info)
    per-file-ignores: {"legacy/*.json": [ECS2]}
    exclude: ["generated/**"]
    fail-level: warning             # error | warning | info | none
    parameters: [params/prod.json, Env=prod]   # template parameter values (files or Key=Value)
    var-files: [envs/prod.tfvars]   # Terraform variable values

Selectors resolve like ruff's: the most specific selector that matches a rule wins, and
``ignore`` wins a tie. ``default`` names the rules that run unless switched off; ``ALL`` names every
rule, the opt-in ones too; a tag (``security``) names the rules that carry it. Command-line options override the file.
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ecslint.parameters import ParameterError, read_parameters
from ecslint.registry import Registry, Rule
from ecslint.repository import repository_root
from ecslint.resources import data_dir

CONFIG_FILES = (".ecslint.yaml", ".ecslint.yml", "pyproject.toml")
DEFAULT_SET = "default"  # the selector of the rules that run unless switched off
FAIL_LEVELS = ("error", "warning", "info", "none")


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and key."""


@dataclass
class Config:
    """Settings for one run."""

    select: list[str] = field(default_factory=lambda: [DEFAULT_SET])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id or name -> option -> value
    levels: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_level: str = "warning"
    parameters: dict[str, str] = field(default_factory=dict)  # template parameter values
    var_files: list[str] = field(default_factory=list)  # Terraform variable files
    baseline: str | None = None  # the baseline file (see ecslint.baseline)
    path: str | None = None
    root: str = "."

    def resolve(self, registry: Registry) -> dict[str, Rule]:
        """The enabled rules, by id (with level overrides applied to copies)."""
        per_file = [selector for selectors in self.per_file_ignores.values() for selector in selectors]
        selected = self.select + self.extend_select
        _check_selectors(registry, selected + self.ignore + list(self.levels) + per_file, self.path)
        _check_options(registry, self.options, self.path)
        enabled: dict[str, Rule] = {}
        for rule in registry:
            if not _selected(rule, selected, self.ignore):
                continue
            level = _most_specific(rule, self.levels)
            if level is not None and level != rule.level:
                rule = _with_level(rule, level)
            enabled[rule.id] = rule
        return enabled

    def option(self, rule: Rule, name: str) -> Any:
        """The value of a rule's setting: as the configuration gives it, or the rule's default."""
        for key in (rule.id, rule.name):
            values = self.options.get(key) or {}
            if name in values:
                return values[name]
        return rule.options[name].default

    def ignored_in(self, path: str, rule: Rule) -> bool:
        """Whether ``per-file-ignores`` switches ``rule`` off for the file at ``path``."""
        for pattern, selectors in self.per_file_ignores.items():
            if matches_glob(path, pattern, self.root) and any(_specificity(rule, s) for s in selectors):
                return True
        return False

    def excluded(self, path: str) -> bool:
        return any(matches_glob(path, pattern, self.root) for pattern in self.exclude)


def _with_level(rule: Rule, level: str) -> Rule:
    from dataclasses import replace

    return replace(rule, level=level)


def _specificity(rule: Rule, selector: str) -> int:
    """How specifically ``selector`` names ``rule`` (0 = not at all): ``ALL`` and ``default`` least,
    then a tag, an id prefix (the longer the more), and the rule's own id or name most."""
    selector = selector.strip()
    if selector.upper() == "ALL":
        return 1
    if selector.lower() == DEFAULT_SET:
        return int(rule.default)
    if selector.lower() == rule.name or selector.upper() == rule.id:
        return 100
    if selector.lower() in rule.tags:
        return 2
    if rule.id.startswith(selector.upper()) and selector:
        return 1 + len(selector)
    return 0


def _most_specific(rule: Rule, table: dict[str, str]) -> str | None:
    best, value = 0, None
    for selector, level in table.items():
        score = _specificity(rule, selector)
        if score > best:
            best, value = score, level
    return value


def _selected(rule: Rule, select: list[str], ignore: list[str]) -> bool:
    chosen = max((_specificity(rule, s) for s in select), default=0)
    dropped = max((_specificity(rule, s) for s in ignore), default=0)
    return chosen > 0 and chosen > dropped


def _check_selectors(registry: Registry, selectors: list[str], origin: str | None) -> None:
    for selector in selectors:
        if not any(_specificity(rule, selector) for rule in registry):
            where = f" in {origin}" if origin else ""
            raise ConfigError(f"unknown rule selector {selector!r}{where}")


def _check_options(registry: Registry, options: dict[str, dict[str, Any]], origin: str | None) -> None:
    """Every rule the options name exists, and has those settings, with values of the right form."""
    where = f" in {origin}" if origin else ""
    for key, values in options.items():
        rule = registry.lookup(key)
        if rule is None:
            raise ConfigError(f"options: unknown rule {key!r}{where}")
        for name, value in values.items():
            option = rule.options.get(name)
            if option is None:
                known = ", ".join(rule.options) or "none"
                raise ConfigError(f"options: {rule.id} ({rule.name}) has no setting {name!r}{where} (it has: {known})")
            if option.schema:
                _check_option_value(f"options: {key}.{name}", where, option.schema, value)


def _check_option_value(setting: str, where: str, schema: dict[str, Any], value: Any) -> None:
    """A setting's value against its JSON Schema, formats such as ``regex`` included: the first error
    names the item that is wrong and, for a format, why (``missing ), unterminated subpattern``)."""
    from jsonschema import Draft202012Validator, FormatChecker

    error = next(iter(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(value)), None)
    if error is not None:
        item = "".join(f"[{step}]" for step in error.absolute_path)
        cause = f" ({error.cause})" if error.cause is not None else ""
        raise ConfigError(f"{setting}{item}{where}: {error.message}{cause}")


def matches_glob(path: str, pattern: str, root: str = ".") -> bool:
    """Whether ``path`` matches ``pattern``: by its path relative to ``root``, or by name."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        relative = PurePosixPath(path).as_posix()
    pattern = pattern.rstrip("/")
    candidates = {relative, PurePosixPath(path).as_posix(), absolute.name}
    parts = PurePosixPath(relative).parts
    candidates.update("/".join(parts[: i + 1]) for i in range(len(parts)))  # a directory pattern
    return any(fnmatch.fnmatchcase(c, pattern) or fnmatch.fnmatchcase(c, pattern + "/**") for c in candidates)


def find_config(start: str = ".") -> Path | None:
    """The nearest ``.ecslint.yaml`` or ``pyproject.toml`` with ``[tool.ecslint]``, upward from
    ``start`` to the repository root (never a stray file above the repository, say in ``/tmp``)."""
    directory = Path(start).resolve()
    root = repository_root(directory)
    folders = [directory, *directory.parents]
    for folder in folders[: folders.index(root) + 1] if root is not None else folders:
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "[tool.ecslint" in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _load_toml(path: Path) -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return data.get("tool", {}).get("ecslint", {})


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return {} if data is None else data


def validate(data: Any, origin: str) -> None:
    """Check the configuration against ``schemas/config.schema.json``, naming the bad key."""
    from ecslint.jsonschema_lite import Validator, supported

    try:
        schema = json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"the configuration schema cannot be read: {exc}") from None
    if supported(schema):
        validator: Any = Validator(schema)
    else:  # (a keyword the small validator does not have)
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ConfigError(f"{origin}: {where}: {error.message}")


def load_config(path: str | None = None, start: str = ".") -> Config:
    """The configuration named by ``path``, or the nearest one, or the defaults."""
    found = Path(path) if path else find_config(start)
    if found is None:
        return Config()
    if not found.is_file():
        raise ConfigError(f"configuration file not found: {found}")
    data = _load_toml(found) if found.suffix == ".toml" else _load_yaml(found)
    validate(data, str(found))
    try:
        parameters = read_parameters([str(p) for p in data.get("parameters", [])], found.resolve().parent)
    except ParameterError as exc:
        raise ConfigError(f"{found}: parameters: {exc}") from None
    var_files = [str(found.resolve().parent / str(p)) for p in data.get("var-files", [])]
    missing = next((p for p in var_files if not os.path.isfile(p)), None)
    if missing is not None:
        raise ConfigError(f"{found}: var-files: no such file: {missing}")
    return Config(
        select=list(data.get("select", [DEFAULT_SET])),
        extend_select=list(data.get("extend-select", [])),
        ignore=list(data.get("ignore", [])),
        options={k: dict(v) for k, v in data.get("options", {}).items()},
        levels=dict(data.get("levels", {})),
        per_file_ignores={k: list(v) for k, v in data.get("per-file-ignores", {}).items()},
        exclude=list(data.get("exclude", [])),
        fail_level=data.get("fail-level", "warning"),
        parameters=parameters,
        var_files=var_files,
        baseline=str(found.resolve().parent / str(data["baseline"])) if "baseline" in data else None,
        path=str(found),
        root=str(found.resolve().parent),
    )
