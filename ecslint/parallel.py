"""Rules run in several processes, for runs of many files, with the result of a run in one.

Rules link objects across files (a service to the task definition of its family, wherever it is);
a large run that :mod:`ecslint.partition` cannot split into groups that nothing links across
comes here instead: the files are read, adapted and linked once; then the process forks, and each worker runs every rule on the objects of its share of
the files (what rules compute about a file's objects is computed by one worker only), in the
memory it shares with the parent: nothing is sent to a worker. Each sends back what its checks reported, with where in the run's order it was
reported (rule, object, and order within the visit); the parent replays all of it in that order,
as if it had run the rules itself, so the per-file caps, the scenarios of templates and the
reported order are those of a run in one process. A worker that fails or meets an internal error
makes the parent run the rules itself. Only where ``fork`` is safe to use (not on Windows or macOS).

Not the default: reading and adapting, which stay in one process, are most of a run, and each
worker builds again what rules compute once per run. On two idle CPUs, two processes took 0.91 of
the time of one on the shared corpus, for 1.14 times the CPU time.
"""

from __future__ import annotations

import os
import pickle
import sys
from dataclasses import replace
from typing import Any, Callable

from ecslint.config import Config
from ecslint.engine import Findings, Result, _run_rules
from ecslint.findings import Finding, Fix
from ecslint.fingerprint import logical_locations
from ecslint.model import ModelObject, Project, Scenario
from ecslint.registry import Rule
from ecslint.tree import Node

Event = tuple[int, int, int, str, Any]  # (rule index, object index, order in the visit, kind, what)


def workers(jobs: int) -> int:
    """How many processes run the rules: ``jobs``, or one where processes cannot be forked."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    return max(1, jobs)


class Recorder(Findings):
    """A worker's findings: recorded with their place in the run, for the parent to replay."""

    def __init__(self, config: Config, part: int, shares: dict[str, int]) -> None:
        super().__init__(config)
        self.part, self.shares = part, shares
        self.position = (0, 0)
        self.events: list[Event] = []
        self._located: list[tuple[int, ModelObject, Node]] = []  # (event index, object, node)

    def takes(self, rule_index: int, index: int, obj: ModelObject) -> bool:
        """Whether this worker visits ``obj``, the object ``index`` of rule ``rule_index`` (and if so,
        it is there from now on)."""
        self.position = (rule_index, index)
        return self.shares.get(obj.source.path, 0) == self.part

    def add(self, node: Node, path: str, rule: Rule, message: str, scenario: Scenario | None = None,
            fix: Fix | None = None, within: ModelObject | None = None, unconditional: bool = False) -> None:
        finding = Finding.at(node, path, rule.id, rule.name, rule.level, message, fix)
        key = (path, node.line, node.col, rule.id, message)
        if within is not None:
            self._located.append((len(self.events), within, node))
        self.events.append((*self.position, len(self.events), "add", (key, finding, rule.id, scenario, unconditional)))

    def count(self, path: str, rule: Rule, number: int) -> None:
        self.events.append((*self.position, len(self.events), "count", (path, rule.id, number)))

    def recorded(self) -> list[Event]:
        """The events, each finding on an object with its logical location."""
        wheres = logical_locations([(obj, node) for _, obj, node in self._located])
        for (index, _, _), where in zip(self._located, wheres, strict=True):
            *place, kind, (key, finding, *rest) = self.events[index]
            self.events[index] = (*place, kind, (key, replace(finding, where=where), *rest))
        return self.events


def run_rules(project: Project, enabled: dict[str, Rule], findings: Findings, result: Result, jobs: int) -> None:
    """What :func:`ecslint.engine._run_rules` does, in ``jobs`` processes."""
    shares = _shares(project, jobs)

    def share(part: int) -> list[Event] | None:
        recorder, errors = Recorder(findings.config, part, shares), Result()
        _run_rules(project, enabled, recorder, errors, recorder.takes)
        return None if errors.internal_errors else recorder.recorded()

    recorded = _forked(share, jobs)
    if any(events is None for events in recorded):  # (the run in one process reports the errors in its order)
        _run_rules(project, enabled, findings, result)
        return
    for *_, kind, what in sorted((event for events in recorded for event in events), key=lambda e: e[:3]):
        if kind == "add":
            key, finding, rule_id, scenario, unconditional = what
            findings.add_located(finding, key, enabled[rule_id], scenario, unconditional)
        else:
            path, rule_id, number = what
            findings.count(path, enabled[rule_id], number)


def _shares(project: Project, jobs: int) -> dict[str, int]:
    """Which process lints each file's objects: the files with the most objects first, each to the
    process with the fewest objects so far."""
    weights: dict[str, int] = {}
    for objects in project.by_kind.values():
        for obj in objects:
            weights[obj.source.path] = weights.get(obj.source.path, 0) + 1
    loads = [0] * jobs
    shares = {}
    for path in sorted(weights, key=lambda p: (-weights[p], p)):
        part = loads.index(min(loads))
        shares[path] = part
        loads[part] += weights[path]
    return shares


def _forked(work: Callable[[int], Any], jobs: int) -> list[Any]:
    """``work(0)`` in this process and ``work(1)`` ... ``work(jobs - 1)`` in forked children, each
    child's result sent back pickled; None for a child that failed. A part that cannot be forked
    is done here."""
    children: list[tuple[int, int]] = []
    for part in range(1, jobs):
        try:
            reader, writer = os.pipe()
            pid = os.fork()
        except OSError:
            break
        if pid == 0:  # the child: its result, then out, without running the parent's exit handlers
            status = 1
            try:
                os.close(reader)
                with os.fdopen(writer, "wb") as stream:
                    stream.write(pickle.dumps(work(part), protocol=pickle.HIGHEST_PROTOCOL))
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        children.append((pid, reader))
    results = [work(0)]
    for pid, reader in children:
        with os.fdopen(reader, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(pid, 0)
        try:
            results.append(pickle.loads(data) if status == 0 else None)
        except Exception:  # a child that died half-way through writing
            results.append(None)
    results.extend(work(part) for part in range(len(children) + 1, jobs))
    return results
