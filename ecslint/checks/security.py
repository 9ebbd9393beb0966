"""Security: unencrypted EFS traffic, credentials in plain environment variables, privileged containers."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Iterator

from ecslint.checks.storage import (
    encryption_requirement,
    encryption_setting,
    transit_encryption,
    unencrypted,
    volume_label,
)
from ecslint.findings import Violation
from ecslint.model import MAX_PATTERN_INPUT, ContainerDefinition, Volume, is_templated
from ecslint.tree import as_str, is_true


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


# Names that may hold a credential or something else (CACHE_KEY, DB_PW, WEATHER_API): reported when the
# value looks random too.
MAYBE_CREDENTIAL_WORDS = (("KEY",), ("PW",), ("PWD",), ("API",), ("AUTH",), ("CREDENTIAL",), ("CREDENTIALS",))
# Credentials recognised by their value, whatever the variable's name. Linear: each class stops at a
# character the next part starts with, and values are cut to MAX_PATTERN_INPUT first.
AWS_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")
PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----")
JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_AUTHORITY_END = re.compile(r"[/?#\s]")
_ALNUM_RUNS = re.compile(r"[A-Za-z0-9]+")
RANDOM_MIN_LENGTH, RANDOM_MIN_ENTROPY = 16, 3.5  # bits per character; English words and paths stay below


def _uri_with_password(text: str) -> str | None:
    """``scheme://user:…@`` when ``text`` holds a URI with a password that is written out (not empty,
    not a placeholder, not a mask such as ``****``)."""
    at = text.find("://")
    while at != -1:
        begin = at
        while begin > 0 and text[begin - 1] in _SCHEME_CHARS:
            begin -= 1
        close = _AUTHORITY_END.search(text, at + 3)
        end = close.start() if close else len(text)
        userinfo, sep, host = text[at + 3:end].rpartition("@")
        user, colon, password = userinfo.partition(":")
        if sep and colon and host and password.strip("*") and not is_templated(password):
            return f"{text[begin:at]}://{user}:…@"
        at = text.find("://", end)
    return None


def _random_looking(text: str) -> bool:
    """A value like a generated key or token: long, without blanks, with capitals, small letters and digits
    or a long run of letters and digits mixed, and characters spread as in random text (Shannon entropy
    per character)."""
    text = text[:MAX_PATTERN_INPUT]
    if len(text) < RANDOM_MIN_LENGTH or any(c.isspace() for c in text) or "://" in text or text.startswith("/"):
        return False
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text)
    if not mixed and not any(len(run) >= 8 and not run.isalpha() and not run.isdigit()
                             for run in _ALNUM_RUNS.findall(text)):
        return False
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return entropy >= RANDOM_MIN_ENTROPY


def _masked(text: str) -> str:
    """The start of a secret, enough to find it, never the whole of it: ``sk_l…``."""
    return text[:4] + "…"


def credential_in_value(text: str) -> str | None:
    """The credential that ``text`` holds whatever its name says, masked; None when none is seen."""
    text = text[:MAX_PATTERN_INPUT]
    if (found := AWS_ACCESS_KEY.search(text)) is not None:
        return f"holds an AWS access key ID ({_masked(found.group())})"
    if (found := PRIVATE_KEY.search(text)) is not None:
        return f"holds a private key ({found.group()})"
    if (found := JWT.search(text)) is not None:
        return f"holds a JSON Web Token ({_masked(found.group())})"
    if (uri := _uri_with_password(text)) is not None:
        return f"holds a password in a connection URI ({uri})"
    return None


def _credential(name: str, text: str, secret_names: tuple[re.Pattern[str], ...]) -> str | None:
    """Why the variable ``name`` set to ``text`` holds a credential: its value, or its name (one of
    ``secret_names`` too) with a value that could be one (for names that may also mean something else,
    a random-looking value)."""
    found = credential_in_value(text)
    if found is not None or not _literal_secret(text):
        return found
    if looks_like_credential(name) or any(p.fullmatch(name[:MAX_PATTERN_INPUT]) for p in secret_names):
        return "looks like a credential"
    words = _words(name)
    if any(_holds_credential(words, phrase) for phrase in MAYBE_CREDENTIAL_WORDS) and _random_looking(text):
        return f"holds a value that looks like a generated key or token ({_masked(text)}, {len(text)} characters)"
    return None


def _literal_secret(text: str) -> bool:
    """A value that could be the credential itself: not empty, a switch, a reference or a placeholder."""
    value = text.strip()
    return bool(value) and value.lower() not in SWITCH_VALUES and not REFERENCE_VALUE.match(value) \
        and not is_templated(value)


@lru_cache(maxsize=16)
def _patterns(expressions: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The ``secret-names`` setting compiled (its schema has checked that each is a regular expression)."""
    return tuple(re.compile(expression, re.IGNORECASE) for expression in expressions)


def secrets_in_environment(container: ContainerDefinition, ctx) -> Iterator[Violation]:
    """An ``environment`` variable that holds a credential in plain text, known by its name or its value;
    the ``secret-names`` setting names more credentials, ``allowed-names`` variables never reported."""
    secret_names = _patterns(tuple(ctx.option("secret-names")))
    allowed = {allowed_name.upper() for allowed_name in ctx.option("allowed-names")}
    for entry in container.list("environment"):
        name, value = as_str(entry.get("name")), entry.get("value")
        text = as_str(value) if value is not None and value.tag is None else None
        found = _credential(name, text, secret_names) if name and text and name.upper() not in allowed else None
        if found is not None:
            yield Violation(value,
                            f"environment variable {name} of {container.label} {found} and is set in plain text, "
                            "which anyone allowed to describe the task definition can read. Move it to "
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
