"""Rule examples linted as ecslint lints files: alone, or as a file of a repository laid out in a
temporary folder with the files around it (which are context: read, not linted)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace

from ecslint.config import Config
from ecslint.engine import Input, Result, lint
from ecslint.registry import Example, Registry


def lint_example(example: Example, registry: Registry, config: Config) -> Result:
    """What ecslint finds in ``example`` (with the rule settings it names), reported under the paths the
    example names."""
    if example.options:
        config = replace(config, options={**config.options, **example.options})
    if not example.files:
        return lint([Input(example.file_name, example.content.encode("utf-8"))], registry, config)
    with tempfile.TemporaryDirectory() as folder:
        os.mkdir(os.path.join(folder, ".git"))
        inputs = []
        for name, text in {example.file_name: example.content, **example.files}.items():
            path = os.path.join(folder, *name.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            inputs.append(Input(name, text.encode("utf-8"), file=path, context=name != example.file_name))
        return lint(inputs, registry, config)
