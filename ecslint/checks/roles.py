"""IAM: the task role, the execution role, and the secrets the execution role reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ecslint.findings import Violation
from ecslint.graph import arn_name, referenced_id
from ecslint.iam import pattern, role_of, strings
from ecslint.model import (MAX_PATTERN_INPUT, ContainerDefinition, InstanceProfile, Policy, Role, Service,
                           TaskDefinition, is_templated, literal_str, same_value)
from ecslint.model.values import fill_placeholders, shown
from ecslint.tree import Node, as_str
from ecslint.wording import and_list, short

ROLE_FIELDS = ("taskRoleArn", "executionRoleArn")
_ROLE_NAMES = {"taskRoleArn": "task role", "executionRoleArn": "task execution role"}
_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]*):(?P<region>[^:]*):(?P<account>[^:]*)"
                  r":(?P<resource>.*)$")
# An image in a private ECR registry; the account and region may be filled in (``${AWS::AccountId}``: ``*``).
PRIVATE_ECR = re.compile(r"^(\d{12}|\*)\.dkr\.ecr(-fips)?\.([a-z0-9-]+|\*)\.amazonaws\.com(\.cn)?/")


def private_ecr(container: ContainerDefinition) -> Node | None:
    """The container's image, when it is in a private ECR registry."""
    image = container.get("image")
    return image if PRIVATE_ECR.match(pattern(image) or "") else None


def _arn(text: str) -> re.Match[str] | None:
    return _ARN.match(text)


_PARTITION, _ACCOUNT = "aws", "<account>"


def _written_text(node: Node | None) -> str | None:
    """A role or secret reference whose kind is written out: a literal, or an ARN whose partition, region or
    account a template or deployment tool fills in (``arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x``,
    ``arn:aws:ssm:${var.region}:<account-id>:parameter/db``), with those parts as ``aws``/``<region>``/
    ``<account>`` stand-ins. None when its kind is unknown."""
    text = literal_str(node)
    if text is not None:
        return text
    text = as_str(node)
    if not text or node.tag is not None or len(text) > MAX_PATTERN_INPUT or not text.startswith("arn:"):
        return None
    parts = fill_placeholders(text, lambda _: "\0").split(":", 5)  # a placeholder may hold colons (${AWS::Region})
    if len(parts) < 6 or "\0" in parts[2] or "\0" in parts[5].split("/", 1)[0]:
        return None  # the service or the resource type is filled in: not known
    stand_ins = ["arn", _PARTITION, parts[2], "<region>", _ACCOUNT, "*"]
    return ":".join(part if "\0" not in part else part.replace("\0", stand_ins[i]) for i, part in enumerate(parts))


# --- ECS301: a role ARN that is not a role ------------------------------------------------------

@dataclass(frozen=True)
class RoleMember:
    """A member that names an IAM role: what the role is called, the service principal it trusts, and what
    AWS does with a value that is not a role."""

    which: str
    trusts: str
    rejected: str


# The members ECS301 reads, by the kind of object: a task definition's two roles, a service's role (the role
# ECS uses to register the tasks of a non-awsvpc service with its load balancer).
ROLE_MEMBERS: dict[type, dict[str, RoleMember]] = {
    TaskDefinition: {field: RoleMember(which, "ecs-tasks.amazonaws.com", "AWS rejects it with \"Role is not valid\"")
                     for field, which in _ROLE_NAMES.items()},
    Service: {"role": RoleMember("service role", "ecs.amazonaws.com",
                                 "ECS cannot assume it and CreateService fails, often with \"Unable to assume role "
                                 "and validate the specified targetGroupArn\"")},
}
Roled = TaskDefinition | Service


