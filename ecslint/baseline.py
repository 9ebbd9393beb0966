"""The baseline: the findings a repository already has, recorded once, so that only new ones are reported.

``ecslint check --write-baseline FILE`` writes it; ``--baseline FILE`` (or ``baseline`` in the
configuration) reads it. The file is JSON, sorted, the same for the same findings::

    {
      "version": 1,
      "tool": "ecslint",
      "findings": [
        {"path": "infra/web.json", "rule": "ECS201", "fingerprint": "3f0c...", "count": 1,
         "message": "..."}
      ]
    }

``fingerprint`` (see :mod:`ecslint.fingerprint`) is what matches a finding; ``count`` is how many
findings share it, and up to that many are left out. ``path`` (the file relative to the repository
root, as SARIF names it), ``rule`` and ``message`` (the first such finding's) are there for whoever
reads the file. Findings of a file that cannot be parsed are never recorded.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ecslint.findings import Finding
from ecslint.fingerprint import fingerprints

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one."""


def render(findings: list[Finding], root: Path) -> str:
    """The baseline of ``findings`` as JSON text."""
    entries: dict[str, dict] = {}
    for finding, uri, digest in fingerprints(findings, root):
        entry = entries.setdefault(digest, {"path": uri, "rule": finding.rule, "fingerprint": digest,
                                            "count": 0, "message": finding.message})
        entry["count"] += 1
    rows = sorted(entries.values(), key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    return json.dumps({"version": VERSION, "tool": "ecslint", "findings": rows}, indent=2, ensure_ascii=False) + "\n"


def read(path: str) -> Counter[str]:
    """How many findings of each fingerprint the baseline at ``path`` records."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"the baseline {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not an ecslint baseline (version {VERSION}); write one with --write-baseline")
    counts: Counter[str] = Counter()
    for entry in data["findings"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                and isinstance(entry.get("count", 1), int) and not isinstance(entry.get("count", 1), bool)):
            raise BaselineError(f"{path}: each finding needs a fingerprint (a string) and a count (a number)")
        counts[entry["fingerprint"]] += max(entry.get("count", 1), 0)
    return counts


def new_findings(findings: list[Finding], known: Counter[str], root: Path) -> list[Finding]:
    """``findings`` but those the baseline records: of each fingerprint, up to its count are left out."""
    left = Counter(known)
    kept = []
    for finding, _, digest in fingerprints(findings, root):
        if left[digest] > 0:
            left[digest] -= 1
        else:
            kept.append(finding)
    return kept
