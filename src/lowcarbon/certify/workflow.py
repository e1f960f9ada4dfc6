"""The certification workflow, read from ``data/workflow.json``: the states of an application and of a
certificate, the moves between them, and who may make each.

The service asks this module three things and nothing else: which moves exist (``machine``), which of them a party
may make in a state (``legal_moves``), and whether one move is allowed (``check``, which raises the one error the
HTTP API answers: 409 ``illegal_transition`` with the current state and the legal moves, or 403 when the move is
legal but not the caller's). The tests walk the same data, so a move added here is a move tested.

Another domain whose cases are worked between an organisation and a certification body (the inventory's
verification and its carbon management system evaluation) keeps its machines in its own ``data/workflow.json``, in
the same shape, and reads them with ``machine(kind, package)``: the same moves, checks and errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from lowcarbon.errors import Conflict, PermissionDenied

__all__ = [
    "APPLICATION",
    "CERTIFICATE",
    "IllegalTransition",
    "Machine",
    "Party",
    "SeparationOfDuties",
    "Transition",
    "WrongParty",
    "check",
    "machine",
]

Party = Literal["applicant", "body"]
APPLICATION = "application"
CERTIFICATE = "certificate"


@dataclass(frozen=True)
class Transition:
    """One move: its name, the states it leaves, the state it reaches, who makes it, whose earlier moves bar the
    maker (``not_by``), the condition the service checks (``guard``) and what its request must carry (``needs``)."""

    name: str
    sources: tuple[str, ...]
    target: str
    by: Party
    not_by: tuple[str, ...] = ()
    guard: str | None = None
    needs: tuple[str, ...] = ()
    label: Mapping[str, str] | None = None  # what a button says, zh-CN and en


@dataclass(frozen=True)
class Machine:
    """The states (id -> name in zh-CN and en) and moves of an application or a certificate."""

    kind: str
    initial: str
    states: Mapping[str, Mapping[str, str]]
    transitions: tuple[Transition, ...]

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def legal_moves(self, state: str, party: Party | None = None) -> list[str]:
        """The moves that leave ``state`` (those of ``party`` only, when given), in the data's order."""
        return [t.name for t in self.transitions if state in t.sources and (party is None or t.by == party)]

    def your_moves(
        self, state: str, party: Party, *, editor: bool, earlier_moves_by_caller: Sequence[str]
    ) -> list[str]:
        """The moves a person of ``party`` may make in ``state``: none for a non-editor, and none that an earlier move
        of theirs bars (what ``check`` would allow, for the pages' buttons)."""
        if not editor:
            return []
        earlier = set(earlier_moves_by_caller)
        moves = self.transitions
        return [t.name for t in moves if state in t.sources and t.by == party and not earlier & set(t.not_by)]

    def path_to(self, target: str, start: str | None = None) -> list[Transition]:
        """The shortest sequence of moves from ``start`` (the initial state) to ``target``; ValueError if none."""
        origin = start or self.initial
        paths: dict[str, list[Transition]] = {origin: []}
        frontier = [origin]
        while frontier:
            state = frontier.pop(0)
            if state == target:
                return paths[state]
            for move in self.transitions:
                if state in move.sources and move.target not in paths:
                    paths[move.target] = [*paths[state], move]
                    frontier.append(move.target)
        raise ValueError(f"no path from {origin!r} to {target!r}")

    def final(self, state: str) -> bool:
        return not self.legal_moves(state)

    def state_name(self, state: str, lang: str) -> str:
        names = self.states.get(state, {})
        return names.get(lang) or names.get("en") or state


class IllegalTransition(Conflict):
    """The move does not leave the current state; the error's context names the state and the legal moves."""

    code = "illegal_transition"


class WrongParty(PermissionDenied):
    """The move is legal in this state but is the other party's, or needs an editor."""

    code = "not_your_move"


class SeparationOfDuties(PermissionDenied):
    """The caller made an earlier move that bars them from this one (e.g. the verifier may not decide)."""

    code = "separation_of_duties"


@cache
def machine(kind: str, package: str = "lowcarbon.certify") -> Machine:
    """The state machine of ``kind`` in ``package``'s ``data/workflow.json``: here ``application`` or
    ``certificate``."""
    data = json.loads(resources.files(package).joinpath("data/workflow.json").read_text("utf-8"))
    raw = data[kind]
    moves = tuple(
        Transition(
            name=t["name"],
            sources=tuple(t["from"]),
            target=t["to"],
            by=t["by"],
            not_by=tuple(t.get("not_by", ())),
            guard=t.get("guard"),
            needs=tuple(t.get("needs", ())),
            label=t.get("label"),
        )
        for t in raw["transitions"]
    )
    return Machine(kind, raw["initial"], raw["states"], moves)


def check(
    kind: str,
    state: str,
    move: str,
    *,
    party: Party | None,
    editor: bool,
    earlier_moves_by_caller: Sequence[str] = (),
    package: str = "lowcarbon.certify",
) -> Transition:
    """The transition ``move`` from ``state`` when the caller may make it. ``party`` is the caller's side of the
    case (None: neither, which the service answers 404 before asking); ``editor``: the caller's role may change
    data; ``earlier_moves_by_caller``: the moves this person made on this case. Raises IllegalTransition (409)
    when the move does not leave ``state``, WrongParty (403) when it is not the caller's, SeparationOfDuties (403)
    when an earlier move of theirs bars them. ``package``: whose ``data/workflow.json`` holds the machine."""
    states = machine(kind, package)
    transition = states.transition(move)
    legal = states.legal_moves(state)
    if transition is None or state not in transition.sources:
        what = f"unknown move {move!r}" if transition is None else f"{move!r} does not leave state {state!r}"
        moves = ", ".join(legal) or "none: the state is final"
        error = IllegalTransition(f"{what}; the {kind} is {state!r}; legal moves: {moves}")
        error.context = {"state": state, "legal_moves": legal}
        raise error
    if party != transition.by or not editor:
        who = "the applicant's" if transition.by == "applicant" else "the certification body's"
        raise WrongParty(f"{move!r} is {who} move, made by an editor or admin of that organisation")
    barred = [earlier for earlier in transition.not_by if earlier in earlier_moves_by_caller]
    if barred:
        raise SeparationOfDuties(
            f"you made {barred[0]!r} on this {kind}: someone else must make {move!r} (separation of duties)"
        )
    return transition