def _not_a_role(role: RoleMember, name: str, text: str, obj: Roled) -> str | None:
    """Why ``text`` is not usable as the member ``name`` of ``obj``; None when it is (or may be) a role."""
    if text.strip().lower() in ("null", "none", "undefined"):
        return (f"{name} of {obj.label} is the text '{text}', not a role: ECS tries to assume a role named "
                f"'{text}' and fails with \"ECS was unable to assume the role ...\". Remove {name} "
                "or give the ARN of an IAM role.")
    match = _arn(text)
    if match is None:
        return _not_a_role_name(role, name, text, obj)
    resource = match["resource"]
    if match["service"] == "iam" and resource.startswith("instance-profile/"):
        return (f"{name} of {obj.label} is an EC2 instance profile, not an IAM role: {role.rejected}. An instance "
                "profile wraps the container instance role that the EC2 hosts use (it trusts ec2.amazonaws.com); "
                f"the {role.which} is an IAM role that trusts {role.trusts}. Use "
                f"arn:{match['partition']}:iam::{match['account'] or _ACCOUNT}:role/<name>.")
    if match["service"] == "iam" and resource.startswith("role/"):
        return _bad_role_arn(role, name, match, obj)
    kind = (f"an IAM {resource.split('/', 1)[0]}" if match["service"] == "iam"
            else f"an ARN of another service ({match['service'] or 'none'})")
    return (f"{name} of {obj.label} is {kind}, not an IAM role; {role.rejected}. "
            f"Use the ARN of the {role.which} (arn:{match['partition']}:iam::<account>:role/<name>).")


