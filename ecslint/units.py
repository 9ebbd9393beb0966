"""Task-level cpu and memory as ECS reads them: ``"1024"``, ``1024``, ``"1 vCPU"``, ``"2 GB"``."""

from __future__ import annotations

import re

# Each part of a number can match in one way only, so matching is linear in the length of the value.
_VCPU = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*vcpu\s*", re.IGNORECASE)
_GB = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*gb\s*", re.IGNORECASE)
_UNITS = re.compile(r"\s*\d+\s*")
MAX_SIZE_TEXT = 32  # characters: "16 vCPU", "122880", "0.25 vcpu" are far shorter


def _scaled(value: object, suffix: re.Pattern[str]) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str) or len(value) > MAX_SIZE_TEXT:
        return None
    if _UNITS.fullmatch(value):
        return int(value)
    match = suffix.fullmatch(value)
    if match:
        amount = float(match.group(1)) * 1024
        return int(amount) if amount.is_integer() else None
    return None


def parse_cpu(value: object) -> int | None:
    """CPU units (1024 per vCPU) of a task-level ``cpu``; None when it is not a valid spelling."""
    return _scaled(value, _VCPU)


def parse_memory(value: object) -> int | None:
    """MiB of a task-level ``memory``; None when it is not a valid spelling."""
    return _scaled(value, _GB)
