#!/usr/bin/env python3
"""Issue #13's benchmark: ecslint's speed, scaling and memory, and cfn-lint's and checkov's on the same
inputs, in one run, written as Markdown to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/suite.py [--runs 3] [--estate-runs 1] [--estate-scale 1.0] [--no-peers]
                                         [--corpus ../shared/corpus] [--estate DIR] [--output FILE]

Times, each a fresh process (as a pre-commit hook or CI step runs it), interleaved with the peers':
 (a) ``ecslint check examples/fargate-web.json``, and ``python -c pass`` (the interpreter's own start);
 (b) one CloudFormation template of the corpus (ecslint, cfn-lint, checkov);
 (c) one Terraform file of the corpus (ecslint, checkov);
 (d) the whole corpus in one ecslint run; its templates (ecslint, cfn-lint, checkov) and its
     Terraform files (ecslint, checkov), each tool one process on all of them;
 (e) a synthetic estate (benchmarks/estate.py: 10,000 task definitions, 1,000 templates, 500
     Terraform modules, seeded), its result cache (.ecslint_cache/ in the estate) deleted first;
 (f) the same estate again, unchanged, right after (e), with the cache (e) left;
and the estate's templates and Terraform modules with the peers (``--estate-scale`` shrinks what the
peers get; ecslint is timed on the same part, and on the whole estate in (e)). Then the scaling of
ecslint on 25 %, 50 % and 100 % of the estate's task definitions. For each: the median wall time,
CPU time over wall time (user+sys of the process and the children it waited for, os.wait4), the peak of
the summed resident set of the process tree (sampled from /proc every 15 ms) and ru_maxrss.

The peers are installed on first use in their own virtual environments under benchmarks/.peers/
(pinned versions), and reused. Everything timed is byte-compiled first (this machine sets
PYTHONDONTWRITEBYTECODE). Features of ecslint are detected from ``ecslint check --help``: where
``--no-cache`` exists, every timing but (e) and (f) passes it, so that repeated runs stay cold.
Never run in tests: the machine is noisy; quote the numbers of one run of this script.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import estate as estate_module  # noqa: E402
from common import ROOT, Run, corpus_paths, measure  # noqa: E402

PEERS_DIR = ROOT / "benchmarks" / ".peers"
PEERS = {"cfn-lint": "1.58.0", "checkov": "3.3.30"}
# checkov asks PyPI for a newer version on every run unless told not to: that is not linting
CHECKOV_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
ONE_TASK = "examples/fargate-web.json"
ONE_TEMPLATE = "aws-cloudformation__aws-cloudformation-templates/ECS/FargateLaunchType/services/public-service.yaml"
ONE_TERRAFORM = "terraform-aws-modules__terraform-aws-ecs/examples/fargate/main.tf"
# ecslint exits 2 where a file cannot be parsed (the corpus has templates with placeholders)
ACCEPTED = {"ecslint": {0, 1, 2}, "cfn-lint": {0, 2, 4, 6, 8, 10, 12, 14}, "checkov": {0, 1}}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the tools ------------------------------------------------------------------------------------

def peer(name: str, version: str) -> Path | None:
    """The executable of ``name``==``version`` in benchmarks/.peers/NAME, installed there if absent."""
    venv = PEERS_DIR / name
    python, executable = venv / "bin" / "python", venv / "bin" / name
    probe = [str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"]
    if executable.exists():
        found = subprocess.run(probe, capture_output=True, text=True).stdout.strip()
        if found == version:
            return executable
        log(f"{name} {found or '?'} in {venv}, not {version}: reinstalling")
        shutil.rmtree(venv)
    log(f"installing {name}=={version} into {venv} (once)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", f"{name}=={version}"],
                             capture_output=True, text=True)
    if install.returncode or not executable.exists():
        log(f"cannot install {name}=={version}: {install.stderr[-1000:]}")
        return None
    return executable


def site_packages(python: str) -> str:
    return subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def byte_compile(python: str, *trees: str) -> None:
    """Write the .pyc files of ``trees`` (the machine sets PYTHONDONTWRITEBYTECODE, so nothing else does)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", *trees], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def version_of(command: list[str]) -> str:
    out = subprocess.run([*command, "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


# --- measuring ------------------------------------------------------------------------------------

@dataclass
class Case:
    """One input measured with one or more tools: each tool's runs."""

    key: str
    what: str
    files: int
    runs: dict[str, list[Run]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def median(self, tool: str) -> float:
        return statistics.median(r.wall for r in self.runs[tool])

    def utilisation(self, tool: str) -> float:
        return statistics.median(r.utilisation for r in self.runs[tool])

    def cpu(self, tool: str) -> float:
        return statistics.median(r.cpu for r in self.runs[tool])

    def tree_rss(self, tool: str) -> int:
        return max(r.tree_rss for r in self.runs[tool])

    def maxrss(self, tool: str) -> int:
        return max(r.maxrss for r in self.runs[tool])


def race(case: Case, commands: dict[str, tuple[list[str], Path, dict | None]], runs: int) -> Case:
    """Each command ``runs`` times, the tools alternating, into ``case``."""
    for name in commands:
        case.runs.setdefault(name, [])
    for index in range(runs):
        for name, (command, cwd, env) in commands.items():
            run = measure(command, cwd, {**os.environ, **env} if env else None)
            case.runs[name].append(run)
            tool = name.split()[0]
            crashed = "Traceback (most recent call last)" in run.stderr or "Usage:" in run.stderr
            if crashed or (tool in ACCEPTED and run.returncode not in ACCEPTED[tool]):
                last = (run.stderr.strip().splitlines() or [""])[-1]
                note = f"{name} exited {run.returncode} (run {index + 1}): {last}"
                log("WARNING " + note)
                case.notes.append(note)
            log(f"{case.key} {name} run {index + 1}/{runs}: {run.wall:.2f} s, {run.utilisation:.2f} cores, "
                f"{run.tree_rss / 2**20:.0f} MiB")
    return case


# --- reporting ------------------------------------------------------------------------------------

def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def mib(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        total = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal")))
        memory = f"{total / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "?"
    return (f"{len(os.sched_getaffinity(0))} cores ({model}), {memory} RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def git_revision() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "ecslint"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return head + (" with uncommitted changes to ecslint/" if dirty else "")


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**pass**" if ok else "**FAIL**")


# --- the benchmark --------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing but the estate's (median)")
    parser.add_argument("--estate-runs", type=int, default=1, help="runs of the estate's timings (e), (f) and the peers' (median)")
    parser.add_argument("--estate-scale", type=float, default=1.0,
                        help="the part of the estate's templates and modules given to the peers (and to ecslint "
                             "beside them), in steps of 5%%; ecslint's own (e), (f) always take the whole estate")
    parser.add_argument("--no-peers", action="store_true", help="do not install or run cfn-lint and checkov")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--estate", help="generate the estate here and keep it (default: a temporary folder)")
    parser.add_argument("--tasks", type=int, default=10_000, help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=int, default=1_000, help=argparse.SUPPRESS)
    parser.add_argument("--modules", type=int, default=500, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    args = parser.parse_args()
    started = time.perf_counter()
    loads = [load_average()]
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    python = Path(sys.executable)
    invoked = shlex.join([os.path.relpath(python, ROOT) if str(python).startswith(str(ROOT)) else str(python),
                          os.path.relpath(Path(sys.argv[0]).resolve(), ROOT), *sys.argv[1:]])
    corpus = Path(args.corpus).resolve()
    if not (corpus / "MANIFEST.tsv").exists():
        raise SystemExit(f"no corpus at {corpus} (MANIFEST.tsv): give --corpus")

    console = python.parent / "ecslint"
    ecslint = [str(console)] if console.exists() else [sys.executable, "-m", "ecslint"]
    help_text = subprocess.run([*ecslint, "check", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    cache = "--no-cache" in help_text
    cold = ["--no-cache"] if cache else []
    features = [f"`{flag}`: {'yes' if flag in help_text else 'no'}" for flag in ("--no-cache", "--jobs")]

    tools: dict[str, Path] = {}
    if not args.no_peers:
        for name, version in PEERS.items():
            if (found := peer(name, version)) is not None:
                tools[name] = found
    log("byte-compiling ecslint and the peers")
    byte_compile(sys.executable, str(ROOT / "ecslint"), site_packages(sys.executable))
    for name, executable in tools.items():
        peer_python = str(executable.parent / "python")
        byte_compile(peer_python, site_packages(peer_python))
    versions = {"ecslint": f"{version_of(ecslint)} (git {git_revision()})"}
    versions.update({name: version_of([str(executable)]) for name, executable in tools.items()})

    temporary = None
    if args.estate:
        root = Path(args.estate).resolve()
    else:
        temporary = tempfile.TemporaryDirectory(prefix="ecslint-estate-")
        root = Path(temporary.name)
    log(f"generating the estate in {root}")
    estate_module.generate(root, args.tasks, args.templates, args.modules, args.seed)
    counts = {kind: len(estate_module.files(estate_module.shards(root, kind, 1.0))) for kind in estate_module.KINDS}

    def ecs(*paths: str | os.PathLike, cached: bool = False) -> list[str]:
        return [*ecslint, "check", "-q", *([] if cached else cold), *map(str, paths)]

    def cfn_lint(*paths: str | os.PathLike) -> list[str]:
        return [str(tools["cfn-lint"]), "--format", "parseable", "--", *map(str, paths)]

    def checkov(framework: str, files: list[str] | None = None, dirs: list[Path] | None = None) -> list[str]:
        targets = [a for f in files or [] for a in ("-f", f)] + [a for d in dirs or [] for a in ("-d", str(d))]
        return [str(tools["checkov"]), "--framework", framework, "--skip-download", "--compact", "--quiet", *targets]

    here: tuple[Path, None] = (ROOT, None)
    cases: list[Case] = []
    runs = args.runs

    # (a) one task definition, cold, and the interpreter's own start
    log("(a) one task definition")
    single = race(Case("a", f"one task definition, cold (`ecslint check {ONE_TASK}`)", 1),
                  {"python -c pass": ([sys.executable, "-c", "pass"], *here),
                   "ecslint": ([*ecslint, "check", *cold, ONE_TASK], *here)}, max(runs, 3) * 3)
    single.notes.append(f"{max(runs, 3) * 3} runs each: start-up is short and noisy")
    cases.append(single)

    # (b) one template, (c) one .tf file
    template = corpus / ONE_TEMPLATE
    terraform_file = corpus / ONE_TERRAFORM
    commands = {"ecslint": (ecs(template), *here)}
    if "cfn-lint" in tools:
        commands["cfn-lint"] = (cfn_lint(template), *here)
    if "checkov" in tools:
        commands["checkov"] = (checkov("cloudformation", [str(template)]), ROOT, CHECKOV_ENV)
    log("(b) one template")
    cases.append(race(Case("b", f"one CloudFormation template, cold (corpus: `{ONE_TEMPLATE}`)", 1), commands, runs))
    commands = {"ecslint": (ecs(terraform_file), *here)}
    if "checkov" in tools:
        commands["checkov"] = (checkov("terraform", [str(terraform_file)]), ROOT, CHECKOV_ENV)
    log("(c) one .tf file")
    cases.append(race(Case("c", f"one Terraform file, cold (corpus: `{ONE_TERRAFORM}`)", 1), commands, runs))

    # (d) the corpus: whole, its templates, its Terraform files
    manifest_rows = len(corpus_paths(str(corpus), ("",)))
    log("(d) the whole corpus")
    cases.append(race(Case("d", f"the whole corpus (`ecslint check {corpus}`)", manifest_rows),
                      {"ecslint": (ecs(corpus), *here)}, runs))
    templates = corpus_paths(str(corpus), ("-template",))
    commands = {"ecslint": (ecs(*templates), *here)}
    if "cfn-lint" in tools:
        commands["cfn-lint"] = (cfn_lint(*templates), *here)
    if "checkov" in tools:
        commands["checkov"] = (checkov("cloudformation", templates), ROOT, CHECKOV_ENV)
    log("(d) the corpus's templates")
    corpus_templates = race(Case("d-cfn", "the corpus's CloudFormation, CDK and Copilot templates, each tool one "
                                 "process on all of them", len(templates)), commands, runs)
    cases.append(corpus_templates)
    tf_files = corpus_paths(str(corpus), ("terraform",))
    commands = {"ecslint": (ecs(*tf_files), *here)}
    if "checkov" in tools:
        commands["checkov"] = (checkov("terraform", tf_files), ROOT, CHECKOV_ENV)
    log("(d) the corpus's Terraform files")
    corpus_terraform = race(Case("d-tf", "the corpus's Terraform files (checkov: one `-f` each)", len(tf_files)),
                            commands, runs)
    cases.append(corpus_terraform)

    # (e), (f) the estate, cold then cached
    total = sum(counts.values())
    first = Case("e", "the synthetic estate, first run, cache deleted before (`ecslint check .` in it)", total)
    again = Case("f", "the synthetic estate again, unchanged, right after (e)", total)
    first.runs["ecslint"], again.runs["ecslint"] = [], []
    cache_dir = root / ".ecslint_cache"
    for index in range(args.estate_runs):
        log(f"(e) the estate, run {index + 1}/{args.estate_runs}")
        shutil.rmtree(cache_dir, ignore_errors=True)
        first.runs["ecslint"].append(measure(ecs(".", cached=True), root))
        log(f"(e) {first.runs['ecslint'][-1].wall:.2f} s; (f) the estate again")
        again.runs["ecslint"].append(measure(ecs(".", cached=True), root))
        log(f"(f) {again.runs['ecslint'][-1].wall:.2f} s")
    if not cache:
        again.notes.append("this ecslint has no result cache (no `--no-cache` in `ecslint check --help`): "
                           "(f) is a second cold run")
    elif not cache_dir.exists():
        again.notes.append(f"no {cache_dir.name}/ appeared in the estate: the cache lives elsewhere, so (e) may "
                           "not have been cold")
    cases += [first, again]

    # the estate's templates and modules with the peers (on --estate-scale of them)
    scale_shards = {kind: estate_module.shards(root, kind, args.estate_scale) for kind in ("cloudformation", "terraform")}
    share = len(scale_shards["cloudformation"]) / estate_module.SHARDS
    part = "all" if share == 1 else f"the first {share:.0%}"
    estate_templates = estate_module.files(scale_shards["cloudformation"])
    commands = {"ecslint": (ecs(*scale_shards["cloudformation"]), *here)}
    if "cfn-lint" in tools:
        commands["cfn-lint"] = (cfn_lint(*estate_templates), *here)
    if "checkov" in tools:
        commands["checkov"] = (checkov("cloudformation", dirs=scale_shards["cloudformation"]), ROOT, CHECKOV_ENV)
    log(f"the estate's templates ({part}) with the peers")
    cases.append(race(Case("e-cfn", f"{part} of the estate's templates ({len(estate_templates)} of "
                           f"{counts['cloudformation']}), each tool one process", len(estate_templates)),
                      commands, args.estate_runs))
    estate_tf = estate_module.files(scale_shards["terraform"])
    commands = {"ecslint": (ecs(*scale_shards["terraform"]), *here)}
    if "checkov" in tools:
        commands["checkov"] = (checkov("terraform", dirs=scale_shards["terraform"]), ROOT, CHECKOV_ENV)
    log(f"the estate's Terraform modules ({part}) with checkov")
    cases.append(race(Case("e-tf", f"{part} of the estate's Terraform modules ({len(estate_tf) // 2} modules, "
                           f"{len(estate_tf)} .tf files; checkov: one `-d` per shard folder)", len(estate_tf)),
                      commands, args.estate_runs))

    # scaling: 25 %, 50 %, 100 % of the task definitions, interleaved
    log("scaling on the estate's task definitions")
    scaling: list[tuple[float, int, list[Run]]] = []
    for fraction in (0.25, 0.5, 1.0):
        scaling.append((fraction, len(estate_module.files(estate_module.shards(root, "task-definitions", fraction))), []))
    for index in range(runs):
        for fraction, count, results in scaling:
            results.append(measure(ecs(*estate_module.shards(root, "task-definitions", fraction)), ROOT))
            log(f"scaling {fraction:.0%} ({count} files) run {index + 1}/{runs}: {results[-1].wall:.2f} s")

    elapsed = time.perf_counter() - started
    loads.append(load_average())
    if temporary is not None:
        temporary.cleanup()
    report = render(args, invoked, stamp, versions, features, counts, cases, scaling, elapsed, cache, loads,
                    corpus_templates, corpus_terraform, single, first, again)
    Path(args.output).write_text(report, encoding="utf-8")
    print(report)
    log(f"written to {args.output} in {elapsed / 60:.1f} min")


def render(args, invoked, stamp, versions, features, counts, cases, scaling, elapsed, cache, loads,
           corpus_templates: Case, corpus_terraform: Case, single: Case, first: Case, again: Case) -> str:
    cores = len(os.sched_getaffinity(0))

    def faster(case: Case, peer: str) -> tuple[float | None, str]:
        if peer not in case.runs:
            return None, f"{peer} not run"
        ratio = case.median(peer) / case.median("ecslint")
        return ratio, (f"{ratio:.1f}x (ecslint {seconds(case.median('ecslint'))}, "
                       f"{peer} {seconds(case.median(peer))}, {case.files} files)")

    targets: list[tuple[str, str, bool | None]] = []
    ratio, text = faster(corpus_templates, "cfn-lint")
    targets.append(("≥ 20x faster than cfn-lint on the corpus's CloudFormation templates", text,
                    None if ratio is None else ratio >= 20))
    ratio, text = faster(corpus_templates, "checkov")
    targets.append(("≥ 10x faster than checkov on the corpus's CloudFormation templates", text,
                    None if ratio is None else ratio >= 10))
    ratio, text = faster(corpus_terraform, "checkov")
    targets.append(("≥ 10x faster than checkov on the corpus's Terraform", text, None if ratio is None else ratio >= 10))
    gap = single.median("ecslint") - single.median("python -c pass")
    targets.append(("one task definition, cold, within 0.1 s of the interpreter's start",
                    f"+{seconds(gap)} (ecslint {seconds(single.median('ecslint'))}, "
                    f"`python -c pass` {seconds(single.median('python -c pass'))})", gap <= 0.1))
    base = single.median("ecslint")
    per_file = [(statistics.median(r.wall for r in results) - base) / count for _, count, results in scaling]
    growth = per_file[-1] / per_file[0] if per_file[0] > 0 else float("inf")
    targets.append(("linear growth (time per file at 100 % of the task definitions ≤ 1.25 × at 25 %, "
                    "after the one-file start-up)",
                    " / ".join(f"{p * 1000:.2f}" for p in per_file) + f" ms per file at 25/50/100 %: {growth:.2f}x",
                    growth <= 1.25))
    used = first.utilisation("ecslint")
    targets.append((f"uses all cores on large inputs (CPU time / wall time ≥ 0.8 × {cores} cores on the estate)",
                    f"{used:.2f} of {cores} cores", used >= 0.8 * cores))
    peak = first.tree_rss("ecslint")
    targets.append(("peak memory < 150 MB on the synthetic estate (summed RSS of the process tree)",
                    f"{peak / 1e6:.0f} MB ({mib(peak)}; largest single process {mib(first.maxrss('ecslint'))})",
                    peak < 150e6))
    share = again.median("ecslint") / first.median("ecslint")
    targets.append(("cached re-run < 10 % of the first (f / e)",
                    f"{share:.0%} ({seconds(again.median('ecslint'))} / {seconds(first.median('ecslint'))})"
                    + ("" if cache else "; no cache in this ecslint"), share < 0.10))

    lines = [
        "# ecslint benchmark results",
        "",
        f"Made by `{invoked}` (benchmarks/suite.py) on {stamp}, in {elapsed / 60:.1f} minutes.",
        "",
        f"- Machine: {machine()}; shared and noisy, so medians of interleaved runs (load average, 1 minute: "
        f"{loads[0]} at the start, {loads[1]} at the end).",
        "- Versions: " + "; ".join(f"{name} {value}" if not value.startswith(name) else value
                                   for name, value in versions.items()) + ".",
        "- ecslint features found in `ecslint check --help`: " + ", ".join(features)
        + (" (every timing but (e) and (f) passes `--no-cache`)." if cache else "."),
        f"- Synthetic estate (benchmarks/estate.py, seed {args.seed}): {counts['task-definitions']} task definitions, "
        f"{counts['cloudformation']} CloudFormation templates, {counts['terraform']} Terraform files "
        f"({counts['terraform'] // 2} modules): {sum(counts.values())} files.",
        "- checkov runs with `--skip-download --compact --quiet` and CKV_SKIP_PACKAGE_UPDATE_CHECK=true (no "
        "version check against PyPI); cfn-lint with `--format parseable`. Every tool's output is discarded.",
        "",
        "## Targets (issue #13)",
        "",
        "| Target | Measured | Result |",
        "|---|---|---|",
        *[f"| {name} | {measured} | {verdict(ok)} |" for name, measured, ok in targets],
        "",
        "## Measurements",
        "",
        "Median wall time; CPU time = user + sys (median); CPU / wall in cores (median); peak RSS = the largest sum of the "
        "resident sets of the process tree seen (every 15 ms), and ru_maxrss the largest single process, "
        "over the runs; ratio = the peer's time over ecslint's.",
        "",
        "| Case | Files | Tool | Runs | Wall | CPU time | CPU / wall | Peak RSS (tree) | ru_maxrss | Peer / ecslint |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes: list[str] = []
    for case in cases:
        shown = False
        for tool in case.runs:
            if not case.runs[tool]:
                continue
            label, files = (f"({case.key}) {case.what}", str(case.files)) if not shown else (f"({case.key})", "")
            shown = True
            ratio = ""
            if tool not in ("ecslint", "python -c pass") and "ecslint" in case.runs:
                ratio = f"{case.median(tool) / case.median('ecslint'):.1f}x"
            lines.append(f"| {label} | {files} | {tool} | {len(case.runs[tool])} | "
                         f"{seconds(case.median(tool))} | {seconds(case.cpu(tool))} | {case.utilisation(tool):.2f} | {mib(case.tree_rss(tool))} | "
                         f"{mib(case.maxrss(tool))} | {ratio} |")
        notes += [f"({case.key}) {note}" for note in case.notes]
    lines += ["", "## Scaling (ecslint on the estate's task definitions)", "",
              "| Part | Files | Runs | Wall | ms per file (after the one-file start-up) | CPU | Peak RSS (tree) |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for (fraction, count, results), each in zip(scaling, per_file):
        lines.append(f"| {fraction:.0%} | {count} | {len(results)} | {seconds(statistics.median(r.wall for r in results))} | "
                     f"{each * 1000:.2f} | {statistics.median(r.utilisation for r in results):.2f} | "
                     f"{mib(max(r.tree_rss for r in results))} |")
    if notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