# What IAM accepts as a role name, with its path (ECS takes a role's name instead of its ARN), and as an
# account ID. Linear: each path segment must end at its '/'.
_ROLE_NAME = re.compile(r"^(?!/?role/)/?(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _not_a_role_name(role: RoleMember, name: str, text: str, obj: Roled) -> str | None:
    """Why ``text``, which is not an ARN, is not a role name either (``arn:aws:iam::role/app``,
    ``role/app``); None when it is a role name."""
    if _ROLE_NAME.match(text):
        return None
    shown_text = short(text, 80)
    if text.startswith("arn:"):
        parts = text.split(":")
        no_account = len(parts) == 5 and parts[2] == "iam" and not parts[3]
        what = "an IAM role ARN without its account" if no_account else "not a complete ARN"
        fix = f"arn:{parts[1]}:iam::<account ID>:{short(parts[4], 80)}" if no_account else \
            "arn:aws:iam::<account ID>:role/<name>"
        return (f"{name} of {obj.label} is '{shown_text}', {what}: a role ARN has six parts separated by colons; "
                f"{role.rejected}. Write {fix}, with the 12-digit account ID, or the {role.which}'s name alone.")
    return (f"{name} of {obj.label} is '{shown_text}', neither an ARN nor a role name (letters, digits and "
            f"+=,.@_- only, up to 64 characters); {role.rejected}. Give the {role.which}'s ARN "
            "(arn:aws:iam::<account>:role/<name>) or its name alone.")


def _bad_role_arn(role: RoleMember, name: str, match: re.Match[str], obj: Roled) -> str | None:
    """Why a role ARN is malformed: no account, digits that are not a 12-digit account ID, or no role name."""
    account, role_name = match["account"], match["resource"].rsplit("/", 1)[-1]
    # An account in letters is a stand-in left for the reader (XXXXXXXXXXXX, aws_account_id): unknown.
    if not _ACCOUNT_ID.match(account) and not any(c.isalpha() or c in _ACCOUNT for c in account):
        given = f"the account '{short(account, 40)}'" if account else "no account"
        return (f"{name} of {obj.label} is a role ARN with {given}, where AWS expects a 12-digit account ID; "
                f"{role.rejected}. Write arn:{match['partition']}:iam::<account ID>:{short(match['resource'], 80)}.")
    if not role_name:
        return (f"{name} of {obj.label} is a role ARN without a role name (it ends in role/); {role.rejected}. "
                "Add the role's name after role/.")
    return None


# A count or for_each index after a reference (``aws_iam_instance_profile.ecs[0]``); linear.
_INDEX = re.compile(r"^(?:\[[^\]]*\])+")
_ATTRIBUTE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")  # an attribute name a message may quote
_READ_AS_NAME = "ECS reads it as a role's name, so it gets whatever role has that name, if any, not one made for it"


def _referenced_value(node: Node, target: str) -> str:
    """Which value of the resource ``target`` (its logical id or address) a reference to it reads, in lower
    case: ``arn`` for ``!GetAtt Profile.Arn`` or ``aws_iam_instance_profile.ecs[0].arn``, ``name`` for
    ``aws_iam_instance_profile.ecs.name``; "" for the resource's own value (``!Ref Profile``)."""
    text = (shown(node) or "").removeprefix("${").removesuffix("}")
    at = text.find(target)
    rest = _INDEX.sub("", text[at + len(target):]) if at != -1 else ""
    return rest.lstrip(".").split(".", 1)[0].lower()


def _referenced_instead(role: RoleMember, name: str, node: Node | None, obj: Roled, graph) -> str | None:
    """Why ``node`` is not usable as the member ``name`` when it refers to an instance profile or a policy of
    the inputs."""
    target = referenced_id(node)
    found = graph.target(obj, node, InstanceProfile, Policy) if target is not None else None
    if found is None:
        return None
    if isinstance(found, Policy):
        return (f"{name} of {obj.label} refers to {found.label}, an IAM policy, not an IAM role: a policy only "
                f"grants permissions to the roles it is attached to and cannot be assumed: {role.rejected}. Use the "
                f"ARN of the {role.which}, a role that trusts {role.trusts}, and attach the policy to that role.")
    profile = found
    value = _referenced_value(node, target)
    what = f"the ARN of {profile.label}" if value == "arn" else \
        f"the name of {profile.label} (its Ref)" if not value else \
        f"the {value} of {profile.label}" if _ATTRIBUTE.match(value) else f"a value of {profile.label}"
    outcome = role.rejected if value == "arn" else _READ_AS_NAME
    return (f"{name} of {obj.label} is {what}, an EC2 instance profile, "
            f"not an IAM role: {outcome}. An instance profile wraps the container instance role that the EC2 hosts "
            f"use (it trusts ec2.amazonaws.com); the {role.which} is an IAM role that trusts {role.trusts}. "
            "Refer to the ARN of such a role instead.")


def role_arn_not_a_role(obj: Roled, ctx) -> Iterator[Violation]:
    """A task definition's ``taskRoleArn`` and ``executionRoleArn`` and a service's ``role`` must name IAM
    roles (not instance profiles, policies, users, ...)."""
    for field, role in ROLE_MEMBERS[type(obj)].items():
        node = obj.get(field)
        text = _written_text(node)
        name = obj.term(field)
        reason = _not_a_role(role, name, text, obj) if text else \
            _referenced_instead(role, name, node, obj, ctx.project.graph)
        if reason:
            yield Violation(node, reason)


# --- ECS302: no execution role where one is needed ------------------------------------------------

# What ECS fetches with the execution role before the containers start: (member, what it is).
_FETCHED = (("secrets", "secrets"), ("repositoryCredentials", "private registry credentials"),
            ("environmentFiles", "environment files"))


def _needs(container: ContainerDefinition, fargate: bool) -> Iterator[tuple[str, str | None]]:
    """What in ``container`` ECS fetches or writes with the execution role: (what it is, and on Fargate
    what AWS's rejection names it, else None: the task fails to start instead)."""
    for field, what in _FETCHED:
        node = container.get(field)
        if node is not None and (node.is_map or node.elements()):
            yield what, None
    log = container.get("logConfiguration")
    if log is not None and log.get("secretOptions") is not None and log.get("secretOptions").elements():
        yield f"log driver's {container.term('secretOptions', within='logConfiguration')}", None
    if not fargate:
        return
    if as_str(log.get("logDriver") if log is not None else None) == "awslogs":
        yield "awslogs log driver", "log driver awslogs"
    if private_ecr(container) is not None:
        yield "private ECR image", "ECR images"


def execution_role_missing(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """Secrets, registry credentials, environment files, and on Fargate awslogs or ECR images need an
    execution role: one finding for the task definition, naming each container and what it needs."""
    role = task.get("executionRoleArn")
    if role is not None and (role.value not in (None, "")):
        return
    listed: list[str] = []
    rejections: list[str] = []
    fetched: list[str] = []
    for container in task.containers:
        needs = list(_needs(container, task.is_fargate))
        if needs:
            listed.append(f"{container.label} ({and_list([what for what, _ in needs])})")
        rejections += [support for _, support in needs if support is not None and support not in rejections]
        fetched += [what for what, support in needs if support is None and what not in fetched]
    if not listed:
        return
    name = task.term("executionRoleArn")
    secrets = " (and read access to the secrets it uses)" if any("secret" in what.lower() for what in fetched) else ""
    why = []
    if rejections:
        why.append("AWS rejects the task definition with \"Fargate requires task definition to have execution "
                   f"role ARN to support {rejections[0]}.\"")
    if fetched:
        read = and_list([f"the {what}" for what in fetched]) if rejections else "them"
        why.append(f"ECS reads {read} with that role before the containers start, so without it the task fails "
                   "to start.")
    yield Violation(task.key("executionRoleArn"),
                    f"{task.label} has no {name}, but ECS needs a task execution role for what "
                    f"its containers use: {', '.join(listed)}. "
                    f"{' '.join(why)} Add an {name}: an IAM role trusting ecs-tasks.amazonaws.com with the "
                    f"AmazonECSTaskExecutionRolePolicy managed policy{secrets}.")


# --- ECS303: the same role twice -------------------------------------------------------------------

def _role_identity(node: Node | None) -> tuple[str | None, str] | None:
    """(account, name) of a role reference written out: a name (the account of the caller: None), or a
    role ARN (an account a template fills in: None too); None when it is not such a reference, or its
    name is filled in."""
    text = _written_text(node)
    kind, name = arn_name(text) if text else (None, "")
    if not name or "*" in name or kind not in (None, Role):
        return None  # no name, or one a placeholder fills in (role/<name>): not known
    match = _arn(text)
    account = match["account"] if match is not None and match["account"] != _ACCOUNT else None
    return account, name


def _generic_placeholder(task: TaskDefinition, node: Node) -> bool:
    """Whether ``node`` is a placeholder that the task definition also writes for other members (a
    ``<PLACEHOLDER>`` for the family, the image and the roles alike): it stands for different values."""
    text = as_str(node)
    return text is not None and is_templated(text) and \
        sum(1 for value in strings(task.node.plain()) if value == text) > len(ROLE_FIELDS)


def _same_role(task: TaskDefinition, graph) -> bool:
    """Whether the task role and the execution role are known to be one role: the same value (not a
    generic placeholder), the same role of the inputs (``!Ref Role`` and ``!GetAtt Role.Arn``), or a
    role's name and its ARN."""
    task_role, execution_role = task.get("taskRoleArn"), task.get("executionRoleArn")
    if task_role is None or task_role.value in (None, ""):
        return False
    if same_value(task_role, execution_role):
        return not _generic_placeholder(task, task_role)
    found = role_of(task, "taskRoleArn", graph)
    if found is not None:
        return found is role_of(task, "executionRoleArn", graph)
    first, second = _role_identity(task_role), _role_identity(execution_role)
    return first is not None and second is not None and first[1] == second[1] and \
        (first[0] is None or second[0] is None or first[0] == second[0])


def same_task_and_execution_role(task: TaskDefinition, ctx) -> Iterator[Violation]:
    """The task role and the execution role should be different roles (least privilege)."""
    if _same_role(task, ctx.project.graph):
        yield Violation(task.get("executionRoleArn"),
                        f"{task.label} uses one role as both its task role and its execution role, so the "
                        "application in its containers can do everything ECS does to start the task (pull its "
                        "images, read every secret of the task, write its logs), and ECS holds every permission "
                        "of the application. Give each its own role: the execution role only what ECS needs to "
                        "start the task, the task role only what the application calls.")


# --- ECS113: secret references ---------------------------------------------------------------------

def _secret_problem(text: str, allow_ssm: bool) -> str | None:
    """Why ``text`` is not a usable secret reference; None when it is."""
    match = _arn(text)
    if match is None:
        return None  # a parameter name (secrets) or a secret name (registry credentials)
    service, resource = match["service"], match["resource"]
    if service == "secretsmanager" and resource.startswith("secret:"):
        return None
    if allow_ssm and service == "ssm" and resource.startswith("parameter"):
        return None
    if service == "secretsmanager":
        return "a Secrets Manager ARN that does not name a secret (…:secret:<name>)"
    if service == "ssm":
        return ("an SSM parameter, which registry credentials cannot come from" if not allow_ssm
                else "an SSM ARN that does not name a parameter (…:parameter/<name>)")
    return f"an ARN of another service ({service or 'none'})"


def secret_refs(container: ContainerDefinition) -> Iterator[tuple[Node, str, bool, list[str | int]]]:
    """(valueFrom node, where it is, whether SSM parameters are allowed, its path in the container) for
    every secret reference."""
    for index, entry in enumerate(container.list("secrets")):
        yield entry.get("valueFrom"), "secrets", True, ["secrets", index, "valueFrom"]
    log = container.get("logConfiguration")
    options = log.get("secretOptions") if log is not None else None
    for index, entry in enumerate(options.elements() if options is not None else []):
        yield (entry.get("valueFrom"), "logConfiguration.secretOptions", True,
               ["logConfiguration", "secretOptions", index, "valueFrom"])
    credentials = container.get("repositoryCredentials")
    if credentials is not None:
        yield (credentials.get("credentialsParameter"), "repositoryCredentials.credentialsParameter", False,
               ["repositoryCredentials", "credentialsParameter"])


# What SSM accepts in a parameter's name, and Secrets Manager in a secret's name.
_PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_.\-/]+$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@\-]+$")
# The fields after ``secret:`` that ECS reads: the secret alone, or it with json-key, version-stage and version-id.
_SECRET_FIELDS = (2, 5)
_ASM_FORMAT_ERROR = ("\"an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN "
                     "and try again.\"")


