"""ecslint against the peers' own ECS fixtures: for every check of checkov, Trivy and KICS that an
ecslint rule covers (the rule files' ``equivalents``), each resource the peer expects to fail is
reported by that rule and each it expects to pass is not, except where the peer is wrong
(``peer_conformance.PEER_BUGS``, each with its reason)."""

from __future__ import annotations

import pytest

import peer_conformance
from peer_conformance import PEER_BUGS, available, verdicts

pytestmark = pytest.mark.skipif(not available(), reason="../shared/peer-fixtures is not beside this checkout")


def _id(verdict) -> str:
    return f"{verdict.peer}:{verdict.fixture.rsplit('/', 3)[-3]}/{verdict.fixture.rsplit('/', 1)[-1]}:{verdict.resource}"


@pytest.mark.parametrize("verdict", verdicts() if available() else [], ids=_id)
def test_ecslint_agrees_with_the_peer_where_the_peer_is_right(verdict):
    if verdict.bug:
        assert verdict.reported != verdict.peer_fails, f"the peer is said to be wrong here, yet ecslint agrees: {verdict.bug}"
    elif verdict.peer_fails:
        assert verdict.reported, f"{verdict.peer} {verdict.check} fails {verdict.resource}; {verdict.rules} report nothing"
    else:
        assert not verdict.reported, f"{verdict.peer} {verdict.check} passes {verdict.resource}; {verdict.rules} report it"


def test_every_listed_peer_bug_is_a_resource_of_a_covered_check():
    judged = {(v.peer, v.fixture, v.resource) for v in verdicts()}
    assert set(PEER_BUGS) <= judged, set(PEER_BUGS) - judged


def test_coverage_of_the_failing_resources():
    """At least 85% of the resources the peers rightly expect to fail are found (the others are
    resources of checks ecslint does not cover: docs/security.md says which and why)."""
    table = peer_conformance.coverage()
    found, failing, wrong = (sum(row[key] for row in table.values()) for key in ("found", "failing", "peer_bugs"))
    assert found / (failing - wrong) >= 0.85, table
