"""ecslint.iam: trust policies, statements, AWS managed policies, and what a role's policies allow."""

from __future__ import annotations

import pytest

from ecslint import iam
from ecslint.adapters import AdaptOptions, adapt
from ecslint.engine import Input, read_input
from ecslint.link import link
from ecslint.model import Project, Role, TaskDefinition


def project_of(*texts: str) -> Project:
    """The linked project of templates (or ECS API files) given as YAML texts."""
    project = Project()
    for index, text in enumerate(texts):
        document = read_input(Input(f"file{index}.yaml", text.encode("utf-8")))
        for obj in adapt(document, AdaptOptions(parameters={})).objects:
            project.add(obj)
    link(project)
    return project


def role(project: Project, logical_id: str) -> Role:
    return next(r for r in project.objects("Role") if r.resource.logical_id == logical_id)


def task(project: Project) -> TaskDefinition:
    return project.task_definitions[0]


def trust(principal: str) -> str:
    """A template with one role whose trust policy's principal is the YAML ``principal``."""
    return f"""
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: sts:AssumeRole
"""


# --- documents and statements ---------------------------------------------------------------------------

def test_document_from_mapping_and_json_string():
    project = project_of("""
Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}'
  B:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{not json'
  C:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !ImportValue trust
""")
    assert iam.document(role(project, "A").get("AssumeRolePolicyDocument")) == {
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    assert iam.document(role(project, "B").get("AssumeRolePolicyDocument")) is None
    assert iam.document(role(project, "C").get("AssumeRolePolicyDocument")) is None


@pytest.mark.parametrize("statement, actions_known", [
    ({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}, True),
    ({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::private/*"}, False),
    ({"Action": "s3:*", "Resource": "*"}, False),
])
def test_statements_that_cannot_be_read_exactly_are_unknown(statement, actions_known):
    (found,) = iam.statements({"Statement": [statement]})
    assert found.actions_known is actions_known


def test_a_statement_a_template_computes_is_unknown_and_may_allow():
    found = iam.statements({"Statement": [{"Fn::If": ["C", {"Effect": "Allow"}, {"Ref": "AWS::NoValue"}]}]})
    assert [(s.allow, s.known, s.actions_known) for s in found] == [(True, False, False)]


# --- trust ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("principal, services", [
    ("{Service: ecs-tasks.amazonaws.com}", {"ecs-tasks.amazonaws.com"}),
    ('{Service: !Sub "ecs-tasks.${AWS::URLSuffix}"}', {"ecs-tasks.amazonaws.com"}),
    ('{Service: !Join ["", ["ecs-tasks.", !Ref "AWS::URLSuffix"]]}', {"ecs-tasks.amazonaws.com"}),
    ("{Service: [EC2.amazonaws.com, ecs.amazonaws.com.cn]}", {"ec2.amazonaws.com", "ecs.amazonaws.com"}),
    ('{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}', set()),
    ('"*"', None),
    ("{AWS: '*'}", None),
    ("{Service: !ImportValue principal}", None),
    ("!If [C, {Service: ec2.amazonaws.com}, {Service: ecs-tasks.amazonaws.com}]", None),
])
def test_trusted_services(principal, services):
    assert iam.trusted_services(role(project_of(trust(principal)), "R")) == services


def test_trust_ignores_statements_for_other_actions_and_denials():
    project = project_of("""
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:TagSession}
          - {Effect: Deny, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
          - {Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: "sts:*"}
""")
    assert iam.trusted_services(role(project, "R")) == {"ecs-tasks.amazonaws.com"}


# --- matching -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("policy, value, expected", [
    ("*", "arn:aws:ssm:us-east-1:123456789012:parameter/app/db", True),
    ("arn:aws:ssm:*:*:parameter/app/*", "arn:aws:ssm:us-east-1:123456789012:parameter/app/db", True),
    ("arn:aws:ssm:*:*:parameter/app/*", "arn:aws:ssm:us-east-1:123456789012:parameter/web/db", False),
    ("arn:aws:ssm:us-east-1:*:parameter/app/*", "arn:*:ssm:*:*:parameter/app/db", True),
    # A filled-in part of a value is one ARN part: it holds no colon.
    ("arn:aws:ssm:*:*:parameter/api/*", "arn:*:ssm:*:*:parameter/billing/api-key", False),
    ("arn:aws:secretsmanager:*:*:secret:db-??????", "arn:aws:secretsmanager:*:*:secret:db-AbCdEf", True),
    ("arn:aws:secretsmanager:*:*:secret:db-??????", "arn:aws:secretsmanager:*:*:secret:db", False),
    ("arn:aws:secretsmanager:*:*:secret:db", "arn:aws:secretsmanager:*:*:secret:db-??????", False),
    ("arn:aws:secretsmanager:*:*:secret:db*", "arn:aws:secretsmanager:*:*:secret:db-??????", True),
    ("a[b]c", "a[b]c", True),
])
def test_may_match(policy, value, expected):
    assert iam.may_match(policy, value) is expected


def test_may_match_is_bounded():
    assert iam.may_match("x" * 10_000, "y")


@pytest.mark.parametrize("resource, expected", [
    (None, True),
    ("arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf", None),
    (iam.Reference({"Ref": "Db"}), True),
    (iam.Reference("${Db}:password::"), True),
    (iam.Reference({"Fn::GetAtt": ["Db", "Id"]}), True),
    (iam.Reference({"Ref": "Other"}), False),
    (iam.Reference({"Fn::ImportValue": "secret"}), None),
])
def test_allowed_on_a_reference(resource, expected):
    docs = [{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": "Db"}}]}]
    assert iam.allowed(docs, "secretsmanager:GetSecretValue", resource) is expected


def test_allowed_actions_are_case_insensitive_and_wildcards_match():
    docs = [{"Statement": [{"Effect": "Allow", "Action": ["ECS:Submit*", "ecr:Get*"], "Resource": "*"}]}]
    assert iam.allowed(docs, "ecs:SubmitTaskStateChange")
    assert iam.allowed(docs, "ecr:GetAuthorizationToken")
    assert iam.allowed(docs, "ecr:BatchGetImage") is False


def test_allowed_is_unknown_when_an_allowing_statement_cannot_be_read():
    docs = [{"Statement": [{"Effect": "Allow", "Action": {"Fn::If": ["C", "ecs:Poll", "ecs:Nothing"]}, "Resource": "*"},
                           {"Effect": "Deny", "Action": "ecs:Poll", "Resource": "*"}]}]
    assert iam.allowed(docs, "ecs:Poll") is None


# --- a role's permissions ------------------------------------------------------------------------------------

ROLE_WITH_POLICIES = """
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: api-execution
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
        - !Ref LogsPolicy
  LogsPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: logs:CreateLogGroup, Resource: "*"}]
  SecretsPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: secrets
      Roles: [!Ref ExecutionRole]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: ssm:GetParameters, Resource: "arn:aws:ssm:*:*:parameter/api/*"}]
  # Names the role in its document, but is attached to another role.
  PassRolePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: pass-role
      Roles: [deployer]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: "*", Resource: !GetAtt ExecutionRole.Arn}]
"""


def test_permissions_read_managed_attached_and_referenced_policies():
    project = project_of(ROLE_WITH_POLICIES)
    allows = iam.permissions(role(project, "ExecutionRole"), project.graph, project.objects("Policy"))
    assert allows.complete
    assert allows.allows("ecr:GetAuthorizationToken") is True
    assert allows.allows("logs:CreateLogGroup") is True
    assert allows.allows("ssm:GetParameters", "arn:aws:ssm:us-east-1:1:parameter/api/key") is True
    assert allows.allows("ssm:GetParameters", "arn:aws:ssm:us-east-1:1:parameter/web/key") is False
    assert allows.allows("secretsmanager:GetSecretValue") is False  # the pass-role policy is another role's


def test_a_policy_attached_by_name_from_another_file_counts():
    project = project_of(ROLE_WITH_POLICIES, """
Resources:
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [api-execution]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "*"}]
""")
    allows = iam.permissions(role(project, "ExecutionRole"), project.graph, project.objects("Policy"))
    assert allows.allows("secretsmanager:GetSecretValue") is True


@pytest.mark.parametrize("managed, action, expected", [
    ("arn:aws:iam::aws:policy/PowerUserAccess", "ecs:Poll", None),  # not known: may allow anything
    ("!ImportValue policy-arn", "ecs:Poll", None),
    ("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "ecs:Poll", False),
    ("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "ssm:GetParameters", True),
    ("arn:aws:iam::aws:policy/SecretsManagerReadWrite", "ssm:GetParameters", None),  # not described
    ("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", "ssm:GetParameters", False),
    ("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole", "ecs:RegisterContainerInstance", False),
    ("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", "ecs:SubmitTaskStateChange", True),
])
def test_aws_managed_policies(managed, action, expected):
    project = project_of(f"""
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]
      ManagedPolicyArns: [{managed}]
""")
    assert iam.permissions(role(project, "R"), project.graph).allows(action) is expected


def test_inline_policies_a_template_computes_make_a_no_unknown():
    project = project_of("""
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
      Policies: !If [C, [], !Ref AWS::NoValue]
""")
    assert iam.permissions(role(project, "R"), project.graph).allows("ecs:Poll") is None


def test_managed_policy_names_and_items():
    project = project_of(ROLE_WITH_POLICIES)
    execution = role(project, "ExecutionRole")
    item = iam.managed_policy_item(execution, ("amazonecstaskexecutionrolepolicy",))
    assert item is execution.list("ManagedPolicyArns")[0]
    assert iam.managed_policy_name(item) == "AmazonECSTaskExecutionRolePolicy"
    assert iam.managed_policy_item(execution, iam.CONTAINER_INSTANCE_POLICIES) is None
    assert iam.managed_policy_names(execution) == ({"AmazonECSTaskExecutionRolePolicy"}, False)


# --- roles of task definitions and instance profiles ---------------------------------------------------------

def test_role_of_follows_references_and_names_across_files():
    project = project_of(ROLE_WITH_POLICIES, """
family: api
taskRoleArn: arn:aws:iam::123456789012:role/service-role/api-execution
executionRoleArn: arn:aws:iam::123456789012:instance-profile/api-execution
containerDefinitions: [{name: api, image: nginx, memory: 128}]
""")
    execution = role(project, "ExecutionRole")
    assert iam.role_of(task(project), "taskRoleArn", project.graph) is execution
    assert iam.role_of(task(project), "executionRoleArn", project.graph) is None
    assert iam.role_of(task(project), "taskRoleArn", None) is None


def test_roles_of_an_instance_profile():
    project = project_of("""
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  P:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref R, !ImportValue other-role]
""")
    (profile,) = project.objects("InstanceProfile")
    assert list(iam.roles_of(profile, project.graph)) == [role(project, "R")]
