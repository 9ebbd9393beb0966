"""Text output, like a compiler's: ``path:line:col: level[RULE-ID] message`` (``[*]`` after the rule id:
``--fix`` repairs it).

On a terminal the findings are grouped by file (a blank line between files) and coloured;
piped output, or ``NO_COLOR``, is plain, one finding a line.
"""

from __future__ import annotations

from ecslint.engine import Result
from ecslint.registry import Registry
from ecslint.safe_text import printable

_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(result: Result, registry: Registry, color: bool = False, **_: object) -> str:
    lines: list[str] = []
    previous = None
    for f in result.findings:
        if color and previous is not None and f.path != previous:
            lines.append("")
        previous = f.path
        path = printable(f.path)  # messages are made printable when findings are made
        fixable = " [*]" if f.fix is not None and f.fix.safe else ""  # `--fix` repairs it
        if color:
            lines.append(
                f"{_BOLD}{path}:{f.line}:{f.col}:{_RESET} {_COLOURS[f.level]}{f.level}{_RESET}"
                f"[{_BOLD}{f.rule}{_RESET}]{fixable} {f.message} {_DIM}({f.name}){_RESET}"
            )
        else:
            lines.append(f"{path}:{f.line}:{f.col}: {f.level}[{f.rule}]{fixable} {f.message}")
    return "\n".join(lines) + ("\n" if lines else "")


def summary(result: Result, elapsed: float | None = None) -> str:
    """One closing line for standard error: what was linted and skipped, found by level (and left
    out as the baseline records it), fixed, and how long it took (``elapsed`` seconds)."""
    counts = {level: 0 for level in ("error", "warning", "info")}
    for f in result.findings:
        counts[f.level] += 1
    found = ", ".join(f"{n} {level}{'s' if n != 1 else ''}" for level, n in counts.items() if n) or \
        ("no problems" if result.linted else "nothing linted")
    parts = [f"{len(result.linted)} file{'s' if len(result.linted) != 1 else ''} linted"]
    if result.skipped:
        unlisted = any(path not in result.named for path, _ in result.skipped)
        parts.append(f"{len(result.skipped)} skipped (not ECS content{'; --verbose lists them' if unlisted else ''})")
    if result.failed:
        parts.append(f"{len(result.failed)} could not be read")
    if result.baselined:
        parts.append(f"{result.baselined} in the baseline")
    timing = f"; {elapsed:.2f} s" if elapsed is not None else ""
    return f"{found} ({'; '.join(parts)}); {result.fixed} fixed{timing}"
