"""The kinds of organisation and the roles of their users: the words the platform's access rules are written in."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OrganisationKind", "Role"]


class OrganisationKind(StrEnum):
    """What an organisation is to the platform; it decides which parts of the platform its users see."""

    manufacturer = "manufacturer"
    certification_body = "certification_body"
    buyer = "buyer"
    partner_platform = "partner_platform"
    operator = "operator"


class Role(StrEnum):
    """What a user may do within their own organisation."""

    admin = "admin"  # manages the organisation's users and settings, and does what an editor does
    editor = "editor"  # creates and changes the organisation's data (models, studies, applications, decisions)
    viewer = "viewer"  # reads the organisation's data
