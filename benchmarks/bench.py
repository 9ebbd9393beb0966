#!/usr/bin/env python3
"""Speed benchmark: wall time of whole ecslint runs, median of several, measured in one go.

    python3 benchmarks/bench.py [--runs 7] [--corpus ../shared/corpus] [--peers] [--against REV]
    python3 benchmarks/bench.py --templates [--runs 1]
    python3 benchmarks/bench.py --terraform [--runs 3] [--checkov PATH]

Times (each a fresh process, as a pre-commit hook or CI step runs it):
- ``ecslint --version`` (start-up),
- one task definition (``examples/fargate-web.json``),
- every file of the corpus in one run,
and ``-X importtime`` of a plain run's imports. With ``--against REV``, the same runs of that
git revision (checked out in a temporary worktree) are interleaved with this one's, and the
ratios printed. With ``--peers``, the start-up of cfn-lint and checkov where installed, for
scale. With ``--templates``, ecslint and cfn-lint (where installed) on every CloudFormation, CDK
and Copilot template of the corpus (``MANIFEST.tsv``), each in one process, alternating, and the
ratio. With ``--terraform``, ecslint and checkov (where installed; ``--checkov`` names it) on every
Terraform file of the corpus, the same way. Never run in tests: this machine is noisy, so quote
ratios from one run of this script.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, corpus_paths, wall  # noqa: E402


def versus(revision: str, cases: list[tuple[str, list[str], int]]) -> None:
    """Each case timed for this tree and for ``revision``, alternating, and the ratio."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["git", "worktree", "add", "--detach", folder, revision], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            for tree in (ROOT, Path(folder)):  # both byte-compiled, even where the environment writes no .pyc
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "ecslint")], check=True,
                               capture_output=True)
            for label, args, runs in cases:
                ours, theirs = [], []
                for _ in range(runs):
                    ours.append(wall([sys.executable, "-m", "ecslint", *args], 1))
                    theirs.append(wall([sys.executable, "-m", "ecslint", *args], 1, Path(folder)))
                new, old = statistics.median(ours), statistics.median(theirs)
                print(f"{new * 1000:9.0f} ms  vs {old * 1000:6.0f} ms at {revision} ({new / old:.2f}x)  {label}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", folder], cwd=ROOT, capture_output=True)


def import_ms(module: str) -> float:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          cwd=ROOT, capture_output=True, text=True)
    total = 0
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line.rstrip())
        if match and match.group(2) == module:
            total = int(match.group(1))
    return total / 1000


def race(commands: dict[str, list[str]], runs: int, what: str) -> None:
    """Each command ``runs`` times, alternating, and ecslint's median against the peer's."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(wall(command, 1))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, seconds in medians.items():
        print(f"{seconds:9.2f} s  {name} on {what}")
    for peer in [name for name in medians if name != "ecslint"]:
        print(f"ecslint takes {medians['ecslint'] / medians[peer]:.3f} of {peer}'s time "
              f"({medians[peer] / medians['ecslint']:.0f}x faster)")


def templates(corpus: str, runs: int) -> None:
    """ecslint against cfn-lint on the corpus's templates."""
    paths = corpus_paths(corpus, ("-template",))
    cfn_lint = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
    commands = {"ecslint": [sys.executable, "-m", "ecslint", "check", "-q", *paths]}
    if os.path.exists(cfn_lint):
        commands["cfn-lint"] = [cfn_lint, "--format", "parseable", "--", *paths]
    race(commands, runs, f"{len(paths)} templates of the corpus")


def terraform(corpus: str, runs: int, checkov: str | None) -> None:
    """ecslint against checkov on the corpus's Terraform files (each file named to both)."""
    paths = corpus_paths(corpus, ("terraform",))
    commands = {"ecslint": [sys.executable, "-m", "ecslint", "check", "-q", *paths]}
    checkov = checkov or shutil.which("checkov")
    if checkov:
        commands["checkov"] = [checkov, "--quiet", "--compact", "--framework", "terraform",
                               *[arg for path in paths for arg in ("-f", path)]]
    race(commands, runs, f"{len(paths)} Terraform files of the corpus")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--peers", action="store_true")
    parser.add_argument("--against", metavar="REV", help="compare with this git revision, in one run")
    parser.add_argument("--templates", action="store_true", help="ecslint against cfn-lint on the corpus's templates")
    parser.add_argument("--terraform", action="store_true", help="ecslint against checkov on the corpus's .tf files")
    parser.add_argument("--checkov", help="the checkov to run (default: the one on PATH)")
    args = parser.parse_args()
    if args.templates:
        templates(os.path.abspath(args.corpus), args.runs)
        return
    if args.terraform:
        terraform(os.path.abspath(args.corpus), args.runs, args.checkov)
        return
    if args.against:
        versus(args.against, [
            ("ecslint check examples/fargate-web.json", ["check", str(ROOT / "examples/fargate-web.json")], args.runs),
            ("whole corpus", ["check", "-q", os.path.abspath(args.corpus)], max(3, args.runs // 2)),
        ])
        return
    ecslint = [sys.executable, "-m", "ecslint"]
    rows = [
        ("ecslint --version", wall([*ecslint, "--version"], args.runs)),
        ("ecslint check examples/fargate-web.json", wall([*ecslint, "check", "examples/fargate-web.json"], args.runs)),
    ]
    if os.path.isdir(args.corpus):
        rows.append((f"ecslint check {args.corpus} (whole corpus)",
                     wall([*ecslint, "check", "-q", args.corpus], max(3, args.runs // 2))))
    if args.peers:
        for peer in ("cfn-lint", "checkov"):
            if shutil.which(peer):
                rows.append((f"{peer} --version (peer start-up)", wall([peer, "--version"], 3)))
    for label, seconds in rows:
        print(f"{seconds * 1000:9.0f} ms  {label}")
    for module in ("ecslint.cli", "ecslint.engine", "jsonschema", "yaml", "click"):
        print(f"{import_ms(module):9.1f} ms  import {module} (cumulative, -X importtime)")


if __name__ == "__main__":
    main()
