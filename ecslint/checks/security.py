"""Security: unencrypted EFS traffic, credentials in plain environment variables, privileged containers."""

from __future__ import annotations

import re
from typing import Iterator

from ecslint.checks.storage import (
    encryption_requirement,
    encryption_setting,
    transit_encryption,
    unencrypted,
    volume_label,
)
from ecslint.findings import Violation
from ecslint.model import ContainerDefinition, Volume
from ecslint.tree import Node, as_str, is_true


def efs_transit_encryption_disabled(volume: Volume, ctx) -> Iterator[Violation]:
    """Every EFS volume should encrypt NFS traffic; volumes that ECS502 already reports are skipped."""
    efs = volume.efs
    if efs is None or encryption_requirement(volume, efs) is not None:
        return
    found = unencrypted(volume, *transit_encryption(efs))
    if found is None:
        return
    yield Violation(found[0],
                    f"EFS {volume_label(volume)} {found[1]}, so its data crosses the network "
                    f"unencrypted. Set {encryption_setting(volume)} (AWS Security Hub ECS.18).")


# Words (and phrases of words) that name a credential, when they end the name or are followed
# only by words that do not describe something else about it.
CREDENTIAL_PHRASES = (
    ("PASSWORD",), ("PASSWD",), ("PASSPHRASE",), ("SECRET",), ("TOKEN",), ("APIKEY",),
    ("API", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"), ("ACCESS", "KEY"), ("ACCESS", "KEY", "ID"),
    ("MASTER", "KEY"), ("ENCRYPTION", "KEY"), ("SIGNING", "KEY"), ("LICENSE", "KEY"), ("AUTH", "KEY"),
    ("AUTH", "DATA"),
)
# Credential words that only count as the last word of a name (DB_PASS, but not PASS_THROUGH).
LAST_WORD_ONLY = (("PASS",),)
# Words after the credential that make the variable about it, not the credential itself.
DESCRIPTOR_WORDS = frozenset("""
    ID IDS ARN NAME PATH FILE FILENAME DIR LOCATION URL URI ENDPOINT HOST PORT TYPE LENGTH LEN MIN MAX LIMIT
    POLICY HEADER PARAM PARAMETER REF EXPIRY EXPIRATION EXPIRES EXPIRE TTL LIFETIME TIMEOUT AGE ISSUER AUDIENCE
    ALGORITHM ALG PREFIX SUFFIX FIELD SOURCE PROVIDER ENABLED DISABLED REQUIRED ROTATION RESET VERSION COUNT SIZE
    FORMAT MODE REGION STORE MANAGER HASH HASHED CACHE SCOPE SCOPES CLAIM CLAIMS PATTERN REGEX STRENGTH
    INTERVAL PERIOD DURATION DELAY RETRIES ATTEMPTS MS SEC SECS SECONDS MINS MINUTES HOURS DAYS
""".split())
# Words before the credential that make the variable a quantity (MAX_TOKEN, MIN_PASSWORD_LENGTH).
QUANTITY_WORDS = frozenset({"MIN", "MAX", "NUM"})
# Well-known client variables that hold a password in a single word.
KNOWN_CREDENTIAL_NAMES = frozenset({"PGPASSWORD", "MYSQL_PWD", "REDISCLI_AUTH"})
# Values that are switches or references, not credentials.
SWITCH_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "enabled", "disabled", "none", "null"})
REFERENCE_VALUE = re.compile(r"^(arn:aws[a-z-]*:|(/[\w.-]+){2,}/?$)")
WORD_BOUNDARY = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def _words(name: str) -> list[str]:
    """``dbPassword``, ``DB_PASSWORD``, ``db.password`` -> ``["DB", "PASSWORD"]``."""
    return [word.upper() for word in WORD_BOUNDARY.split(name) if word]


def _holds_credential(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``words`` as the credential itself, not as a description of it."""
    size = len(phrase)
    for start in range(len(words) - size + 1):
        if tuple(words[start:start + size]) != phrase:
            continue
        after = words[start + size:]
        if phrase in LAST_WORD_ONLY and after:
            continue
        if not DESCRIPTOR_WORDS.intersection(after) and not QUANTITY_WORDS.intersection(words[:start]):
            return True
    return False


def looks_like_credential(name: str) -> bool:
    """Whether an environment variable's name says it holds a password, token, secret or key."""
    if name.upper() in KNOWN_CREDENTIAL_NAMES:
        return True
    words = _words(name)
    return any(_holds_credential(words, phrase) for phrase in (*CREDENTIAL_PHRASES, *LAST_WORD_ONLY))


def _literal_secret(node: Node | None) -> bool:
    """A value that could be the credential itself: a non-empty string that is not a switch or a reference."""
    value = (as_str(node) or "").strip()
    return bool(value) and value.lower() not in SWITCH_VALUES and not REFERENCE_VALUE.match(value)


def secrets_in_environment(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """A credential-like ``environment`` variable with a literal value."""
    for entry in container.list("environment"):
        name, value = as_str(entry.get("name")), entry.get("value")
        if name and looks_like_credential(name) and _literal_secret(value):
            yield Violation(value,
                            f"environment variable {name} of {container.label} looks like a credential and is set in "
                            "plain text, which anyone allowed to describe the task definition can read. Move it to "
                            f"{container.term('secrets')}, with {container.term('valueFrom', within='secrets')} "
                            "naming a Secrets Manager secret or an SSM Parameter Store SecureString.")


def privileged_container(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """``privileged: true`` outside Fargate (where ECS203 already reports it as an error)."""
    if container.task is not None and container.task.is_fargate:
        return
    node = container.get("privileged")
    if is_true(node):
        yield Violation(node, f"{container.label} runs privileged, with root access to every device of the container "
                              "instance, so a compromised container can take over the host. Remove "
                              f"{container.term('privileged')} and add only the "
                              f"{container.term('linuxParameters.capabilities')} it needs (AWS Security Hub ECS.4).")
