"""The certification workflow over HTTP, generated from the state machine's data (``certify/data/workflow.json``):
every move from every state it leaves is made once by its party (so every legal path is walked edge by edge), and in
every state every move is tried by every caller, each answered as the data says: 404 for a stranger, 409
``illegal_transition`` with the state and the legal moves when the move does not leave the state, 403 when it is the
other party's or the caller is a viewer, 403 ``separation_of_duties`` when the caller made a move that bars this one.
A move added to the data is a move tested here. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from lowcarbon.certify import workflow
from support.certify_support import CALLERS, MAKERS, SIDE, World, expected_answer, move_data, world

__all__ = ["world"]

APPLICATION = workflow.machine(workflow.APPLICATION)
CERTIFICATE = workflow.machine(workflow.CERTIFICATE)
EDGES = [(state, t.name) for t in APPLICATION.transitions for state in t.sources]
CERTIFICATE_EDGES = [(state, t.name) for t in CERTIFICATE.transitions for state in t.sources]


def _maker(move: str) -> str:
    transition = APPLICATION.transition(move) or CERTIFICATE.transition(move)
    assert transition is not None
    return "applicant" if transition.by == "applicant" else MAKERS.get(move, "verifier")


def test_every_state_is_reachable_and_every_move_leaves_one() -> None:
    for state in APPLICATION.states:
        assert APPLICATION.path_to(state) is not None
    assert {t.name for t in APPLICATION.transitions} == {name for _, name in EDGES}
    for state in CERTIFICATE.states:
        if state != "expired":  # reached by the calendar, not by a move
            CERTIFICATE.path_to(state)


@pytest.mark.parametrize(("state", "move"), EDGES, ids=[f"{s}-{m}" for s, m in EDGES])
def test_every_legal_move(world: World, state: str, move: str) -> None:
    """Brought to ``state``, the application takes ``move`` from its party and stands in the move's target."""
    application_id = world.apply()
    world.bring(application_id, state)
    view = world.move(_maker(move), application_id, move)
    target = APPLICATION.transition(move)
    assert target is not None
    assert view["state"] == target.target
    moves = [m["name"] for m in view["moves"]]
    assert moves[-1] == move and len(moves) == len(APPLICATION.path_to(state)) + 1


@pytest.mark.parametrize("state", list(APPLICATION.states))
def test_every_refused_move_of_every_caller(world: World, state: str) -> None:
    """In ``state``, each (move, caller) the workflow refuses is refused with its status and code, and the
    application is left as it was; the refusals of illegal moves name the state and the legal moves."""
    application_id = world.apply()
    made = world.bring(application_id, state)
    for move in [t.name for t in APPLICATION.transitions]:
        for caller in CALLERS:
            status, code = expected_answer(APPLICATION, state, move, caller, made)
            if status == 200:
                continue
            response = world.call(
                caller, "POST", f"/api/certify/applications/{application_id}/moves", json={"move": move, "note": "x"}
            )
            assert (response.status_code, response.json()["error"]["code"]) == (status, code), (move, caller)
            if status == 409:
                context = response.json()["error"]["context"]
                assert context == {"state": state, "legal_moves": APPLICATION.legal_moves(state)}
    view = world.call("applicant", "GET", f"/api/certify/applications/{application_id}").json()
    assert view["state"] == state and len(view["moves"]) == len(made)


def test_separation_of_duties_in_full(world: World) -> None:
    """The verifier may neither recommend nor decide; the reviewer may not decide; a third person decides."""
    application_id = world.apply()
    world.bring(application_id, "technical_review")
    refused = world.call(
        "verifier", "POST", f"/api/certify/applications/{application_id}/moves", json={"move": "recommend"}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "separation_of_duties")
    world.move("reviewer", application_id, "recommend")
    for caller in ("verifier", "reviewer"):
        refused = world.call(
            caller, "POST", f"/api/certify/applications/{application_id}/moves", json={"move": "grant"}
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "separation_of_duties")
    view = world.move("decider", application_id, "grant")
    assert view["state"] == "certified" and view["certificate"].startswith("CEL-")


@pytest.mark.parametrize(("state", "move"), CERTIFICATE_EDGES, ids=[f"{s}-{m}" for s, m in CERTIFICATE_EDGES])
def test_every_certificate_move(world: World, state: str, move: str) -> None:
    """A certificate brought to ``state`` takes ``move`` from its party; every other caller is refused."""
    number = world.certificate()
    url = f"/api/certify/certificates/{number}/moves"
    for transition in CERTIFICATE.path_to(state):
        response = world.call(_maker(transition.name), "POST", url, json=move_data(transition.name))
        assert response.status_code == 200, response.text
    transition = CERTIFICATE.transition(move)
    assert transition is not None
    for caller in CALLERS:
        side = SIDE[CALLERS[caller][0]]
        if side == transition.by and CALLERS[caller][1] != "viewer":
            continue
        response = world.call(caller, "POST", url, json=move_data(move))
        assert response.status_code == (404 if side is None else 403), (caller, response.text)
    response = world.call(_maker(move), "POST", url, json=move_data(move))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == transition.target
    public = world.call(None, "GET", f"/api/public/certificates/{number}").json()
    assert public["status"] == transition.target and public["signature"]["valid"] is True


@pytest.mark.parametrize("state", [s for s in CERTIFICATE.states if s != "expired"])
def test_every_illegal_certificate_move(world: World, state: str) -> None:
    number = world.certificate()
    url = f"/api/certify/certificates/{number}/moves"
    for transition in CERTIFICATE.path_to(state):
        assert world.call(_maker(transition.name), "POST", url, json=move_data(transition.name)).status_code == 200
    for transition in CERTIFICATE.transitions:
        if state in transition.sources:
            continue
        response = world.call(_maker(transition.name), "POST", url, json=move_data(transition.name))
        assert (response.status_code, response.json()["error"]["code"]) == (409, "illegal_transition")
        assert response.json()["error"]["context"]["legal_moves"] == CERTIFICATE.legal_moves(state)
