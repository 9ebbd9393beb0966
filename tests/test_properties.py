"""Property-based tests: valid task definitions, services and clusters, mutated by hypothesis.

Whatever the mutation (a value replaced by any JSON value, a member removed or added, the text
cut, bytes flipped), the linter never raises, every finding lies inside the file, and every output
format is identical from one run to the next.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecslint.engine import Input
from ecslint.read import decode, parse
from ecslint.report import FORMATS, renderer
from helpers import lint_inputs, registry, replaced, value_paths

HERE = Path(__file__).parent
SEEDS = sorted([*HERE.parent.glob("examples/*.json"), *HERE.parent.glob("examples/*.yaml"),
                *(HERE / "fixtures").glob("ECS12*/*.json"), *(HERE / "fixtures").glob("ECS4*/*.json"),
                *(HERE / "fixtures").glob("ECS2*/bad_*.yaml")])
DOCUMENTS = [root.plain() for path in SEEDS for root in parse(decode(path.read_bytes()), "yaml").roots
             if isinstance(root.plain(), dict)]
# ECSLINT_PROPERTY_EXAMPLES=5000 explores further than the suite's default.
JSON_LINE_BREAKS = re.compile("\r\n|[\r\n]")
YAML_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # as libyaml counts lines
SETTINGS = settings(max_examples=int(os.environ.get("ECSLINT_PROPERTY_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**64), st.floats(allow_nan=False),
                    st.text(max_size=30), st.sampled_from(["", "${X}", "{{ y }}", "<Z>", "awsvpc", "FARGATE",
                                                           "arn:aws:iam::1:instance-profile/x", "\ud800", "\x1b[2J"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                      max_leaves=12)


def _delete(value, path):
    if len(path) == 1:
        copy = dict(value) if isinstance(value, dict) else list(value)
        del copy[path[0]]
        return copy
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _delete(value[path[0]], path[1:])
    return copy


@st.composite
def mutants(draw):
    """A seed document with a few values replaced, members deleted or members added."""
    document = draw(st.sampled_from(DOCUMENTS))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(value_paths(document))))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and path:
            document = _delete(document, path)
        elif action == "add":
            parent = path[:-1] if path else ()
            target = document
            for step in parent:
                target = target[step]
            if isinstance(target, dict):
                document = replaced(document, parent + (draw(st.text(max_size=20)),), draw(values))
        else:
            document = replaced(document, path, draw(values))
    return document


def _text(document, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(document, indent=2).encode("utf-8", "surrogatepass")
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


def _check(inputs: list[Input]) -> None:
    result = lint_inputs(inputs)
    assert not result.internal_errors, result.internal_errors
    texts = {item.path: item.data.decode("utf-8", "replace") for item in inputs}
    for finding in result.findings:
        breaks = YAML_LINE_BREAKS if finding.path.endswith(".yaml") else JSON_LINE_BREAKS
        lines = breaks.split(texts[finding.path])
        assert 1 <= finding.line <= len(lines) + 1, finding
        assert 1 <= finding.col <= len(lines[finding.line - 1] if finding.line <= len(lines) else "") + 1, finding
        assert (finding.end_line, finding.end_col) >= (finding.line, finding.col), finding
    again = lint_inputs(inputs)
    for fmt in FORMATS:
        assert renderer(fmt)(result, registry()) == renderer(fmt)(again, registry()), fmt


@SETTINGS
@given(mutants(), st.sampled_from(["json", "yaml"]), mutants())
def test_mutated_documents_never_crash_and_findings_lie_in_the_file(document, fmt, other):
    _check([Input(f"a.{fmt}", _text(document, fmt)), Input("b.json", _text(other, "json"))])


@SETTINGS
@given(st.sampled_from(SEEDS), st.data())
def test_cut_and_flipped_bytes_never_crash(seed, data):
    raw = bytearray(seed.read_bytes())
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        action = data.draw(st.sampled_from(["cut", "flip", "insert"]))
        if action == "cut":
            raw = raw[:position]
        elif action == "flip" and raw:
            raw[position] = data.draw(st.integers(0, 255))
        else:
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=8))
    _check([Input(seed.name, bytes(raw))])


TERRAFORM_SEEDS = sorted([*HERE.parent.glob("examples/terraform/*.tf"), *(HERE / "fixtures").glob("*/*.tf")])
# Values a mutation puts in place of a Terraform value: unknowns, wrong types, functions, nesting.
HCL_VALUES = ["null", "true", "-1", "0", "1e400", '""', '"${var.x}"', '"%{ if true }a%{ endif }"', "var.x",
              "local.y", "aws_iam_role.a[0].arn", "module.m.out", "[]", "{}", "[1, [2, {}]]", '{ a = 1, "b" = [] }',
              "jsonencode({ a = var.x })", 'jsonencode([{ name = "a", privileged = true }])', 'file("nope.json")',
              "lookup(var.m, var.k)", "[for s in var.l : s]", "var.c ? 1 : null", "1 / 0", '"\\u00e9☃"',
              "<<EOF\n[{\"name\": 1}]\nEOF\n", "data.aws_iam_policy_document.p.json", "each.value", "count.index"]
_HCL_VALUE = re.compile(r'(?<== )("[^"\n]*"|\d+|true|false|null|[a-z_]+\.[a-z_.\[\]0-9]+)')


@SETTINGS
@given(st.sampled_from(TERRAFORM_SEEDS) if TERRAFORM_SEEDS else st.nothing(), st.data())
def test_mutated_terraform_never_crashes(seed, data):
    text = seed.read_text(encoding="utf-8")
    spots = list(_HCL_VALUE.finditer(text))
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["value", "value", "cut", "insert"]))
        if action == "value" and spots:
            spot = data.draw(st.sampled_from(spots))
            text = text[:spot.start()] + data.draw(st.sampled_from(HCL_VALUES)) + text[spot.end():]
            spots = list(_HCL_VALUE.finditer(text))
        elif action == "cut":
            text = text[:data.draw(st.integers(0, len(text)))]
            spots = list(_HCL_VALUE.finditer(text))
        else:
            at = data.draw(st.integers(0, len(text)))
            inserted = data.draw(st.sampled_from(["{", "}", "[", '"', "${", "=", "\n", "\x00", "é"]))
            text = text[:at] + inserted + text[at:]
    _check([Input(seed.name, text.encode("utf-8"))])
