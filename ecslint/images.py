"""Container image references as Docker reads them: registry host, repository, tag and digest.

``[host[:port]/]path[:tag][@digest]``: the first part of the path is a registry host when it holds a
``.`` or a ``:``, is ``localhost``, or has capitals; otherwise the image is on Docker Hub
(``docker.io``). Parts that a template or deployment tool fills in (``${AWS::AccountId}``,
``<IMAGE>``, ``${var.tag}``) are unknown: the reference says so, and rules stay silent on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from ecslint.model.values import MAX_PATTERN_INPUT, fill_placeholders

DOCKER_HUB = "docker.io"
# Other names of Docker Hub's registry.
DOCKER_HUB_ALIASES = frozenset({"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
UNKNOWN = "\x00"  # stands for a placeholder's text while a reference is read


def _is_host(part: str) -> bool:
    return "." in part or ":" in part or part == "localhost" or part != part.lower()


@dataclass(frozen=True)
class ImageReference:
    """One image reference. ``registry`` is the lower-case host (``docker.io`` when none is written),
    None when a placeholder may write it; ``repository`` the path under it; ``tag`` and ``digest`` as
    written (None when absent). A placeholder's text is :data:`UNKNOWN` in them."""

    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @property
    def ends_unknown(self) -> bool:
        """Whether a placeholder may still add a tag or a digest (``app:${TAG}``, ``${IMAGE}``)."""
        if self.digest is not None:
            return False
        if self.tag is not None:
            return UNKNOWN in self.tag
        return UNKNOWN in self.repository.rsplit("/", 1)[-1]

    @property
    def pinned(self) -> bool | None:
        """Whether a digest names the image; None when a placeholder may add one."""
        return None if self.ends_unknown else self.digest is not None

    @property
    def mutable_tag(self) -> bool | None:
        """Whether the image is named by no tag (``latest`` then) or by ``latest``, without a digest;
        None when a placeholder writes the tag."""
        if self.ends_unknown:
            return None
        return self.digest is None and self.tag in (None, "latest")


def image_reference(text: str) -> ImageReference | None:
    """The reference ``text`` writes; None when it is blank, or too long to be an image."""
    text = text.strip()
    if not text or len(text) > MAX_PATTERN_INPUT:
        return None
    name, at, digest = fill_placeholders(text, lambda _: UNKNOWN).partition("@")
    parts = name.split("/")
    last, colon, tag = parts[-1].rpartition(":") if ":" in parts[-1] else (parts[-1], "", "")
    parts[-1] = last
    registry: str | None = DOCKER_HUB
    if len(parts) > 1 and _is_host(parts[0]):
        host = parts.pop(0).lower()
        registry = DOCKER_HUB if host in DOCKER_HUB_ALIASES else host
    elif UNKNOWN in parts[0]:
        registry = None  # the placeholder may be a registry host, or a whole image
    return ImageReference(registry, "/".join(parts), tag if colon else None, digest if at else None)


STAR = object()  # a glob's ``*``, or a placeholder: any text


def _glob_tokens(pattern: str) -> list:
    """An fnmatch pattern as tokens: :data:`STAR`, ``?``, a ``[...]`` class (kept as its text) or a character."""
    tokens: list = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        close = pattern.find("]", at + (3 if pattern[at + 1:at + 2] == "!" else 2)) if char == "[" else -1
        if char == "*":
            tokens.append(STAR)
        elif close != -1:
            tokens.append(pattern[at:close + 1])
            at = close
        else:
            tokens.append(char)
        at += 1
    return tokens


def _fits(char: str, token: str) -> bool:
    """Whether a character of a host can match a pattern's token (not a star)."""
    return token == "?" or (char == token if len(token) == 1 else fnmatchcase(char, token))


def may_match(host: str, pattern: str) -> bool:
    """Whether the registry ``host``, whose placeholders (:data:`UNKNOWN`) may stand for any text, can match
    the fnmatch ``pattern`` (case-insensitive): for a host written out, whether it does."""
    host, pattern = host.lower(), pattern.lower()
    if UNKNOWN not in host:
        return fnmatchcase(host, pattern)
    left = [STAR if char == UNKNOWN else char for char in host]
    right = _glob_tokens(pattern)
    # The pairs of positions both can reach on one text: a search over the product of the two globs.
    seen, pending = {(0, 0)}, [(0, 0)]
    while pending:
        i, j = pending.pop()
        if (i, j) == (len(left), len(right)):
            return True
        steps = []
        if i < len(left) and left[i] is STAR:
            steps += [(i + 1, j)] + ([(i, j + 1)] if j < len(right) else [])
        if j < len(right) and right[j] is STAR:
            steps += [(i, j + 1)] + ([(i + 1, j)] if i < len(left) else [])
        if i < len(left) and j < len(right) and left[i] is not STAR and right[j] is not STAR \
                and _fits(left[i], right[j]):
            steps.append((i + 1, j + 1))
        for step in steps:
            if step not in seen:
                seen.add(step)
                pending.append(step)
    return False
