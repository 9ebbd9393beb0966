"""JUnit XML, as Jenkins, GitLab (``artifacts:reports:junit``), Azure Pipelines and others read it.

``<testsuites>`` holds one ``<testsuite>`` per linted (or unreadable) file, named by the file. Each
finding is a ``<testcase>`` (``classname`` the file, ``name`` the rule and position) with a
``<failure>`` (``type`` the rule id, ``message`` the message, text ``path:line:col: level[RULE]
message``); a file that cannot be parsed has an ``<error>`` instead; a file with no findings has one
passing ``<testcase>``. Every text is printable (XML 1.0 has no place for control characters).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ecslint.engine import Result
from ecslint.registry import Registry
from ecslint.safe_text import printable


def render(result: Result, registry: Registry, **_: object) -> str:
    by_file: dict[str, list] = {path: [] for path in sorted({*result.linted, *result.failed})}
    for f in result.findings:
        by_file.setdefault(f.path, []).append(f)
    failed = set(result.failed)
    root = ET.Element("testsuites", name="ecslint", tests="0", failures="0", errors="0")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path, findings in sorted(by_file.items()):
        name = printable(path)
        errors = len(findings) if path in failed else 0
        counts = {"tests": max(len(findings), 1), "failures": len(findings) - errors, "errors": errors}
        suite = ET.SubElement(root, "testsuite", name=name, **{k: str(v) for k, v in counts.items()})
        for key, value in counts.items():
            totals[key] += value
        if not findings:
            ET.SubElement(suite, "testcase", classname=name, name="ecslint")
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=name, name=f"{f.rule} {f.name} at {f.line}:{f.col}")
            problem = ET.SubElement(case, "error" if path in failed else "failure", message=f.message, type=f.rule)
            problem.text = f"{name}:{f.line}:{f.col}: {f.level}[{f.rule}] {f.message}"
    root.attrib.update({k: str(v) for k, v in totals.items()})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
