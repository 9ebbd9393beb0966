"""Container image references as Docker reads them: registry host, repository, tag and digest.

``[host[:port]/]path[:tag][@digest]``: the first part of the path is a registry host when it holds a
``.`` or a ``:``, is ``localhost``, or has capitals; otherwise the image is on Docker Hub
(``docker.io``). Parts that a template or deployment tool fills in (``${AWS::AccountId}``,
``<IMAGE>``, ``${var.tag}``) are unknown: the reference says so, and rules stay silent on them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    def registry_known(self) -> bool:
        return self.registry is not None and UNKNOWN not in self.registry

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
