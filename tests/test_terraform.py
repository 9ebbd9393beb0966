"""Terraform: .tf files read into the model with their module, plans, container definitions on
their own; positions, naming, unknowns and suppressions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import HARDENING, lint_text, registry

from ecslint.adapters.cloudformation.schemas import definition_of, resource_schema
from ecslint.adapters.terraform.specs import RESOURCES, Spec
from ecslint.cli import main
from ecslint.config import Config
from ecslint.discover import collect
from ecslint.engine import lint

FARGATE_TASK = """
resource "aws_ecs_task_definition" "app" {{
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = {cpu}
  memory                   = 512
  container_definitions    = {containers}
}}
"""
CONTAINERS = 'jsonencode([{ name = "web", image = "nginx", essential = true }])'


def run(tmp_path: Path, monkeypatch, files: dict[str, str], *paths: str, **config) -> list[tuple[str, int, str]]:
    """Write ``files`` under ``tmp_path``, lint ``paths`` (default: all) from there, as the CLI does."""
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config_object = Config(**{"ignore": list(HARDENING), **config})
    result = lint(collect(list(paths) or ["."], config_object.excluded), registry(), config_object)
    assert not result.internal_errors
    return [(f.path, f.line, f.rule) for f in result.findings]


def task(cpu: str = "256", containers: str = CONTAINERS) -> str:
    return FARGATE_TASK.format(cpu=cpu, containers=containers)


# --- reading ------------------------------------------------------------------------------------

def test_a_tf_file_is_read_with_its_module_and_findings_are_at_its_lines(tmp_path, monkeypatch):
    found = run(tmp_path, monkeypatch, {"main.tf": task("var.cpu"), "variables.tf": 'variable "cpu" { default = 100 }'})
    assert ("main.tf", 6, "ECS202") in found


def test_columns_count_characters_not_bytes():
    text = '# é ü ☃\nresource "aws_ecs_task_definition" "a" {\n  family = "a"\n' \
           '  requires_compatibilities = ["FARGATE"] # ☃☃\n  network_mode = "bridge" # é\n' \
           '  container_definitions = jsonencode([{ name = "é☃", image = "x", essential = true }])\n}\n'
    finding = next(f for f in lint_text(text, name="main.tf").findings if f.rule == "ECS201")
    assert (finding.line, finding.col) == (5, 18)


def test_syntax_errors_and_arguments_set_twice_are_reported_with_their_line(tmp_path, monkeypatch):
    found = run(tmp_path, monkeypatch, {"a.tf": 'resource "aws_ecs_cluster" "c" {\n  name = \n}\n',
                                        "b.tf": 'resource "aws_ecs_cluster" "c" {\n  name = "a"\n  name = "b"\n}\n',
                                        "c.tf": task("100")})
    assert ("a.tf", 2, "ECS001") in found  # the argument without a value
    assert ("b.tf", 3, "ECS001") in found
    assert ("c.tf", 6, "ECS202") in found  # the other files are still linted


def test_a_file_with_no_modeled_resource_is_skipped():
    result = lint_text('variable "x" {}\nresource "aws_s3_bucket" "b" {}\n', name="main.tf")
    assert result.findings == [] and result.skipped


# --- container definitions, every way they are given ---------------------------------------------

PRIVILEGED = '[{"name": "web", "image": "nginx", "essential": true, "privileged": true}]'


@pytest.mark.parametrize("containers, files, where", [
    ('jsonencode([{ name = "web", image = "nginx", privileged = true }])', {}, ("main.tf", 8)),
    ("<<-EOF\n    [\n      {\"name\": \"web\", \"image\": \"nginx\",\n       \"privileged\": true}\n    ]\n  EOF",
     {}, ("main.tf", 11)),
    ('file("${path.module}/containers.json")', {"containers.json": PRIVILEGED.replace(", ", ",\n ")},
     ("containers.json", 4)),
    ('templatefile("defs.json.tpl", { image = "nginx" })',
     {"defs.json.tpl": '[\n {"name": "web", "image": "${image}",\n  "cpu": ${cpu}, "privileged": true}\n]\n'},
     ("defs.json.tpl", 3)),
    ("data.template_file.defs.rendered",
     {"data.tf": 'data "template_file" "defs" {\n  template = file("defs.json")\n  vars = { image = "x" }\n}\n',
      "defs.json": '[\n {"name": "web", "image": "${image}",\n  "privileged": true}\n]\n'},
     ("defs.json", 3)),
])
def test_container_definitions_are_read_however_given_with_findings_where_written(
        tmp_path, monkeypatch, containers, files, where):
    found = run(tmp_path, monkeypatch, {"main.tf": task(containers=containers), **files})
    assert [(p, line) for p, line, rule in found if rule == "ECS203"] == [where]


def test_a_file_of_container_definitions_read_by_a_tf_file_is_linted_once_as_part_of_it(tmp_path, monkeypatch):
    files = {"main.tf": task(containers='file("c.json")'), "c.json": PRIVILEGED}
    found = run(tmp_path, monkeypatch, files)
    assert found == [("c.json", 1, "ECS203")]


def test_container_definitions_on_their_own_are_linted_with_their_task_unknown(tmp_path, monkeypatch):
    files = {"defs.json": '[{"name": "a", "image": "x", "memoryReservation": 512, "memory": 256}]',
             "defs.json.tpl": '[{"name": "a", "image": "${image}", "cpu": ${cpu}, "memory": 128,\n'
                              '  "memoryReservation": 256}]',
             "loop.json.tpl": '[%{ for c in containers }{"name": "${c}", "image": "x"}%{ endfor }]'}
    found = run(tmp_path, monkeypatch, files)
    assert sorted(found) == [("defs.json", 1, "ECS103"), ("defs.json.tpl", 2, "ECS103")]


# --- values: variables, tfvars, locals, functions, unknowns --------------------------------------

def test_variables_take_auto_tfvars_over_defaults_and_var_files_over_both(tmp_path, monkeypatch):
    files = {"main.tf": task("var.cpu"), "variables.tf": 'variable "cpu" { default = 256 }',
             "terraform.tfvars": "cpu = 100\n"}
    assert ("main.tf", 6, "ECS202") in run(tmp_path, monkeypatch, files)
    (tmp_path / "fixed.tfvars.json").write_text('{"cpu": 512}')
    (tmp_path / "fixed.tfvars.json").rename(tmp_path / "fixed.json")
    assert ("main.tf", 6, "ECS202") not in run(tmp_path, monkeypatch, {}, ".", var_files=["fixed.json"])


def test_a_variable_that_other_tfvars_files_set_differently_is_unknown(tmp_path, monkeypatch):
    files = {"main.tf": task("var.cpu"), "variables.tf": 'variable "cpu" { default = 100 }',
             "prod.tfvars": "cpu = 1024\n"}
    assert run(tmp_path, monkeypatch, files) == []
    (tmp_path / "prod.tfvars").write_text("cpu = 100\n")
    assert ("main.tf", 6, "ECS202") in run(tmp_path, monkeypatch, {})


def test_locals_functions_and_conditionals_resolve_what_is_written(tmp_path, monkeypatch):
    files = {"main.tf": task('local.sizes[var.env]') + task('lookup(local.sizes, "dev")').replace('"app"', '"b"')
             + task('var.big ? 4096 : 100').replace('"app"', '"c"')
             + task('format("%d", local.base * 2)').replace('"app"', '"d"'),
             "locals.tf": 'locals {\n  sizes = { dev = 100, prod = 256 }\n  base = 50\n}\n'
                          'variable "env" { default = "dev" }\nvariable "big" { default = false }\n'}
    found = [line for path, line, rule in run(tmp_path, monkeypatch, files) if rule == "ECS202"]
    assert found == [6, 15, 24, 33]


@pytest.mark.parametrize("cpu", ["lookup(var.sizes, var.env)", "var.unset", "module.sizes.cpu", "each.value.cpu",
                                 "data.aws_ssm_parameter.cpu.value", "try(var.x, 100)", "count.index",
                                 "[for s in var.l : s][0]", "var.on ? 100 : var.other"])
def test_unknown_values_stay_silent(tmp_path, monkeypatch, cpu):
    files = {"main.tf": task(cpu), "variables.tf": 'variable "sizes" { default = {} }\nvariable "unset" {}\n'}
    assert run(tmp_path, monkeypatch, files) == []


def test_the_same_unresolved_expression_is_the_same_value():
    roles = "memory = 512\n  task_role_arn = aws_iam_role.x.arn\n  execution_role_arn = aws_iam_role.x.arn"
    text = task().replace("memory                   = 512", roles)
    found = [(f.line, f.rule) for f in lint_text(text, name="main.tf").findings]
    assert (9, "ECS303") in found
    other = text.replace("execution_role_arn = aws_iam_role.x.arn", "execution_role_arn = aws_iam_role.y.arn")
    assert all(rule != "ECS303" for _, rule in [(f.line, f.rule) for f in lint_text(other, name="main.tf").findings])


def test_count_zero_and_empty_for_each_are_not_created_dynamic_blocks_iterate(tmp_path, monkeypatch):
    skipped = task("100").replace('family ', 'count = 0\n  family ')
    listed = task().replace('memory                   = 512', '''memory = 512
  dynamic "volume" {
    for_each = var.volumes
    content {
      name      = volume.value
      host_path = "/srv/${volume.value}"
    }
  }''')
    files = {"a.tf": skipped, "b.tf": listed, "v.tf": 'variable "volumes" { default = ["one", "two"] }'}
    assert run(tmp_path, monkeypatch, files) == [("b.tf", 12, "ECS204"), ("b.tf", 12, "ECS204")]  # 'one', 'two'


def test_a_dynamic_block_over_an_unknown_collection_is_an_unknown_list(tmp_path, monkeypatch):
    text = task().replace('memory                   = 512', '''memory = 512
  dynamic "placement_constraints" {
    for_each = var.constraints
    content {
      type = "memberOf"
    }
  }''')
    assert run(tmp_path, monkeypatch, {"main.tf": text}) == []


# --- the graph ------------------------------------------------------------------------------------

ROLE = '''
resource "aws_iam_role" "instance" {{
  name               = "instance"
  assume_role_policy = {policy}
}}
'''
EC2_TRUST = 'jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", ' \
            'Principal = { Service = "ec2.amazonaws.com" } }] })'


@pytest.mark.parametrize("policy, extra", [
    (EC2_TRUST, ""),
    ("<<EOF\n{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\",\n"
     " \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}}]}\nEOF", ""),
    ("data.aws_iam_policy_document.trust.json",
     'data "aws_iam_policy_document" "trust" {\n  statement {\n    actions = ["sts:AssumeRole"]\n'
     '    principals {\n      type = "Service"\n      identifiers = ["ec2.amazonaws.com"]\n    }\n  }\n}\n'),
])
def test_references_link_across_the_files_of_a_module(tmp_path, monkeypatch, policy, extra):
    main = task().replace("memory                   = 512",
                          "memory = 512\n  task_role_arn = aws_iam_role.instance[0].arn")
    found = run(tmp_path, monkeypatch, {"main.tf": main, "iam.tf": ROLE.format(policy=policy) + extra})
    assert ("main.tf", 8, "ECS305") in found


def test_a_module_called_with_a_local_source_is_linted_as_its_own_directory(tmp_path, monkeypatch):
    files = {"envs/prod/main.tf": 'module "app" {\n  source = "../../modules/app"\n}\n',
             "modules/app/main.tf": task("100")}
    assert run(tmp_path, monkeypatch, files, "envs/prod") == [("modules/app/main.tf", 6, "ECS202")]


# --- plans ----------------------------------------------------------------------------------------

def plan(values: dict, module: str = "", unknown: dict | None = None, references: dict | None = None) -> str:
    resource = {"address": f"{module}{'.' if module else ''}aws_ecs_task_definition.app", "mode": "managed",
                "type": "aws_ecs_task_definition", "name": "app", "values": values}
    root: dict = {"resources": [resource]} if not module else {
        "resources": [], "child_modules": [{"address": module, "resources": [resource]}]}
    document = {
        "format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {"root_module": root},
        "resource_changes": [{"address": resource["address"], "change": {"after_unknown": unknown or {}}}],
        "configuration": {"root_module": {
            "resources": [{"address": "aws_ecs_task_definition.app",
                           "expressions": {k: {"references": v} for k, v in (references or {}).items()}}],
            "module_calls": {"app": {"source": "./modules/app", "module": {"resources": []}}}}},
    }
    return json.dumps(document, indent=2)


PLANNED = {"family": "app", "requires_compatibilities": ["FARGATE"], "network_mode": "awsvpc", "cpu": "100",
           "memory": "512", "container_definitions": json.dumps([{"name": "web", "image": "x", "essential": True}])}


def test_a_plan_is_linted_at_its_own_lines_without_the_configuration(tmp_path, monkeypatch):
    found = run(tmp_path, monkeypatch, {"plan.json": plan(PLANNED)})
    assert found == [("plan.json", 18, "ECS202")]  # the "cpu" of the plan


def test_a_plan_beside_its_configuration_reports_at_the_tf_lines_once(tmp_path, monkeypatch):
    files = {"plan.json": plan(PLANNED), "main.tf": task("var.cpu")}
    assert run(tmp_path, monkeypatch, files) == [("main.tf", 6, "ECS202")]
    modules = {"Modules": [{"Key": "", "Source": "", "Dir": "."}, {"Key": "app", "Source": "x", "Dir": "vendor/app"}]}
    files = {"plan.json": plan(PLANNED, module="module.app"), ".terraform/modules/modules.json": json.dumps(modules),
             "vendor/app/main.tf": task("var.cpu"), "main.tf": 'module "app" {\n  source = "x"\n}\n'}
    assert run(tmp_path, monkeypatch, files, "plan.json") == [("vendor/app/main.tf", 6, "ECS202")]


def test_values_known_after_apply_are_unknown_but_keep_their_references(tmp_path, monkeypatch):
    values = {**PLANNED, "cpu": "256"}
    unknown = {"task_role_arn": True, "execution_role_arn": True}
    refs = {"task_role_arn": ["aws_iam_role.x.arn", "aws_iam_role.x"],
            "execution_role_arn": ["aws_iam_role.x.arn", "aws_iam_role.x"]}
    assert [rule for _, _, rule in run(tmp_path, monkeypatch, {"plan.json": plan(values, unknown=unknown,
                                                                                 references=refs)})] == ["ECS303"]


# --- naming and suppressions ---------------------------------------------------------------------

def test_messages_use_terraform_names_and_addresses():
    text = ('resource "aws_ecs_service" "web" {\n  name = "web"\n  launch_type = "FARGATE"\n'
            '  deployment_maximum_percent = 50\n  deployment_minimum_healthy_percent = 100\n}\n')
    messages = " ".join(f.message for f in lint_text(text, name="main.tf").findings)
    assert "aws_ecs_service.web" in messages and "deployment_maximum_percent" in messages
    assert "maximumPercent" not in messages


def test_comments_suppress_the_line_below_or_the_whole_block_or_argument():
    text = ('resource "aws_ecs_task_definition" "a" {\n  family = "a"\n  requires_compatibilities = ["FARGATE"]\n'
            '  cpu = 256\n  memory = 512\n  # ecslint: ignore[ECS201] bridge on purpose\n  network_mode = "bridge"\n'
            '  // ecslint: ignore[ECS203]\n  container_definitions = jsonencode([{\n    name = "a", image = "x",\n'
            '    privileged = true\n  }])\n}\n'
            '/* ecslint: ignore[ECS202] */\nresource "aws_ecs_task_definition" "b" {\n  family = "b"\n'
            '  requires_compatibilities = ["FARGATE"]\n  network_mode = "awsvpc"\n  cpu = 100\n  memory = 512\n'
            '  container_definitions = jsonencode([{ name = "b", image = "x" }])\n}\n')
    assert [(f.line, f.rule) for f in lint_text(text, name="main.tf").findings] == []


def test_an_unused_suppression_is_reported():
    text = task().replace('  family', '  # ecslint: ignore[ECS201]\n  family')
    assert [(f.line, f.rule) for f in lint_text(text, name="main.tf").findings] == [(3, "ECS003")]


def test_the_cli_takes_var_files(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(task("var.cpu") + 'variable "cpu" { default = 256 }\n')
    (tmp_path / "small.tfvars").write_text("cpu = 100\n")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    plain = runner.invoke(main, ["check", "--ignore", "ECS613", "main.tf"])
    given = runner.invoke(main, ["check", "--ignore", "ECS613", "main.tf", "--var-file", "small.tfvars"])
    missing = runner.invoke(main, ["check", "--ignore", "ECS613", "main.tf", "--var-file", "nope.tfvars"])
    assert plain.exit_code == 0 and given.exit_code == 1 and "ECS202" in given.output
    assert missing.exit_code == 2


# --- the spec tables ------------------------------------------------------------------------------

def _target(type_name: str, schema: dict) -> dict:
    schema = definition_of(type_name, schema["$ref"]) if "$ref" in schema else schema
    while schema.get("type") == "array" or "items" in schema:
        items = schema.get("items", {})
        schema = definition_of(type_name, items["$ref"]) if "$ref" in items else items
    return schema


def _unknown_properties(type_name: str, schema: dict, spec: Spec, where: str) -> list[str]:
    found = []
    for name, field in spec.items():
        node = _target(type_name, schema)
        if field.cfn == "":
            found += _unknown_properties(type_name, node, field.spec or {}, f"{where}.{name}")
            continue
        for word in field.cfn.split("."):
            properties = _target(type_name, node).get("properties", {})
            if word not in properties:
                found.append(f"{where}.{name}: {field.cfn}")
                break
            node = properties[word]
        else:
            if field.spec is not None:
                found += _unknown_properties(type_name, node, field.spec, f"{where}.{name}")
    return found


def test_every_terraform_argument_becomes_a_property_cloudformation_has():
    unknown = [problem for kind, (cfn_type, spec) in RESOURCES.items()
               for problem in _unknown_properties(cfn_type, {"properties": resource_schema(cfn_type)["properties"]},
                                                  spec, kind)]
    assert unknown == []


# --- hostile input -------------------------------------------------------------------------------

def test_hostile_terraform_is_a_clear_error_and_the_module_is_still_read(tmp_path, monkeypatch):
    files = {"deep.tf": 'resource "aws_ecs_cluster" "c" {\n  name = ' + "[" * 5000 + "]" * 5000 + "\n}\n",
             "blocks.tf": 'resource "aws_ecs_cluster" "c" {\n' + "a {\n" * 500 + "}\n" * 500 + "}\n",
             "large.tf": 'resource "aws_ecs_cluster" "c" {\n' + "  # padding\n" * 200_000 + "}\n",
             "main.tf": task("var.cpu"), "variables.tf": 'variable "cpu" { default = 100 }\n'}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "binary.tf").write_bytes(b"\x00\x01resource" * 100)
    found = run(tmp_path, monkeypatch, {})
    assert sorted(found) == [("binary.tf", 1, "ECS001"), ("blocks.tf", 130, "ECS001"), ("deep.tf", 2, "ECS001"),
                             ("large.tf", 1, "ECS001"), ("main.tf", 6, "ECS202")]


def test_a_scalable_target_is_modeled_and_desired_count_defaults_to_zero():
    from ecslint.adapters.terraform.naming import TerraformNaming
    from ecslint.model import Service

    result = lint_text("""
