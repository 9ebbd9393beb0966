"""A plain run on a task definition imports nothing heavy: start-up is most of a pre-commit run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Imported only by the runs that need them (templates, Terraform, the language server, --fix,
# cfn-lint, a third-party schema keyword), or never: jsonschema's format checkers pull in these.
HEAVY = ("cfnlint", "tree_sitter", "tree_sitter_hcl", "pygls", "lsprotocol", "cattrs", "ruamel", "jsonschema",
         "referencing", "jsonschema_specifications", "rfc3987", "rfc3986_validator", "rfc3339_validator", "idna",
         "requests", "urllib3", "webcolors", "uri_template", "fqdn", "isoduration", "jsonpointer", "attrs")
# Not on a run whose rule cache is warm either: PyYAML reads the rule files, importlib.metadata finds plug-ins.
WARM = ("yaml", "importlib.metadata")

SCRIPT = """
import json, sys
from ecslint.cli import main
try:
    main(["check", "fargate-web.json"])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules(folder: Path) -> set[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=folder, env=env, capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in names))


def test_a_plain_run_imports_nothing_heavy(tmp_path):
    shutil.copy(ROOT / "examples" / "fargate-web.json", tmp_path)
    first = _modules(tmp_path)  # no rule cache, no result cache
    assert "ecslint.engine" in first
    assert _heavy(first, HEAVY) == []
    again = _modules(tmp_path)  # both caches warm
    assert _heavy(again, HEAVY + WARM) == []
    (tmp_path / "fargate-web.json").write_text((tmp_path / "fargate-web.json").read_text() + "\n")
    changed = _modules(tmp_path)  # the rule cache warm, the file linted again
    assert "ecslint.checks.structure" in changed
    assert _heavy(changed, HEAVY + WARM) == []
    (tmp_path / ".ecslint.yaml").write_text("ignore: [ECS303]\nlevels: {ECS2: error}\n")
    configured = _modules(tmp_path)  # a configuration file, validated (and read with PyYAML)
    assert "ecslint.config" in configured and "yaml" in configured
    assert _heavy(configured, HEAVY) == []
