"""``Caller``: a person or a machine client, the organisation it acts for, how the audit trail names it, and whether
it may write."""

from __future__ import annotations

from datetime import UTC, datetime

from lowcarbon.platform.auth import AuthenticatedClient, Caller, SessionUser

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _person(role: str) -> Caller:
    user = SessionUser(7, "ada@acme.example", "Ada", role, 3, "Acme", "manufacturer", 11, NOW)
    return Caller.of_user(user)


def test_a_person_writes_by_role() -> None:
    """A person acts for their organisation as user:<id>, and may write as an editor or admin, whatever the scope."""
    editor, viewer = _person("editor"), _person("viewer")
    assert (editor.organisation_id, editor.actor, editor.user_id, editor.machine_client_id) == (3, "user:7", 7, None)
    assert editor.may_write("studies:write") and _person("admin").may_write("anything:write")
    assert not viewer.may_write("studies:write")


def test_a_client_writes_by_scope() -> None:
    """A client acts for its organisation as client:<client_id>, and may write where its token holds the scope."""
    client = AuthenticatedClient(5, "lc_0123", 3, frozenset({"studies:write"}), 9, NOW)
    caller = Caller.of_client(client)
    assert (caller.organisation_id, caller.actor, caller.user_id, caller.machine_client_id) == (
        3,
        "client:lc_0123",
        None,
        5,
    )
    assert caller.may_write("studies:write") and not caller.may_write("footprints:write")
