"""Large runs linted in groups of files that nothing links across, in several processes.

A run holds every parsed file and model object at once, because rules link objects across files.
For a run of many files, this module lints each *unit* alone first (a file; the ``.tf`` files of a
folder, a Terraform module, together), in worker processes that read their own files; each unit also
reports its keys: the names its objects define (as the graph and the linker match them: a role's, a
cluster's, a task definition's family...), every name it looked up among the inputs while it was
linted (:attr:`ecslint.graph.Graph.asked`: where a larger run could have answered otherwise), and
every file it read besides its inputs. Units that share a key (one looks up a name others define,
or both read a file) are linted again together; the result of every other unit stands,
as nothing in the rest could have changed it. Memory is that of the largest group in each process.
(Names travel as ``hash()`` values: the same in the forked workers; a collision only joins groups.)

Some facts are of the whole project, not of links: a mount target whose file system is not known
silences the EFS rules of every file; so do ingress rules, scalable targets and the capacity kinds
(:data:`GLOBAL_KINDS`). A run where a unit holds one, a workflow (which ships other files), a context
file, an object of a file it was not given, or an internal error is linted at once, as before. The
merged result is the one run's: the same findings, sorted, and the same files (the reports sort them).
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from ecslint import engine, observed
from ecslint.config import Config
from ecslint.engine import Input, Result
from ecslint.graph import Graph
from ecslint.model import Project, Role
from ecslint.parallel import workers
from ecslint.registry import Registry

# Runs of fewer files are linted at once (its start costs each worker process more than it saves).
MIN_FILES = 50
# The kinds that rules enumerate over the whole project (tests/test_partition.py keeps this in step).
GLOBAL_KINDS = frozenset({"MountTarget", "SecurityGroupRule", "ScalableTarget", "ClusterCapacityProviderAssociations",
                          "CapacityProvider", "AutoScalingGroup", "LaunchTemplate", "LaunchConfiguration", "Instance"})
# Words that an input holding one of GLOBAL_KINDS, or a workflow, most likely has: such a run is linted at once
# without trying groups first (a hint only: what the units hold decides).
_WHOLE_RUN_HINTS = re.compile(rb"(?i)mounttarget|mount_target|::securitygroup(?:in|e)gress|security_group_rule|"
                              rb"security_group_(?:in|e)gress_rule|scalabletarget|appautoscaling_target|"
                              rb"::capacityprovider|ecs_capacity_provider|clustercapacityproviderassociations|"
                              rb"cluster_capacity_providers|autoscalinggroup|autoscaling_group|launchtemplate|"
                              rb"launch_template|launchconfiguration|launch_configuration|::ec2::instance\b|"
                              rb"aws_instance\b|\bjobs:|ecspresso")


@dataclass
class Keys:
    """What links a unit to others: hashes of the names it defines and of those it looked up (among the
    inputs, by the linker and the rules: :attr:`ecslint.graph.Graph.asked`), the files it read, and
    whether it must be linted with the whole run."""

    defines: set[int] = field(default_factory=set)
    mentions: array = field(default_factory=lambda: array("q"))
    files: set[str] = field(default_factory=set)
    whole_run: bool = False


def keys_of(project: Project, paths: set[str]) -> Keys:
    """The keys of a project whose inputs are ``paths``, once linted. The rules that keep, of every
    policy or task definition of the project, those that name a role, look up names that a run of
    this project alone may not: they are looked up here."""
    from ecslint.iam import attachments, role_of  # (not imported by small runs)

    graph: Graph = project.graph
    for policy in project.objects("Policy"):
        for node in attachments(policy):
            graph.target(policy, node, Role)
    for task in project.task_definitions:
        for member in ("taskRoleArn", "executionRoleArn"):
            role_of(task, member, graph)
    names = [name for _, name in graph.by_name] + [t.family for t in project.task_definitions] + \
        [c.name for c in project.clusters]
    keys = Keys(defines={hash(name) for name in names if name},
                mentions=array("q", sorted({hash(name) for name in graph.asked})))
    keys.whole_run = bool(project.workflow_steps) or any(
        kind in GLOBAL_KINDS or obj.source.context or obj.source.path not in paths
        for kind, objects in project.by_kind.items() for obj in objects)
    return keys


# What a forked worker lints: set in the parent before the pool starts (no input crosses a process boundary).
_RUN: tuple[list[Input], Registry, Config] | None = None


def _lint_unit(unit: list[int]) -> tuple[Result, Keys, observed.Observations]:
    """Lint the inputs ``unit`` (indexes) together: the result without its documents, the unit's keys,
    and what it read besides its inputs."""
    inputs, registry, config = _RUN  # type: ignore[misc]
    items = [inputs[i] for i in unit]
    linked: list[Project] = []
    with observed.recording() as observations:
        result = engine.lint(items, registry, config, linked=linked.append)
        keys = keys_of(linked[0], {i.path for i in items}) if linked else Keys()
    keys.files = {os.path.realpath(path) for path in observations.reads} | \
        {os.path.realpath(folder) for folder in observations.listings}
    keys.whole_run = keys.whole_run or bool(result.internal_errors)
    return replace(result, documents=[]), keys, observations


def units(inputs: list[Input]) -> list[list[int]]:
    """The inputs by unit, in the order of their first input: the ``.tf`` files of a folder together."""
    by_key: dict[str, list[int]] = {}
    for index, item in enumerate(inputs):
        folder = os.path.dirname(os.path.realpath(item.file)) if item.file and item.path.endswith(".tf") else None
        by_key.setdefault(f"tf:{folder}" if folder else f"#{index}", []).append(index)
    return list(by_key.values())


def groups(keys: list[Keys], inputs: list[Input], of_unit: list[list[int]]) -> list[list[int]]:
    """The units (indexes) that are linked, union-found: one looks up a name that others define (all of
    them: a name defined twice is found by neither), or reads a file that another reads or is."""
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    readers: dict[str, int] = {}
    definers: dict[int, list[int]] = {}
    for unit, unit_keys in enumerate(keys):
        own_files = {os.path.realpath(inputs[i].file) for i in of_unit[unit] if inputs[i].file}
        for path in unit_keys.files | own_files:
            union(unit, readers.setdefault(path, unit))
        for name in unit_keys.defines:
            definers.setdefault(name, []).append(unit)
    for unit, unit_keys in enumerate(keys):  # (a name that two define is not found once a third asks)
        for name in unit_keys.mentions:
            for other in definers.get(name, ()):
                union(unit, other)
    found: dict[int, list[int]] = {}
    for unit in range(len(keys)):
        found.setdefault(find(unit), []).append(unit)
    return list(found.values())


def lint(inputs: list[Input], registry: Registry, config: Config,
         progress: Callable[[], None] | None = None, jobs: int | None = None, min_files: int | None = None) -> Result:
    """:func:`ecslint.engine.lint`, in groups when there are ``min_files`` inputs or more and workers
    can be forked (``min_files`` None: :data:`MIN_FILES`), in ``jobs`` processes (None: one a CPU). The
    result holds no documents then."""
    if len(inputs) < (MIN_FILES if min_files is None else min_files) or workers(2) < 2 or \
            any(item.context or (item.data is not None and _WHOLE_RUN_HINTS.search(item.data)) for item in inputs):
        return engine.lint(inputs, registry, config, progress, jobs or 1)
    global _RUN
    _RUN = (inputs, registry, config)
    try:
        return _in_groups(inputs, registry, config, progress, jobs)
    finally:
        _RUN = None


def _in_groups(inputs: list[Input], registry: Registry, config: Config, progress: Callable[[], None] | None,
               jobs: int | None) -> Result:
    """Each unit linted alone, then the linked ones together; or all at once (in ``jobs`` processes, as
    :func:`ecslint.engine.lint` runs the rules, when given) when a unit needs the whole run."""
    whole_jobs, jobs = jobs or 1, jobs or os.cpu_count() or 1
    of_unit = units(inputs)
    results: list[Result] = []
    keys: list[Keys] = []
    for result, unit_keys, observations in _mapped(of_unit, jobs):
        observed.merge(observations)
        if unit_keys.whole_run:
            return engine.lint(inputs, registry, config, None, whole_jobs)
        results.append(result)
        keys.append(unit_keys)
        for _ in range(len(of_unit[len(results) - 1]) if progress is not None else 0):
            progress()  # type: ignore[misc]
    stands = {(unit,) for unit in range(len(keys))}  # the groups linted (their results are in `results`)
    # Linted together, a group may look up names it did not alone: group again until nothing new joins.
    while linked := [group for group in groups(keys, inputs, of_unit) if tuple(group) not in stands]:
        again = [sorted(i for unit in group for i in of_unit[unit]) for group in linked]
        for group, (result, group_keys, observations) in zip(linked, _mapped(again, jobs), strict=True):
            observed.merge(observations)
            if group_keys.whole_run:
                return engine.lint(inputs, registry, config, None, whole_jobs)
            stands.add(tuple(group))
            results[group[0]] = result
            keys[group[0]] = _joined([group_keys, *(keys[unit] for unit in group)])
            for unit in group[1:]:
                results[unit] = Result()
    return merged(results, inputs)


def _joined(parts: list[Keys]) -> Keys:
    """The keys of units linted together."""
    return Keys(defines=set().union(*(k.defines for k in parts)),
                mentions=array("q", sorted({name for k in parts for name in k.mentions})),
                files=set().union(*(k.files for k in parts)))


def _mapped(of_unit: list[list[int]], jobs: int) -> Iterable[tuple[Result, Keys, observed.Observations]]:
    """:func:`_lint_unit` on each unit, in order: in this process, or in ``jobs`` forked ones."""
    if jobs < 2 or len(of_unit) < 2:
        return map(_lint_unit, of_unit)  # type: ignore[arg-type]
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(jobs)
    return _closing(pool, pool.imap(_lint_unit, of_unit, chunksize=max(1, min(32, len(of_unit) // (8 * jobs)))))


def _closing(pool, results: Iterator) -> Iterator:
    try:
        yield from results
    finally:
        pool.terminate()
        pool.join()


def merged(results: list[Result], inputs: list[Input]) -> Result:
    """The results of the groups as one run gives them: findings sorted, files in the order of the inputs."""
    order = {item.path: index for index, item in enumerate(inputs)}

    def where(path: str) -> int:
        return order.get(path, len(order))  # (a file that an input read: after the inputs)

    result = Result()
    for part in results:
        result.findings += part.findings
        result.linted += part.linted
        result.skipped += part.skipped
        result.named |= part.named
        result.failed += part.failed
    result.findings.sort()
    result.linted.sort(key=where)
    result.skipped.sort(key=lambda s: where(s[0]))
    result.failed.sort(key=where)
    return result
