"""The baseline: ``--write-baseline`` records today's findings, ``--baseline`` reports only new ones,
and the fingerprint that matches them survives line shifts and reformatting (and is SARIF's ``ecslint/v1``)."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import json_findings, run, write

TASK = {
    "family": "web",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "bridge",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [
        {"name": "web", "image": "nginx:1.27", "privileged": True},
        {"name": "worker", "image": "busybox:1.36", "privileged": True},
    ],
}


def _baseline(tmp_path: Path, files: dict[str, str]) -> dict:
    (tmp_path / ".git").mkdir(exist_ok=True)  # the repository root that baseline paths are relative to
    for name, text in files.items():
        write(tmp_path, name, text)
    result = run(["check", "--write-baseline", "baseline.json", *files], tmp_path)
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))


def test_a_baseline_records_the_findings_and_reports_none_of_them(tmp_path):
    baseline = _baseline(tmp_path, {"infra/td.json": json.dumps(TASK, indent=2)})
    assert baseline["version"] == 1
    rows = baseline["findings"]
    assert [(r["path"], r["rule"], r["count"]) for r in rows] == [
        ("infra/td.json", "ECS201", 1), ("infra/td.json", "ECS203", 1), ("infra/td.json", "ECS203", 1)
    ]  # two containers privileged: two fingerprints
    assert rows == sorted(rows, key=lambda r: (r["path"], r["rule"], r["fingerprint"]))
    result = run(["check", "--baseline", "baseline.json", "infra/td.json"], tmp_path)
    assert result.exit_code == 0 and result.stdout == ""
    assert "no problems (1 file linted; 3 in the baseline); 0 fixed;" in result.stderr


def test_the_baseline_file_is_deterministic(tmp_path):
    _baseline(tmp_path, {"td.json": json.dumps(TASK)})
    first = (tmp_path / "baseline.json").read_bytes()
    run(["check", "--write-baseline", "baseline.json", "td.json"], tmp_path)
    assert (tmp_path / "baseline.json").read_bytes() == first


def test_line_shifts_and_reformatting_keep_the_findings_known(tmp_path):
    _baseline(tmp_path, {"td.json": json.dumps(TASK, indent=2)})
    reordered = {"containerDefinitions": list(reversed(TASK["containerDefinitions"])),
                 **{k: v for k, v in TASK.items() if k != "containerDefinitions"}}
    write(tmp_path, "td.json", "\n\n\n" + json.dumps(reordered, indent=8))
    result = run(["check", "--baseline", "baseline.json", "td.json"], tmp_path)
    assert result.exit_code == 0, result.stdout
    write(tmp_path, "td.yaml", "")  # the same task as YAML is another file: its findings are new
    (tmp_path / "td.json").rename(tmp_path / "td.yaml")
    result = run(["check", "--baseline", "baseline.json", "-f", "json", "td.yaml"], tmp_path)
    assert result.exit_code == 1 and len(json_findings(result)) == 3


def test_only_new_findings_are_reported(tmp_path):
    _baseline(tmp_path, {"td.json": json.dumps(TASK, indent=2)})
    grown = {**TASK, "containerDefinitions": [*TASK["containerDefinitions"],
                                              {"name": "sidecar", "image": "envoy:1", "privileged": True}]}
    write(tmp_path, "td.json", json.dumps(grown, indent=2))
    result = run(["check", "--baseline", "baseline.json", "-f", "json", "td.json"], tmp_path)
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], "sidecar" in f["message"]) for f in findings] == [("ECS203", True)]


def test_identical_findings_are_counted(tmp_path):
    # A key given again: the same message (but for its line numbers) at no object's member.
    twice = '{"family": "a", "family": "a", "containerDefinitions": [{"name": "a", "image": "a"}]}'
    baseline = _baseline(tmp_path, {"td.json": twice})
    assert sorted(r["count"] for r in baseline["findings"] if r["rule"] == "ECS002") == [1, 1]
    thrice = '{"family": "a",\n "family": "a",\n "family": "a", "containerDefinitions": [{"name": "a", "image": "a"}]}'
    write(tmp_path, "td.json", thrice)
    every = [rule for _, _, rule in json_findings(run(["check", "-f", "json", "td.json"], tmp_path))]
    result = run(["check", "--baseline", "baseline.json", "-f", "json", "td.json"], tmp_path)
    new = [rule for _, _, rule in json_findings(result)]
    assert every.count("ECS002") == 4 and new.count("ECS002") == 2  # 4 now, 2 known


def test_sarif_carries_the_baseline_fingerprint(tmp_path):
    baseline = _baseline(tmp_path, {"td.json": json.dumps(TASK)})
    result = run(["check", "-f", "sarif", "td.json"], tmp_path)
    sarif = {r["partialFingerprints"]["ecslint/v1"] for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert sarif == {f"{row['fingerprint']}:1" for row in baseline["findings"]}


def test_a_missing_or_invalid_baseline_is_an_error(tmp_path):
    write(tmp_path, "td.json", json.dumps(TASK))
    for text, says in ((None, "cannot read the baseline"), ("{", "is not JSON"),
                       ('{"version": 9, "findings": []}', "is not an ecslint baseline"),
                       ('{"version": 1, "findings": [{"count": 1}]}', "needs a fingerprint")):
        if text is not None:
            write(tmp_path, "baseline.json", text)
        result = run(["check", "--baseline", "baseline.json", "td.json"], tmp_path)
        assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.output, result.output


def test_the_baseline_never_overwrites_a_linted_file(tmp_path):
    write(tmp_path, "td.json", json.dumps(TASK))
    result = run(["check", "--write-baseline", "td.json", "."], tmp_path)
    assert result.exit_code == 2 and "the baseline file td.json is one of the files to lint" in result.stderr
    assert json.loads((tmp_path / "td.json").read_text(encoding="utf-8")) == TASK


def test_the_configuration_names_the_baseline(tmp_path):
    _baseline(tmp_path, {"td.json": json.dumps(TASK)})
    (tmp_path / "sub").mkdir()
    (tmp_path / "baseline.json").rename(tmp_path / "sub" / "known.json")
    write(tmp_path, ".ecslint.yaml", "baseline: sub/known.json\n")
    result = run(["check", "td.json"], tmp_path)
    assert result.exit_code == 0 and "3 in the baseline" in result.stderr