resource "aws_ecs_service" "web" {
  name = "web"
}
resource "aws_appautoscaling_target" "web" {
  min_capacity       = 0
  max_capacity       = 2
  resource_id        = "service/prod/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}
""", "hcl", select=["ECS902"], name="main.tf")
    assert [(f.rule, f.line) for f in result.findings] == [("ECS902", 2)]
    assert "aws_appautoscaling_target.web may scale it to 0 (its min_capacity is 0)" in result.findings[0].message
    assert TerraformNaming().default(Service.__new__(Service), "desiredCount") == 0


# --- tags --------------------------------------------------------------------------------------------

TAGS_REQUIRED = {"select": ["ECS622"], "options": {"ECS622": {"tags": ["team", "env"]}}}
TAGGED_CLUSTER = 'resource "aws_ecs_cluster" "prod" {\n  name = "prod"\n  tags = { env = "prod" }\n}\n'


def test_tags_are_the_resources_own_over_the_providers_default_tags(tmp_path, monkeypatch):
    provider = 'provider "aws" {\n  default_tags {\n    tags = { team = "payments" }\n  }\n}\n'
    assert run(tmp_path, monkeypatch, {"main.tf": provider + TAGGED_CLUSTER}, **TAGS_REQUIRED) == []
    bare = 'provider "aws" {\n  region = "us-east-1"\n}\n'
    assert run(tmp_path, monkeypatch, {"main.tf": bare + TAGGED_CLUSTER}, **TAGS_REQUIRED) == \
        [("main.tf", 6, "ECS622")]


def test_tags_of_a_module_without_an_aws_provider_are_unknown(tmp_path, monkeypatch):
    assert run(tmp_path, monkeypatch, {"main.tf": TAGGED_CLUSTER}, **TAGS_REQUIRED) == []


def test_a_plan_gives_its_tags_all(tmp_path, monkeypatch):
    values = {**PLANNED, "tags": {"env": "prod"}, "tags_all": {"env": "prod", "team": "payments"}}
    assert run(tmp_path, monkeypatch, {"plan.json": plan(values)}, **TAGS_REQUIRED) == []
    values = {**PLANNED, "tags": {"env": "prod"}, "tags_all": {"env": "prod"}}
    assert [rule for _, _, rule in run(tmp_path, monkeypatch, {"plan.json": plan(values)}, **TAGS_REQUIRED)] == \
        ["ECS622"]
