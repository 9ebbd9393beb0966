"""GitLab Code Quality: a JSON array of issues, as ``artifacts:reports:codequality`` reads it.

Each issue has ``description``, ``check_name`` (the rule id), ``fingerprint``, ``severity``
(``major`` for an error, ``minor`` for a warning, ``info``) and ``location`` (``path`` relative to
the repository root, ``lines.begin`` and ``lines.end``). GitLab shows one issue per fingerprint, so
each is the baseline's fingerprint (see :mod:`ecslint.fingerprint`) numbered among those that share it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from ecslint.engine import Result
from ecslint.fingerprint import fingerprints
from ecslint.registry import Registry
from ecslint.repository import repository_path, source_root
from ecslint.safe_text import printable

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render(result: Result, registry: Registry, **_: object) -> str:
    root = source_root()
    seen: Counter[str] = Counter()
    issues = []
    for f, _uri, stable in fingerprints(result.findings, root):
        seen[stable] += 1
        issues.append({
            "description": f"{f.rule}: {f.message}",
            "check_name": f.rule,
            "fingerprint": hashlib.sha256(f"{stable}:{seen[stable]}".encode()).hexdigest()[:32],
            "severity": SEVERITY[f.level],
            "location": {
                "path": printable(repository_path(f.path, root) or f.path),
                "lines": {"begin": f.line, "end": f.end_line},
            },
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