def _reference_form(text: str, allow_ssm: bool) -> str | None:
    """Why ``text`` is not written as a secret reference ECS can read (what follows "is"); None when it is."""
    match = _arn(text)
    if match is not None:
        fields = match["resource"].split(":")
        if match["service"] != "secretsmanager" or fields[0] != "secret" or len(fields) in _SECRET_FIELDS:
            return None
        key = fields[2] if len(fields) > 2 and fields[2] else "<json-key>"
        return (f"a Secrets Manager ARN with {len(fields) - 1} fields after 'secret:' where ECS reads the secret's "
                "name alone or the name, json-key, version-stage and version-id; the task stops with "
                f"{_ASM_FORMAT_ERROR} Keep the empty fields: ...:secret:{short(fields[1], 60)}:{short(key, 40)}::")
    if text.startswith("arn:"):
        return ("not a complete ARN (an ARN has six parts separated by colons), so ECS cannot read it and the task "
                "fails to start with a ResourceInitializationError. Give the secret's or parameter's full ARN")
    if not (_PARAMETER_NAME if allow_ssm else _SECRET_NAME).match(text):
        store = "Secrets Manager or SSM Parameter Store" if allow_ssm else "Secrets Manager"
        return (f"not an ARN or a name ('{text[:4]}…' has characters no name has): it looks like the value itself. "
                "ECS looks it up and the task fails to start with a ResourceInitializationError. Store the value in "
                f"{store} and give its ARN")
    if allow_ssm and "/" in text and not text.startswith("/"):
        return (f"'{short(text, 80)}', an SSM parameter name in a hierarchy that does not start with '/': SSM names "
                "with '/' are fully qualified, so ECS finds no such parameter and the task fails to start with a "
                f"ResourceInitializationError. Write /{short(text, 80)}, or the full ARN if it names a Secrets Manager "
                "secret")
    return None


def invalid_secret_reference(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """Secrets come from Secrets Manager secrets or SSM parameters; registry credentials from Secrets Manager;
    each written as ECS reads it."""
    for node, where, allow_ssm, path in secret_refs(container):
        text = _written_text(node)
        if not text:
            continue
        problem = _secret_problem(text, allow_ssm)
        if problem is None:
            form = _reference_form(text, allow_ssm)
            if form is not None:
                yield Violation(node, f"{container.term_path(path)} of {container.label} is {form}.")
            continue
        allowed = ("a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an "
                   "SSM parameter ARN or name" if allow_ssm
                   else "a Secrets Manager secret ARN or name")
        yield Violation(node, f"{container.term(where)} of {container.label} points at {problem}; ECS can only "
                              f"read {allowed}, so the task fails to start with a ResourceInitializationError. Point "
                              "it at the secret that holds the value.")
