"""The positioned reader: positions, duplicate keys, and every kind of bad input as a clean error."""

from __future__ import annotations

import pytest

from ecslint.read import MAX_DEPTH, ParseError, decode, guess_format, parse


def test_json_positions_of_keys_and_values():
    doc = parse('{\n  "family": "web",\n  "cpu": 256\n}', "json")
    root = doc.roots[0]
    family = root.get("family")
    assert (family.line, family.col, family.end_line, family.end_col) == (2, 13, 2, 18)
    key = root.key_node("cpu")
    assert (key.line, key.col) == (3, 3)
    assert root.get("cpu").value == 256


def test_json_scalars():
    root = parse('[1, -2.5e3, true, false, null, "a\\u00e9\\n"]', "json").roots[0]
    assert root.plain() == [1, -2500.0, True, False, None, "a\u00e9\n"]


def test_json_duplicate_keys_are_recorded_and_last_wins():
    doc = parse('{"a": 1, "b": 2, "a": 3}', "json")
    assert doc.roots[0].get("a").value == 3
    [dup] = doc.duplicates
    assert (dup.key, dup.first.col, dup.again.col) == ("a", 2, 18)


def test_yaml_positions_and_types():
    doc = parse("family: web\ncontainerDefinitions:\n  - name: app\n    essential: yes\n    cpu: 0x10\n", "yaml")
    root = doc.roots[0]
    item = root.at("containerDefinitions", 0)
    assert (item.line, item.col) == (3, 5)
    assert item.get("essential").value is True
    assert item.get("cpu").value == 16
    assert (item.get("name").line, item.get("name").col, item.get("name").end_col) == (3, 11, 14)


def test_yaml_quoted_scalars_stay_strings():
    root = parse('cpu: "256"\nflag: "true"\nwhen: 2020-01-01\n', "yaml").roots[0]
    assert root.plain() == {"cpu": "256", "flag": "true", "when": "2020-01-01"}


def test_yaml_duplicate_keys():
    doc = parse("a: 1\nb: 2\na: 3\n", "yaml")
    assert doc.roots[0].get("a").value == 3
    assert [(d.key, d.first.line, d.again.line) for d in doc.duplicates] == [("a", 1, 3)]


def test_yaml_aliases_and_merge_keys():
    root = parse("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", "yaml").roots[0]
    assert root.get("use").plain() == {"x": 1, "y": 3}


def test_yaml_cloudformation_short_tags_become_long_forms():
    root = parse("a: !Ref Thing\nb: !GetAtt Role.Arn\nc: !Sub '${AWS::Region}'\n", "yaml").roots[0]
    assert root.plain() == {
        "a": {"Ref": "Thing"},
        "b": {"Fn::GetAtt": ["Role", "Arn"]},
        "c": {"Fn::Sub": "${AWS::Region}"},
    }


def test_every_cloudformation_short_form_becomes_its_long_form():
    text = """
ref: !Ref Thing
att: !GetAtt Role.Arn
att_list: !GetAtt [Role, Arn]
sub: !Sub "${AWS::Region}"
sub_list: !Sub ["${A}-x", {A: !Ref B}]
join: !Join ["", [a, !Ref B]]
if: !If [Cond, 1, !Ref AWS::NoValue]
select: !Select [0, !GetAZs ""]
split: !Split [",", "a,b"]
import: !ImportValue shared
map: !FindInMap [M, K, V]
base64: !Base64 "x"
cidr: !Cidr [10.0.0.0/16, 4, 8]
cond: !And [!Equals [a, b], !Or [!Not [!Condition C], !Condition D]]
transform: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
"""
    plain = parse(text, "yaml").roots[0].plain()
    assert plain == {
        "ref": {"Ref": "Thing"},
        "att": {"Fn::GetAtt": ["Role", "Arn"]},
        "att_list": {"Fn::GetAtt": ["Role", "Arn"]},
        "sub": {"Fn::Sub": "${AWS::Region}"},
        "sub_list": {"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]},
        "join": {"Fn::Join": ["", ["a", {"Ref": "B"}]]},
        "if": {"Fn::If": ["Cond", 1, {"Ref": "AWS::NoValue"}]},
        "select": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "split": {"Fn::Split": [",", "a,b"]},
        "import": {"Fn::ImportValue": "shared"},
        "map": {"Fn::FindInMap": ["M", "K", "V"]},
        "base64": {"Fn::Base64": "x"},
        "cidr": {"Fn::Cidr": ["10.0.0.0/16", 4, 8]},
        "cond": {"Fn::And": [{"Fn::Equals": ["a", "b"]},
                             {"Fn::Or": [{"Fn::Not": [{"Condition": "C"}]}, {"Condition": "D"}]}]},
        "transform": {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
    }


def test_yaml_unknown_tags_are_not_executed():
    root = parse("a: !!python/object/apply:os.system ['echo hi']\n", "yaml").roots[0]
    assert root.get("a").plain() == ["echo hi"]


def test_yaml_several_documents():
    assert len(parse("a: 1\n---\nb: 2\n", "yaml").roots) == 2


@pytest.mark.parametrize(
    "text, fmt, line, col, words",
    [
        ('{"a": 1,\n "b" 2}', "json", 2, 6, "expected ':'"),
        ("[1, 2", "json", 1, 6, "expected ',' or ']'"),
        ("", "json", 1, 1, "empty file"),
        ("   \n", "json", 2, 1, "empty file"),
        ('{"a": 1} x', "json", 1, 10, "unexpected content"),
        ('{"a": tru}', "json", 1, 7, "expected a value"),
        ('{"a": "x\ny"}', "json", 1, 9, "invalid string"),
        ("{'a': 1}", "json", 1, 2, "double quotes"),
        ("a: [1\n", "yaml", 2, 1, "invalid YAML"),
        ("a: b: c\n", "yaml", 1, 5, "invalid YAML"),
        ("a: *nothing\n", "yaml", 1, 4, "invalid YAML"),
    ],
)
def test_syntax_errors_have_positions(text, fmt, line, col, words):
    with pytest.raises(ParseError) as info:
        parse(text, fmt)
    assert (info.value.line, info.value.col) == (line, col)
    assert words in info.value.message


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_deep_nesting_is_an_error_not_a_crash(fmt):
    with pytest.raises(ParseError, match="nesting"):  # ecslint's bound, or libyaml's own
        parse("[" * 100_000 + "]" * 100_000, fmt)
    parse("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), fmt)


def test_yaml_bomb_is_refused():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(ParseError, match="YAML bomb"):
        parse("\n".join(lines) + "\n", "yaml")


def test_decode_rejects_binary_and_bad_encodings():
    with pytest.raises(ParseError, match="binary data"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ParseError, match="not UTF-8") as info:
        decode(b'{"a":\n "\xff"}')
    assert (info.value.line, info.value.col) == (2, 3)


def test_decode_accepts_bom_and_utf16():
    assert decode(b'\xef\xbb\xbf{"a": 1}') == '{"a": 1}'
    assert decode('{"a": 1}'.encode("utf-16")) == '{"a": 1}'


def test_guess_format():
    assert guess_format("a: 1", "x.json") == "json"
    assert guess_format("{}", "x.yml") == "yaml"
    assert guess_format('  {"a": 1}', "-") == "json"
    assert guess_format("a: 1", "-") == "yaml"
