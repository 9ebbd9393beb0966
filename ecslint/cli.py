"""The command line: ``ecslint check``, ``ecslint rules``, ``ecslint explain``.

Exit codes: 0 when nothing at or above the failing level was found, 1 when something was,
2 for a usage or configuration error, or a file that could not be read or parsed (the other
files are still linted and reported).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import NoReturn

import click

from ecslint import __version__
from ecslint.findings import LEVEL_RANK
from ecslint.report import FORMATS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _DefaultToCheck(click.Group):
    """``ecslint PATH...`` is short for ``ecslint check PATH...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _fail(message: str) -> NoReturn:
    from ecslint.safe_text import printable

    click.echo(f"ecslint: error: {printable(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _registry(rules_dirs: tuple[str, ...] = ()):
    from ecslint.registry import RuleError, load_registry

    try:
        return load_registry(rules_dirs)
    except RuleError as exc:
        _fail(str(exc))


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout is not None and sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ecslint")
def main() -> None:
    """ecslint: a linter for Amazon ECS configurations.

    Run `ecslint check PATH...` (or just `ecslint PATH...`).
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-f", "--format", "output_format", type=click.Choice(FORMATS),
              default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file.")
@click.option("--fail-level", type=click.Choice(["error", "warning", "info", "none"]),
              help="Exit 1 when a finding at or above this level is reported [default: warning].")
@click.option("--select", multiple=True,
              help="Only these rules (ids, prefixes, names, tags such as security, default or ALL; comma-separated).")
@click.option("--extend-select", multiple=True, help="These rules too, on top of the selection (e.g. security).")
@click.option("--ignore", multiple=True, help="Not these rules (ids, prefixes, names; comma-separated).")
@click.option("--exclude", multiple=True, help="Glob of files or directories to skip (repeatable).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file to use.")
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False), help="Extra rule pack directory.")
@click.option("--parameters", "parameters", multiple=True, metavar="FILE|KEY=VALUE",
              help="Template parameter values: a parameters file, or Key=Value (repeatable).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Terraform variable values: a .tfvars or .tfvars.json file (repeatable).")
@click.option("--with-cfn-lint", is_flag=True,
              help="Also run cfn-lint on the templates and report its findings (needs ecslint[cfn-lint]).")
@click.option("--stdin-filename", help="The name to report for standard input ('-').")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only the findings this baseline file does not record.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, writable=True),
              help="Record today's findings in this baseline file (and report none of them).")
@click.option("--category", help="SARIF run category (runAutomationDetails), for several analyses of one commit.")
@click.option("-v", "--verbose", is_flag=True, help="Name the skipped files and why.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line and no progress.")
@click.option("--hook", is_flag=True, hidden=True, help="The files are every staged file pre-commit passes.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also the fixes that change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead; write nothing (exit 1 if any).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes to lint in (the report is the same); default: one a CPU for runs of 50 files or more.")
@click.option("--no-cache", is_flag=True,
              help="Lint every file, and neither read nor write the result cache (.ecslint_cache/).")
def check(paths, output_format, output, fail_level, select, extend_select, ignore, exclude, config_path, rules_dir, parameters,
          var_files, with_cfn_lint, stdin_filename, color, baseline_path, write_baseline, category, verbose, quiet,
          hook, fix, unsafe_fixes, diff, jobs, no_cache) -> None:
    """Lint ECS task definitions (JSON or YAML files, directories, or - for standard input)."""
    from ecslint.config import ConfigError, load_config
    from ecslint.discover import collect
    from ecslint.parameters import ParameterError, read_parameters
    from ecslint.report import renderer
    from ecslint.progress import Progress
    from ecslint.report.text_format import summary
    from ecslint.safe_text import printable

    started = time.monotonic()
    registry = _registry(rules_dir)
    try:
        config = load_config(config_path)
        if select:
            config.select = _split(select)
            if not config.select:  # `--select "$RULES"` with an empty variable must not switch ecslint off
                raise ConfigError("--select names no rule; give rule ids, prefixes, names or tags, or ALL")
        config.extend_select = config.extend_select + _split(extend_select)
        if ignore:
            config.ignore = config.ignore + _split(ignore)
        config.exclude = config.exclude + list(exclude)
        config.fail_level = fail_level or config.fail_level
        config.parameters = {**config.parameters, **read_parameters(list(parameters))}
        config.var_files = config.var_files + list(var_files)
        config.baseline = baseline_path or config.baseline
        config.resolve(registry)  # reports unknown selectors before any work
    except (ConfigError, ParameterError) as exc:
        _fail(str(exc))
    inputs = collect(list(paths) or ["."], config.excluded, stdin_filename)
    for item in inputs if hook else ():  # pre-commit names every staged file: those not ECS content pass silently
        item.named = False
    if output:
        _refuse_to_overwrite_an_input(output, inputs)
    if write_baseline:
        _refuse_to_overwrite_an_input(write_baseline, inputs, "baseline")
    known = _read_baseline(config.baseline) if config.baseline and not write_baseline else None
    if fix or diff:
        from ecslint.autofix import run

        result = run(inputs, registry, config, unsafe=unsafe_fixes, diff=diff, quiet=quiet)
    else:
        if no_cache:
            from ecslint.partition import lint  # in groups when the run is large
        else:
            from ecslint.result_cache import lint  # the same, or the same run's result from the cache
        whole = sys.maxsize if with_cfn_lint else None  # (cfn-lint reads the run's documents: one group)
        with Progress(len(inputs), enabled=not quiet and (output_format == "text" or bool(output))) as progress:
            result = lint(inputs, registry, config, progress=progress.advance, jobs=jobs, min_files=whole)
    if with_cfn_lint:
        registry = _with_cfn_lint(result, registry)
    if write_baseline or known is not None:
        _apply_baseline(result, registry, known, write_baseline)
    use_color = output_format == "text" and not output and _use_color(color)
    report = renderer(output_format)(result, registry, color=use_color, category=category)
    _write_report(report, output, use_color)
    for message in result.internal_errors:
        click.echo(f"ecslint: internal error: {printable(message)} (please report this)", err=True)
    for path, reason in result.skipped:
        if verbose or (path in result.named and not quiet):  # a file the user named is never silently passed
            click.echo(f"skipped {printable(path)}: {reason}", err=True)
    if not quiet and (output_format == "text" or verbose):
        click.echo(summary(result, elapsed=time.monotonic() - started), err=True)
    sys.exit(exit_code(result, config.fail_level))


def _with_cfn_lint(result, registry):
    """cfn-lint's findings added to ``result`` (see :mod:`ecslint.integrations.cfn_lint`)."""
    try:
        from ecslint.integrations.cfn_lint import with_cfn_lint
    except ImportError:
        _fail("--with-cfn-lint needs cfn-lint: pip install 'ecslint[cfn-lint]'")
    return with_cfn_lint(result, registry)


def _read_baseline(path: str):
    from ecslint.baseline import BaselineError, read

    try:
        return read(path)
    except BaselineError as exc:
        _fail(str(exc))


def _apply_baseline(result, registry, known, write_to: str | None) -> None:
    """Leave out of ``result`` the findings the baseline ``known`` records; with ``write_to``, first
    record every finding there (the new baseline is then what is known). A file that cannot be
    parsed is never baselined."""
    from ecslint.baseline import new_findings, render
    from ecslint.repository import source_root

    syntax = registry.engine_rule("syntax-error").id
    recordable = [f for f in result.findings if f.rule != syntax]
    root = source_root()
    if write_to:
        text = render(recordable, root)
        try:
            with open(write_to, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            _fail(f"cannot write the baseline to {write_to}: {exc.strerror or exc}")
        known = _read_baseline(write_to)
    kept = set(map(id, new_findings(recordable, known, root)))
    findings = [f for f in result.findings if f.rule == syntax or id(f) in kept]
    result.baselined = len(result.findings) - len(findings)
    result.findings = findings


def _refuse_to_overwrite_an_input(output: str, inputs, what: str = "report") -> None:
    """``-o`` (or ``--write-baseline``) must not name a file that is being linted (``-o task.json
    task.json`` would destroy it)."""
    target = os.path.realpath(output)
    for item in inputs:
        if item.file is not None and os.path.realpath(item.file) == target:
            _fail(f"the {what} file {output} is one of the files to lint; write the {what} elsewhere")


def _write_report(report: str, output: str | None, use_color: bool) -> None:
    """Write the report to ``output`` or standard output. A report that cannot be written (a
    missing folder, a full disk, a closed standard output) is an error with exit 2: the run's
    result is unknown to whoever reads it."""
    where = output or "standard output"
    try:
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(report)
            return
        stream = sys.stdout
        if stream is None:
            raise OSError("it is closed")
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")  # a terminal that is not UTF-8
        click.echo(report, file=stream, nl=False, color=use_color)
        stream.flush()
    except OSError as exc:
        if not output and sys.stdout is not None:
            # Python flushes standard output again at exit; let that flush go nowhere.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _fail(f"cannot write the report to {where}: {exc.strerror or exc}")


def exit_code(result, fail_level: str) -> int:
    """2 for unreadable files or internal errors, 1 for findings at or above ``fail_level``, else 0."""
    if result.failed or result.internal_errors:
        return EXIT_ERROR
    if fail_level == "none":
        return EXIT_CLEAN
    threshold = LEVEL_RANK[fail_level]
    return EXIT_FINDINGS if any(LEVEL_RANK[f.level] >= threshold for f in result.findings) else EXIT_CLEAN


def split_hook_arguments(args: list[str]) -> tuple[list[str], list[str]]:
    """pre-commit runs ``entry + args + file names``, with no ``--`` before the names, so a file
    named ``-o.json`` or ``--output=README.md`` would be read as an option. The options end at
    ``--`` or at the first argument that names an existing file (not the value of an option):
    every file name pre-commit passes exists."""
    takes_value = {name for param in check.params if isinstance(param, click.Option) and not param.is_flag
                   for name in param.opts}
    index = 0
    while index < len(args):
        if args[index] == "--":
            return args[:index], args[index + 1:]
        if os.path.lexists(args[index]):
            return args[:index], args[index:]
        index += 2 if args[index] in takes_value else 1
    return args, []


@main.command("pre-commit", add_help_option=False,
              context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def pre_commit(ctx: click.Context) -> None:
    """What the pre-commit hook runs: `ecslint check` with the hook's options, on the files
    pre-commit passes, whatever their names."""
    options, paths = split_hook_arguments(ctx.args)
    check.main([*options, "--hook", "--", *paths], prog_name="ecslint pre-commit")


@main.command("rules")
@click.option("-f", "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown: the documentation page of every rule (docs/rules.md).")
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False), help="Extra rule pack directory.")
def list_rules(output_format: str, rules_dir: tuple[str, ...]) -> None:
    """List the rules."""
    registry = _registry(rules_dir)
    if output_format == "markdown":
        from ecslint.docs import rules_page

        click.echo(rules_page(registry), nl=False)
        return
    if output_format == "json":
        rows = [{"id": r.id, "name": r.name, "level": r.level, "default": r.default, "summary": r.summary,
                 "tags": r.tags} for r in registry]
        click.echo(json.dumps(rows, indent=2))
        return
    for rule in registry:
        click.echo(f"{rule.id}  {rule.level:<7}  {rule.name:<38}  {'' if rule.default else '(opt-in) '}{rule.summary}")


@main.command()
@click.argument("rule_id")
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False), help="Extra rule pack directory.")
def explain(rule_id: str, rules_dir: tuple[str, ...]) -> None:
    """Print a rule's documentation (by id or name)."""
    from ecslint.docs import rule_text

    rule = _registry(rules_dir).lookup(rule_id)
    if rule is None:
        _fail(f"unknown rule {rule_id!r}; `ecslint rules` lists them")
    click.echo(rule_text(rule), nl=False)


@main.command()
@click.option("--debounce", type=click.IntRange(min=0), default=300, show_default=True, metavar="MS",
              help="Milliseconds without an edit before a changed buffer is linted.")
def server(debounce: int) -> None:
    """Run the language server, over standard input and output (for editors)."""
    try:
        from ecslint.lsp.server import serve
    except ImportError as exc:  # an install without its dependencies (pip --no-deps, a distribution package)
        _fail(f"the language server needs pygls and lsprotocol ({exc}); pip install 'pygls>=2'")
    serve(debounce / 1000)
