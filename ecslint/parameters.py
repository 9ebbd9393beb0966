"""Template parameter values the user gives (``--parameters``, ``parameters:`` in the configuration).

Each is ``Key=Value`` or a file in one of the shapes the tools write:

- ``[{"ParameterKey": "TaskCpu", "ParameterValue": "256"}, ...]`` (``aws cloudformation create-stack``);
- ``["TaskCpu=256", ...]`` (``aws cloudformation deploy --parameter-overrides``);
- ``{"Parameters": {"TaskCpu": "256"}}`` (Copilot, CodePipeline template configuration files);
- ``{"TaskCpu": "256"}``.

A value the user gives is what the template gets, over the parameter's default.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class ParameterError(Exception):
    """Parameter values that cannot be read; the message names the file or the argument."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)  # a list parameter is a comma-delimited string
    return str(value)


def _pairs(data: Any, origin: str) -> dict[str, str]:
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        data = data["Parameters"]
    if isinstance(data, dict):
        return {str(k): _text(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        values: dict[str, str] = {}
        for item in data:
            if isinstance(item, dict) and "ParameterKey" in item:
                if "ParameterValue" in item:  # UsePreviousValue: the stack's value, unknown here
                    values[str(item["ParameterKey"])] = _text(item["ParameterValue"])
            elif isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                values[key.strip()] = value
            else:
                raise ParameterError(f"{origin}: {json.dumps(item)[:60]} is not a parameter (ParameterKey and "
                                     "ParameterValue, or Key=Value)")
        return values
    raise ParameterError(f"{origin}: expected a list of ParameterKey/ParameterValue objects, a list of Key=Value, "
                         "or an object of parameter values")


def read_file(path: Path) -> dict[str, str]:
    """The parameter values in a JSON or YAML file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ParameterError(f"{path}: cannot read parameter values: {exc}") from None
    return _pairs(data, str(path))


def read_parameters(arguments: list[str], base: str | Path = ".") -> dict[str, str]:
    """Parameter values from ``Key=Value`` arguments and files (relative to ``base``), later ones winning."""
    values: dict[str, str] = {}
    for argument in arguments:
        path = Path(base) / argument
        if "=" in argument and not path.is_file():
            key, _, value = argument.partition("=")
            if not key.strip():
                raise ParameterError(f"parameter {argument!r} has no name; write Key=Value")
            values[key.strip()] = value
        elif path.is_file():
            values.update(read_file(path))
        else:
            raise ParameterError(f"parameter file not found: {os.fspath(path)} (or write Key=Value)")
    return values
