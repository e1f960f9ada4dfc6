"""An inventory's verification and a carbon management system's evaluation over HTTP, generated from their machines'
data (``inventory/data/workflow.json``) as certification's tests walk theirs: every move from every state it leaves
is made once by its party, and in every state every move is tried by every caller, each answered as the data says:
404 for a stranger, 409 ``illegal_transition`` with the state and the legal moves when the move does not leave the
state, 403 ``not_your_move`` when it is the other party's or the caller is a viewer, 403 ``separation_of_duties``
when the caller made a move that bars this one. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from support.certify_support import CALLERS, World, expected_answer, world
from support.engagement_support import MACHINES, URLS, bring, maker, move, move_data, sample, start

__all__ = ["world"]

EDGES = [(kind, state, t.name) for kind, states in MACHINES.items() for t in states.transitions for state in t.sources]
STATES = [(kind, state) for kind, states in MACHINES.items() for state in states.states]


def test_every_state_is_reachable_and_every_move_leaves_one() -> None:
    for states in MACHINES.values():
        for state in states.states:
            states.path_to(state)
        for transition in states.transitions:
            assert transition.sources and all(source in states.states for source in transition.sources)
            assert transition.target in states.states


@pytest.mark.parametrize(("kind", "state", "name"), EDGES, ids=[f"{k}-{s}-{m}" for k, s, m in EDGES])
def test_every_legal_move(world: World, kind: str, state: str, name: str) -> None:
    """Brought to ``state``, the engagement takes ``name`` from its party and stands in the move's target."""
    engagement_id, activity_id = start(world, kind)
    bring(world, kind, engagement_id, state, activity_id)
    if name == "conclude":  # the verifier concludes on records sampled
        assert sample(world, engagement_id, activity_id).status_code == 201
    view = move(world, kind, maker(kind, name), engagement_id, name)
    transition = MACHINES[kind].transition(name)
    assert transition is not None
    assert view["state"] == transition.target
    moves = [m["name"] for m in view["moves"]]
    assert moves[-1] == name and len(moves) == len(MACHINES[kind].path_to(state)) + 1
    if name in ("issue", "certify"):
        assert view["statement"], "the last move signs the statement"


@pytest.mark.parametrize(("kind", "state"), STATES, ids=[f"{k}-{s}" for k, s in STATES])
def test_every_refused_move_of_every_caller(world: World, kind: str, state: str) -> None:
    """In ``state``, each (move, caller) the machine refuses is refused with its status and code, the engagement
    left as it was; an illegal move's refusal names the state and the legal moves."""
    engagement_id, activity_id = start(world, kind)
    made = bring(world, kind, engagement_id, state, activity_id)
    url = f"{URLS[kind]}/{engagement_id}/moves"
    for transition in MACHINES[kind].transitions:
        for caller in CALLERS:
            status, code = expected_answer(MACHINES[kind], state, transition.name, caller, made)
            if status == 200:
                continue
            response = world.call(caller, "POST", url, json=move_data(kind, transition.name))
            error = response.json()["error"]
            assert (response.status_code, error["code"]) == (status, code), (transition.name, caller)
            if code == "illegal_transition":
                assert error["context"] == {"state": state, "legal_moves": MACHINES[kind].legal_moves(state)}
    view = world.call("applicant", "GET", f"{URLS[kind]}/{engagement_id}").json()
    assert view["state"] == state and len(view["moves"]) == len(made)


def test_an_unknown_move_is_illegal(world: World) -> None:
    engagement_id, _ = start(world, "verification")
    response = world.call("verifier", "POST", f"{URLS['verification']}/{engagement_id}/moves", json={"move": "sign"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "illegal_transition"


@pytest.mark.parametrize(
    ("kind", "done", "last"), [("verification", "conclude", "issue"), ("evaluation", "evaluate", "certify")]
)
def test_separation_of_duties(world: World, kind: str, done: str, last: str) -> None:
    """Who concluded the verification (scored the evaluation) neither issues nor returns it; someone else does."""
    engagement_id, activity_id = start(world, kind)
    bring(world, kind, engagement_id, "review", activity_id)
    refused = world.call("verifier", "POST", f"{URLS[kind]}/{engagement_id}/moves", json=move_data(kind, last))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "separation_of_duties"
    view = move(world, kind, "decider", engagement_id, last)
    assert view["statement"] and [m["name"] for m in view["moves"]][-2:] == [done, last]
    assert view["your_moves"] == []
