"""Who may do what on every endpoint: one table, ``RULES``, checked against the routes the app serves.

Each row of ``RULES`` is a (method, path template) the app serves and the answer each caller gets: ``OK`` (any 2xx,
or a browser page's redirect onwards), ``LOGIN`` (a browser page's redirect to the login page, its way of saying
401) or the refusal's status (401 not logged in, 403 the role or the token's scopes may not, 404 the resource belongs
to another organisation and is hidden as if it did not exist). The callers are people, by session cookie: someone not
logged in, the viewer, the editor and the admin of the organisation that owns the product and study in the path, and
an editor of another organisation; and machine clients, by bearer token: the owner's client with ``studies:read``,
the owner's client with ``studies:write`` (without the read scope), and another organisation's client with both.

``test_every_served_route_has_a_rule`` fails when the app serves a route with no row (a new endpoint needs its rule)
and when a row names a route the app no longer serves. Routes are read from ``create_app(settings).routes``;
The documentation routes are rows too, listed as public, and so are the static files (one row, a file of
``/static``). HEAD is not a row of its own: Starlette answers it for GET routes as GET without the body.

One app and database per backend (SQLite, PostgreSQL) serve the whole module, with jobs run inline: the organisations,
users, sessions, machine clients and their tokens, and a product with a computed study are created once. A person's
request carries their session cookie (none for the anonymous caller) and, for unsafe methods, the session's CSRF
token; a client's carries its bearer token and no cookie.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import Mount

from support.backends import BACKENDS, postgresql_schema
from support.certify_support import disposable_application, seed_account, seed_cases
from support.engagement_support import disposable_engagement, seed_engagements
from support.engagement_support import move_data as engagement_move
from support.inventory_support import EXAMPLE as INVENTORY_EXAMPLE
from support.inventory_support import example_data

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # FastAPI before 0.165: app.routes lists every route
    iter_route_contexts = None

from lowcarbon.catalog.importer import import_rows
from lowcarbon.factors import default_library
from lowcarbon.footprint import library, load_model
from lowcarbon.footprint import service as footprint_service
from lowcarbon.footprint.form import form_of
from lowcarbon.inventory import service as inventory_service
from lowcarbon.pact import service as pact_service
from lowcarbon.pact import suppliers as pact_suppliers
from lowcarbon.platform import accounts, machine_clients
from lowcarbon.platform.app import create_app
from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.csrf import CSRF_HEADER, SESSION_COOKIE
from lowcarbon.platform.database import create_engine, session_factory
from lowcarbon.platform.migrate import upgrade
from lowcarbon.platform.settings import Settings
from lowcarbon.platform.tables import Organisation, User

PASSWORD = "correct horse battery staple 光伏"
PV_MODEL = Path(__file__).parents[2] / "examples" / "pv-module" / "model.yaml"
TSHIRT_MODEL = Path(__file__).parents[2] / "examples" / "cotton-tshirt" / "model.yaml"  # with its factors.csv
FACTOR_FILE = "id,name,unit,geography,source,kg_CO2\nbar,Steel bar,kg,CN,Supplier EPD,2.0\n"
SHIPPED_KEY = next(iter(default_library())).key  # a factor every organisation sees

OK = "2xx"
LOGIN = "to the login page"  # 303 to /login?next=...: a page's answer to a caller without a session
PEOPLE = ("anonymous", "viewer", "editor", "admin", "other_editor")
CLIENTS = ("read_client", "write_client", "other_client")
# Machine clients, as (organisation, scopes). "machine" gets tokens at /auth/token; no route here takes its scope.
MACHINE_CLIENTS = {
    "machine": ("Acme", "footprints:read"),
    "read_client": ("Acme", "studies:read"),
    "write_client": ("Acme", "studies:write"),
    "other_client": ("Rival", "studies:read studies:write"),
}
CALLERS = PEOPLE + CLIENTS
PUBLIC = dict.fromkeys(CALLERS, OK)
PERSONAL = {
    **{"anonymous": 401, "viewer": OK, "editor": OK, "admin": OK, "other_editor": OK},
    **{"read_client": 401, "write_client": 401, "other_client": 401},
}
READERS = {
    **{"anonymous": 401, "viewer": OK, "editor": OK, "admin": OK, "other_editor": OK},
    **{"read_client": OK, "write_client": 403, "other_client": OK},
}
EDITORS = {
    **{"anonymous": 401, "viewer": 403, "editor": OK, "admin": OK, "other_editor": OK},
    **{"read_client": 403, "write_client": OK, "other_client": OK},
}
OWN_ORGANISATION = {
    **{"anonymous": 401, "viewer": OK, "editor": OK, "admin": OK, "other_editor": 404},
    **{"read_client": OK, "write_client": 403, "other_client": 404},
}
OWN_ORGANISATION_EDITORS = {
    **{"anonymous": 401, "viewer": 403, "editor": OK, "admin": OK, "other_editor": 404},
    **{"read_client": 403, "write_client": OK, "other_client": 404},
}

# The browser UI (lowcarbon.web) takes only the session cookie: a bearer token is no login there.
PAGES = {**dict.fromkeys(("anonymous", *CLIENTS), LOGIN), **dict.fromkeys(PEOPLE[1:], OK)}
OWN_PAGES = {**PAGES, "other_editor": 404}
EDITOR_PAGES = {**PAGES, "viewer": 403}
OWN_EDITOR_PAGES = {**OWN_PAGES, "viewer": 403}
ADMIN_PAGES = {**PAGES, "viewer": 403, "editor": 403, "other_editor": 403}
ADMINS = {**PERSONAL, "viewer": 403, "editor": 403, "other_editor": 403}
PACT_OVER_HTTP = dict.fromkeys(CALLERS, 400)
# Certification: people act by session; machine clients read with certify:read, which none of these clients holds.
NO_CERTIFY_SCOPE = dict.fromkeys(CLIENTS, 403)
CERTIFY_READERS = {**READERS, **NO_CERTIFY_SCOPE}
OWN_CASE = {**OWN_ORGANISATION, **NO_CERTIFY_SCOPE}  # the application or certificate in the path is Acme's
BODY_ONLY = {**OWN_CASE, "viewer": 403, "editor": 403, "admin": 403}  # the body's; Acme is the applicant
PEOPLE_ONLY = {**PERSONAL}
OWN_CASE_EDITORS = {**PERSONAL, "viewer": 403, "other_editor": 404}  # the applicant's editors, by session
BODY_MOVES = {**PERSONAL, "viewer": 403, "editor": 403, "admin": 403, "other_editor": 404}
BODY_PAGES = {**PAGES, "viewer": 403, "editor": 403, "admin": 403, "other_editor": 404}
# Carbon-inclusive: a partner signs its requests (no caller here is a partner: 401 invalid_signature); the operator's
# pages are the operator's (Acme and Rival are manufacturers: 403); a person's account opens by its link alone.
PARTNER_SIGNED = dict.fromkeys(CALLERS, 401)
OPERATOR_PAGES = {**PAGES, "viewer": 403, "editor": 403, "admin": 403, "other_editor": 403}
# GHG inventories: machine clients need inventory:read or inventory:write, which none of these clients holds.
NO_INVENTORY_SCOPE = dict.fromkeys(CLIENTS, 403)
INVENTORY_READERS = {**READERS, **NO_INVENTORY_SCOPE}
INVENTORY_EDITORS = {**EDITORS, **NO_INVENTORY_SCOPE}
OWN_INVENTORY = {**OWN_ORGANISATION, **NO_INVENTORY_SCOPE}  # the inventory in the path is Acme's
OWN_INVENTORY_EDITORS = {**OWN_ORGANISATION_EDITORS, **NO_INVENTORY_SCOPE}

RULES: dict[tuple[str, str], dict[str, str | int]] = {
    # The API's documentation: public.
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    # The kernel.
    ("GET", "/healthz"): PUBLIC,
    ("POST", "/auth/login"): PUBLIC,  # with the caller's own email and password (the anonymous one: the viewer's)
    ("POST", "/auth/logout"): PERSONAL,  # on a session of its own, so the caller's session lives on
    ("GET", "/auth/me"): PERSONAL,  # a person's session: a bearer token is no login
    ("POST", "/auth/password"): PERSONAL,  # each person their own, from PASSWORD to PASSWORD
    ("POST", "/auth/token"): PUBLIC,  # it authenticates the machine client, whoever sends its credentials
    ("GET", "/.well-known/openid-configuration"): PUBLIC,
    # Products and studies (lowcarbon.studies); the product and study in the path are the owning organisation's.
    ("POST", "/api/products"): EDITORS,  # another organisation's editor or client adds one to their own
    ("GET", "/api/products"): READERS,  # each caller sees their own organisation's (test_lists_are_per_organisation)
    ("PATCH", "/api/products/{product_id}"): OWN_ORGANISATION_EDITORS,  # these three: a new product of the owner's
    ("POST", "/api/products/{product_id}/archive"): OWN_ORGANISATION_EDITORS,
    ("POST", "/api/products/{product_id}/restore"): OWN_ORGANISATION_EDITORS,
    ("PUT", "/api/studies/{study_id}/note"): OWN_ORGANISATION_EDITORS,
    ("POST", "/api/products/{product_id}/studies"): OWN_ORGANISATION_EDITORS,
    ("GET", "/api/products/{product_id}/studies"): OWN_ORGANISATION,
    ("GET", "/api/studies/{study_id}"): OWN_ORGANISATION,
    ("GET", "/api/studies/{study_id}/model"): OWN_ORGANISATION,
    ("GET", "/api/studies/{study_id}/files"): OWN_ORGANISATION,
    ("GET", "/api/studies/{study_id}/files/{name:path}"): OWN_ORGANISATION,  # the study's factors.csv
    ("GET", "/api/products/{product_id}/comparison"): OWN_ORGANISATION,
    ("POST", "/api/studies/{study_id}/monte-carlo"): OWN_ORGANISATION_EDITORS,  # a run of 10 iterations
    ("GET", "/api/studies/{study_id}/monte-carlo"): OWN_ORGANISATION,  # the study has a run from the start
    # The study's report (lowcarbon.report.routes): whoever may read the study.
    ("GET", "/api/studies/{study_id}/report.pdf"): OWN_ORGANISATION,
    ("GET", "/api/studies/{study_id}/report.html"): OWN_ORGANISATION,
    # The organisation's factor library (the file in the path is the owner's; each DELETE takes a new one of its).
    ("POST", "/api/factor-files"): EDITORS,  # another organisation's editor or client adds one to their own
    ("GET", "/api/factor-files"): READERS,  # each caller sees their own organisation's
    ("GET", "/api/factor-files/{file_id}"): OWN_ORGANISATION,
    ("GET", "/api/factor-files/{file_id}/content"): OWN_ORGANISATION,
    ("DELETE", "/api/factor-files/{file_id}"): OWN_ORGANISATION_EDITORS,
    ("GET", "/api/factors"): READERS,  # the shipped factors and the caller's own organisation's
    # The guided model editor's API (footprint.routes.editor): a preview stores nothing; saving adds a version.
    ("POST", "/api/model-preview"): READERS,  # the PV module's fields, computed with the caller's own library
    ("POST", "/api/products/{product_id}/model-form"): OWN_ORGANISATION_EDITORS,
    # The caller's organisation and its people (lowcarbon.platform.organisation_routes).
    ("GET", "/api/organisation"): PERSONAL,  # each person sees their own organisation's
    ("POST", "/api/organisation/users"): ADMINS,  # an admin adds a person to their own organisation
    ("PATCH", "/api/organisation/users/{user_id}"): ADMINS,  # these four: a new viewer of the owner's each time
    ("DELETE", "/api/organisation/users/{user_id}"): ADMINS,
    ("POST", "/api/organisation/users/{user_id}/password"): ADMINS,
    ("POST", "/api/organisation/users/{user_id}/unlock"): ADMINS,
    ("GET", "/api/organisation/clients"): ADMINS,
    ("POST", "/api/organisation/clients"): ADMINS,
    ("POST", "/api/organisation/clients/{client_id}/disable"): ADMINS,  # a new client of the owner's each time
    # The browser UI (lowcarbon.web): pages and their forms.
    ("GET", "/static/{path}"): PUBLIC,
    ("GET", "/"): PAGES,  # on to the products page, or to the login page
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,  # as /auth/login: with the caller's own email and password
    ("POST", "/logout"): PAGES,  # on a session of its own
    ("GET", "/lang/{tag}"): PUBLIC,
    ("GET", "/account"): PAGES,  # each person's own account
    ("POST", "/account/time-zone"): PAGES,  # each person sets their own time zone
    ("POST", "/account/password"): PAGES,  # each person their own, from PASSWORD to PASSWORD
    ("GET", "/products"): PAGES,
    ("POST", "/products"): EDITOR_PAGES,  # another organisation's editor adds one to their own
    ("GET", "/products/{product_id}"): OWN_PAGES,
    ("POST", "/products/{product_id}/studies"): OWN_EDITOR_PAGES,
    ("GET", "/products/{product_id}/editor"): OWN_EDITOR_PAGES,  # the guided model editor
    ("POST", "/products/{product_id}/editor"): OWN_EDITOR_PAGES,  # a model file opened in it
    ("GET", "/model-template.xlsx"): EDITOR_PAGES,  # with the factor keys of the caller's own organisation
    ("POST", "/products/{product_id}/rename"): OWN_EDITOR_PAGES,  # these three: a new product of the owner's
    ("POST", "/products/{product_id}/archive"): OWN_EDITOR_PAGES,
    ("POST", "/products/{product_id}/restore"): OWN_EDITOR_PAGES,
    ("POST", "/studies/{study_id}/note"): OWN_EDITOR_PAGES,
    ("GET", "/studies/{study_id}"): OWN_PAGES,
    ("GET", "/studies/{study_id}/status"): OWN_PAGES,
    ("POST", "/studies/{study_id}/monte-carlo"): OWN_EDITOR_PAGES,
    ("GET", "/studies/{study_id}/monte-carlo"): OWN_PAGES,
    ("GET", "/factors"): PAGES,
    ("GET", "/factors/{key:path}"): PAGES,  # a shipped factor, which every organisation sees
    ("GET", "/factor-files"): PAGES,
    ("POST", "/factor-files"): EDITOR_PAGES,  # another organisation's editor adds one to their own
    ("POST", "/factor-files/{file_id}/delete"): OWN_EDITOR_PAGES,
    ("GET", "/organisation"): ADMIN_PAGES,  # the other organisation's editor is no admin of theirs either
    ("POST", "/organisation/users"): ADMIN_PAGES,
    ("POST", "/organisation/users/{user_id}/role"): ADMIN_PAGES,  # these four: a new viewer of the owner's each time
    ("POST", "/organisation/users/{user_id}/remove"): ADMIN_PAGES,
    ("POST", "/organisation/users/{user_id}/password"): ADMIN_PAGES,
    ("POST", "/organisation/users/{user_id}/unlock"): ADMIN_PAGES,
    ("POST", "/organisation/clients"): ADMIN_PAGES,
    ("POST", "/organisation/clients/{client_id}/disable"): ADMIN_PAGES,
    # PACT (lowcarbon.pact): over HTTPS only, so here (plain HTTP) a BadRequest for everyone before any credential is
    # looked at; who may do what over HTTPS is tests/pact/test_host.py's
    ("GET", "/3/footprints"): PACT_OVER_HTTP,
    ("GET", "/3/footprints/{pf_id}"): PACT_OVER_HTTP,
    ("POST", "/3/events"): PACT_OVER_HTTP,
    ("GET", "/2/footprints"): PACT_OVER_HTTP,
    ("GET", "/2/footprints/{pf_id}"): PACT_OVER_HTTP,
    ("POST", "/2/events"): PACT_OVER_HTTP,
    # PACT pages (lowcarbon.pact.pages): the customer, supplier and study in the path are Acme's
    ("GET", "/pact"): PAGES,
    ("POST", "/pact/publish"): OWN_EDITOR_PAGES,  # the other organisation's editor names a study not theirs
    ("POST", "/pact/customers"): ADMIN_PAGES,
    ("POST", "/pact/customers/{customer_id}/revoke"): ADMIN_PAGES,
    ("POST", "/pact/suppliers"): ADMIN_PAGES,
    ("POST", "/pact/suppliers/{supplier_id}/fetch"): OWN_EDITOR_PAGES,  # its host refuses: said on the page (200)
    ("POST", "/pact/suppliers/{supplier_id}/request"): OWN_EDITOR_PAGES,
    # Certification (lowcarbon.certify): the application, finding, document and certificate in the path are Acme's
    # (the applicant and holder; the body, Greenmark, has no caller here). The public registry needs no login.
    ("GET", "/.well-known/jwks.json"): PUBLIC,
    ("GET", "/api/public/certificates"): PUBLIC,
    ("GET", "/api/public/certificates/{number}"): PUBLIC,
    ("GET", "/api/public/certificates/{number}/certificate.pdf"): PUBLIC,
    ("GET", "/api/public/certificates/{number}/label.svg"): PUBLIC,
    ("GET", "/api/public/certificates/{number}/label.png"): PUBLIC,
    ("GET", "/api/certify/schemes"): PUBLIC,
    # The catalog (lowcarbon.catalog) is public: the product is the certificate's model, "NUMBER/T-1"
    ("GET", "/api/catalog/products"): PUBLIC,
    ("GET", "/api/catalog/products/{registry_id:path}"): PUBLIC,
    ("GET", "/api/catalog/categories"): PUBLIC,
    ("GET", "/registry"): PUBLIC,
    ("GET", "/verify/{number}"): PUBLIC,
    ("GET", "/api/certify/applications"): CERTIFY_READERS,  # each caller's own organisation's
    ("GET", "/api/certify/applications/{application_id}"): OWN_CASE,
    ("GET", "/api/certify/applications/{application_id}/documents/{document_id}"): OWN_CASE,
    ("GET", "/api/certify/applications/{application_id}/studies/{frozen_id}/report.html"): OWN_CASE,
    ("GET", "/api/certify/applications/{application_id}/recomputed"): BODY_ONLY,  # the verifier's view
    ("GET", "/api/certify/certificates"): CERTIFY_READERS,
    ("GET", "/api/certify/certificates/{number}"): OWN_CASE,
    ("GET", "/api/certify/keys"): PEOPLE_ONLY,  # a body's own keys; none for a manufacturer
    ("POST", "/api/certify/keys/rotate"): {**ADMINS, "admin": 403},  # a body's admin; Acme is no body
    ("POST", "/api/certify/applications"): OWN_CASE_EDITORS,  # the other editor names Acme's study: not found
    ("POST", "/api/certify/applications/{application_id}/moves"): OWN_CASE_EDITORS,  # withdraws a new one each time
    ("POST", "/api/certify/applications/{application_id}/documents"): OWN_CASE_EDITORS,
    ("POST", "/api/certify/applications/{application_id}/findings"): BODY_MOVES,
    ("POST", "/api/certify/applications/{application_id}/findings/{finding_id}/answer"): OWN_CASE_EDITORS,
    ("POST", "/api/certify/applications/{application_id}/findings/{finding_id}/close"): BODY_MOVES,
    ("POST", "/api/certify/certificates/{number}/moves"): BODY_MOVES,  # suspend: the body's move
    ("GET", "/certify"): PAGES,
    ("GET", "/certify/apply"): EDITOR_PAGES,
    ("POST", "/certify/apply"): OWN_EDITOR_PAGES,
    ("GET", "/certify/applications/{application_id}"): OWN_PAGES,
    ("POST", "/certify/applications/{application_id}/moves"): OWN_EDITOR_PAGES,  # withdraws a new one each time
    ("POST", "/certify/applications/{application_id}/documents"): OWN_EDITOR_PAGES,
    ("POST", "/certify/applications/{application_id}/findings"): BODY_PAGES,
    ("POST", "/certify/applications/{application_id}/findings/{finding_id}/answer"): OWN_EDITOR_PAGES,
    ("POST", "/certify/applications/{application_id}/findings/{finding_id}/close"): BODY_PAGES,
    ("GET", "/certify/certificates/{number}"): OWN_PAGES,
    ("POST", "/certify/certificates/{number}/moves"): BODY_PAGES,
    # Carbon-inclusive (lowcarbon.inclusive)
    ("POST", "/api/inclusive/events"): PARTNER_SIGNED,
    ("POST", "/api/inclusive/account-links"): PARTNER_SIGNED,
    ("GET", "/api/inclusive/methodologies"): PUBLIC,
    ("GET", "/inclusive"): OPERATOR_PAGES,
    ("POST", "/inclusive/events/{event_row}/{decision}"): OPERATOR_PAGES,  # release or refuse
    ("POST", "/inclusive/partners"): OPERATOR_PAGES,
    ("POST", "/inclusive/rewards"): OPERATOR_PAGES,
    # GHG inventories (lowcarbon.inventory); the inventory in the path is Acme's, each new one named anew.
    ("GET", "/api/inventory/template.xlsx"): INVENTORY_READERS,
    ("POST", "/api/inventory"): INVENTORY_EDITORS,  # another organisation's editor adds one to their own
    ("POST", "/api/inventory/upload"): INVENTORY_EDITORS,
    ("GET", "/api/inventory"): INVENTORY_READERS,  # each caller sees their own organisation's
    ("GET", "/api/inventory/{inventory_id:int}"): OWN_INVENTORY,
    ("PUT", "/api/inventory/{inventory_id}/file"): OWN_INVENTORY_EDITORS,  # the example again
    ("GET", "/api/inventory/{inventory_id}/activities"): OWN_INVENTORY,
    ("POST", "/api/inventory/{inventory_id}/activities"): OWN_INVENTORY_EDITORS,
    ("POST", "/api/inventory/{inventory_id}/activities/csv"): OWN_INVENTORY_EDITORS,  # one record more each
    ("DELETE", "/api/inventory/{inventory_id}/activities/{activity_id:int}"): OWN_INVENTORY_EDITORS,  # a new one each
    ("PUT", "/api/inventory/{inventory_id}/months/{site}/{month}"): OWN_INVENTORY_EDITORS,  # an empty month
    ("POST", "/api/inventory/{inventory_id}/compute"): OWN_INVENTORY_EDITORS,
    ("GET", "/api/inventory/{inventory_id}/result"): OWN_INVENTORY,
    ("GET", "/api/inventory/{inventory_id}/report.html"): OWN_INVENTORY,
    ("GET", "/api/inventory/{inventory_id}/report.pdf"): OWN_INVENTORY,
    ("GET", "/inventory"): PAGES,
    ("POST", "/inventory"): EDITOR_PAGES,  # another organisation's editor adds one to their own
    ("POST", "/inventory/upload"): EDITOR_PAGES,
    ("GET", "/inventory/{inventory_id}"): OWN_PAGES,
    ("POST", "/inventory/{inventory_id}/month"): OWN_EDITOR_PAGES,
    ("POST", "/inventory/{inventory_id}/upload"): OWN_EDITOR_PAGES,
    ("POST", "/inventory/{inventory_id}/csv"): OWN_EDITOR_PAGES,  # one record more each
    # The verification of an inventory and the evaluation of a carbon management system (lowcarbon.inventory): the
    # engagements in the path are Acme's with the body Greenmark (no caller here); moves are made by session.
    ("POST", "/api/inventory/verifications"): OWN_CASE_EDITORS,  # of a new inventory; the other's: not theirs
    ("GET", "/api/inventory/verifications"): INVENTORY_READERS,
    ("GET", "/api/inventory/verifications/{engagement_id}"): OWN_INVENTORY,
    ("POST", "/api/inventory/verifications/{engagement_id}/moves"): OWN_CASE_EDITORS,  # withdraws a new one each
    ("POST", "/api/inventory/verifications/{engagement_id}/samples"): BODY_MOVES,
    ("GET", "/api/inventory/verifications/{engagement_id}/samples/{sample_id}/document"): OWN_INVENTORY,
    ("POST", "/api/inventory/verifications/{engagement_id}/findings"): BODY_MOVES,
    ("POST", "/api/inventory/verifications/{engagement_id}/findings/{finding_id}/correct"): BODY_MOVES,
    ("POST", "/api/inventory/evaluations"): {**PERSONAL, "viewer": 403},  # the other editor starts their own
    ("GET", "/api/inventory/evaluations"): INVENTORY_READERS,
    ("GET", "/api/inventory/evaluations/{engagement_id}"): OWN_INVENTORY,
    ("POST", "/api/inventory/evaluations/{engagement_id}/moves"): OWN_CASE_EDITORS,  # withdraws a new one each
    ("PUT", "/api/inventory/evaluations/{engagement_id}/actions"): OWN_CASE_EDITORS,  # the gap's action, again
    ("GET", "/api/inventory/statements/{statement}"): PUBLIC,
    ("GET", "/api/inventory/statements/{statement}/statement.html"): PUBLIC,
    ("GET", "/api/inventory/statements/{statement}/statement.pdf"): PUBLIC,
    ("GET", "/inventory/statements/{statement}"): PUBLIC,  # what a statement's verify_url opens
    ("GET", "/inventory/verifications"): PAGES,
    ("POST", "/inventory/verifications"): OWN_EDITOR_PAGES,  # of a new inventory; the other's: not theirs
    ("GET", "/inventory/verifications/{verification_id}"): OWN_PAGES,
    ("POST", "/inventory/verifications/{verification_id}/moves"): OWN_EDITOR_PAGES,  # withdraws a new one each
    ("POST", "/inventory/verifications/{verification_id}/samples"): BODY_PAGES,
    ("POST", "/inventory/verifications/{verification_id}/findings"): BODY_PAGES,
    ("POST", "/inventory/verifications/{verification_id}/findings/{finding_id}/correct"): BODY_PAGES,
    ("GET", "/inventory/evaluations"): PAGES,
    ("POST", "/inventory/evaluations"): EDITOR_PAGES,  # the other editor starts their own
    ("GET", "/inventory/evaluations/{evaluation_id}"): OWN_PAGES,
    ("POST", "/inventory/evaluations/{evaluation_id}/moves"): OWN_EDITOR_PAGES,  # withdraws a new one each
    ("POST", "/inventory/evaluations/{evaluation_id}/actions"): OWN_EDITOR_PAGES,  # the gap's action, again
    ("GET", "/carbon-account/{token}"): PUBLIC,
    ("POST", "/carbon-account/{token}/redeem"): PUBLIC,  # a reward of 1 point from a balance of 1,000
    ("POST", "/carbon-account/{token}/link"): dict.fromkeys(CALLERS, 404),  # a link that opens no account
    # The catalog's compare, export and pages, public too; compare names two imported products
    ("GET", "/api/catalog/compare"): PUBLIC,
    ("GET", "/api/catalog/export.csv"): PUBLIC,
    ("GET", "/api/catalog/export.xlsx"): PUBLIC,
    ("GET", "/catalog"): PUBLIC,
    ("GET", "/catalog/products/{registry_id:path}"): PUBLIC,
    ("GET", "/catalog/compare"): PUBLIC,
}

# Unsafe routes that take a session cookie without its CSRF token, because they do not act on the session.
CSRF_EXEMPT = {("POST", "/auth/login"), ("POST", "/auth/token"), ("POST", "/login"), ("POST", "/3/events")}
CSRF_EXEMPT |= {("POST", "/2/events")}  # PACT events take a bearer token only


@dataclass
class World:
    """One backend's app, its seeded data and each caller's session."""

    settings: Settings
    client: TestClient
    emails: dict[str, str]
    sessions: dict[str, tuple[str, str]]  # caller -> (session token, CSRF token)
    tokens: dict[str, str]  # client caller -> bearer token
    product_id: int
    study_id: int
    file_id: int  # a file of the owner's factor library
    product_name: str
    machine_id: str
    machine_secret: str
    names: Iterator[int] = field(default_factory=itertools.count)
    certify: dict[str, Any] = field(default_factory=dict)  # the certification cases (support.certify_support)
    inventory_id: int = 0  # the owner's GHG inventory (the worked example)
    engagements: dict[str, Any] = field(default_factory=dict)  # its verifications and evaluation (engagement_support)

    def disposable_engagement(self, kind: str) -> int:
        """A new verification (of a new inventory) or evaluation of the owner's, for one request to withdraw it."""
        with self.owner_session() as (session, owner):
            editor = session.scalar(sa.select(User.id).where(User.email == self.emails["editor"]))
        assert editor is not None
        return disposable_engagement(self.settings, kind, owner, editor, self.certify["body_id"])

    def disposable_application(self) -> int:
        """A new submitted application of the owner's, for one request that withdraws it: its id."""
        with self.owner_session() as (session, owner):
            editor = session.scalar(sa.select(User.id).where(User.email == self.emails["editor"]))
        assert editor is not None
        return disposable_application(self.settings, owner, editor, self.study_id, self.certify["body_id"])

    @contextmanager
    def owner_session(self) -> Iterator[tuple[Session, int]]:
        """A write transaction on the world's database, committed at the end, and the owner's (Acme's) id."""
        engine = create_engine(self.settings)
        try:
            with session_factory(engine, write=True).begin() as session:
                owner = session.scalar(sa.select(Organisation.id).where(Organisation.name == "Acme"))
                assert owner is not None
                yield session, owner
        finally:
            engine.dispose()

    def disposable_activity(self) -> int:
        """A new activity record of the owner's inventory, for one request to delete: its id."""
        with self.owner_session() as (session, owner):
            record = {"site": "plant-a", "month": "2023-04", "kind": "electricity", "amount": 1, "unit": "kWh"}
            added = inventory_service.add_activity(
                session,
                AuditTrail(session, "test"),
                _now,
                organisation_id=owner,
                inventory_id=self.inventory_id,
                record=record,
            )
            return added.id

    def disposable_client(self) -> str:
        """A new machine client of the owner, Acme, for one request to disable: its client_id."""
        with self.owner_session() as (session, owner):
            made = machine_clients.create_client(
                session, organisation_id=owner, scopes="studies:read", actor="test", now=_now()
            )
            return made.client_id

    def disposable_user(self) -> int:
        """A new viewer of the owner, Acme, for one request that changes or removes them: their id."""
        with self.owner_session() as (session, owner):
            email = f"disposable{next(self.names)}@acme.example"
            made = accounts.create_user(
                session, email=email, organisation_id=owner, role="viewer", password=None, actor="test"
            )
            return made.id

    def disposable_product(self) -> int:
        """A new product of the owner, Acme, for one request that renames, archives or restores it: its id."""
        with self.owner_session() as (session, owner):
            name = f"Disposable {next(self.names)}"
            audit = AuditTrail(session, "test")
            return footprint_service.create_product(session, audit, _now, organisation_id=owner, name=name).id

    def disposable_file(self) -> int:
        """A new file of the owner's factor library, for one request to delete: its id."""
        with self.owner_session() as (session, owner):
            editor = session.scalar(sa.select(User.id).where(User.email == self.emails["editor"]))
            assert editor is not None
            added = library.add_file(
                session,
                AuditTrail(session, "test"),
                _now,
                organisation_id=owner,
                name=f"disposable-{next(self.names)}.csv",
                data=FACTOR_FILE.encode(),
                user_id=editor,
            )
            return added.id


def served_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path template) ``app`` answers, HEAD left out where GET is served.

    FastAPI 0.165 keeps an included router as one entry of ``app.routes``; ``iter_route_contexts`` opens it into its
    routes with their full paths (older versions list the routes themselves).
    """
    served = set()
    for route in iter_route_contexts(app.routes) if iter_route_contexts else app.routes:
        if isinstance(getattr(route, "route", route), Mount):  # the static files: any path under the mount
            served.add(("GET", f"{route.path}/{{path}}"))
            continue
        assert isinstance(route.path, str) and route.methods, f"a route of a kind this test does not know: {route!r}"
        methods = set(route.methods)
        if "GET" in methods:
            methods.discard("HEAD")
        served |= {(method, route.path) for method in methods}
    return served


def _seed(settings: Settings) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Acme (the owner) with an admin, an editor and a viewer, Rival with an editor, and the MACHINE_CLIENTS of
    each: the users' emails, and each client's id and secret."""
    engine = create_engine(settings)
    emails, clients = {}, {}
    try:
        with session_factory(engine, write=True).begin() as session:
            for name, roles in (("Acme", ("admin", "editor", "viewer")), ("Rival", ("editor",))):
                organisation = accounts.create_organisation(session, name=name, kind="manufacturer", actor="test")
                for role in roles:
                    caller = role if name == "Acme" else f"other_{role}"
                    emails[caller] = f"{role}@{name.lower()}.example"
                    accounts.create_user(
                        session,
                        email=emails[caller],
                        organisation_id=organisation.id,
                        role=role,
                        password=PASSWORD,
                        actor="test",
                    )
                for caller, (owner, scopes) in MACHINE_CLIENTS.items():
                    if owner != name:
                        continue
                    made = machine_clients.create_client(
                        session, organisation_id=organisation.id, scopes=scopes, actor="test", now=_now()
                    )
                    clients[caller] = (made.client_id, made.secret)
    finally:
        engine.dispose()
    return emails, clients


def _now() -> datetime:
    return datetime.now(UTC)


def log_in(client: TestClient, email: str) -> tuple[str, str]:
    """A new session of ``email``: its token and CSRF token; the client's cookie jar is left empty."""
    client.cookies.clear()
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token = response.cookies[SESSION_COOKIE]
    client.cookies.clear()
    return token, response.json()["csrf_token"]


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A migrated database on the backend, seeded, and the app on it with every caller logged in."""
    data_dir = tmp_path_factory.mktemp(f"access-{request.param}")
    with pytest.MonkeyPatch.context() as environment:
        for name in list(os.environ):
            if name.startswith("LOWCARBON_") and name != "LOWCARBON_TEST_POSTGRESQL_URL":
                environment.delenv(name)
        environment.setenv("XDG_DATA_HOME", str(data_dir / "xdg"))
        if request.param == "sqlite":
            yield from _world(Settings(data_dir=data_dir, job_runner="inline"))
        else:
            with postgresql_schema() as url:
                yield from _world(Settings(data_dir=data_dir, database_url=url, job_runner="inline"))


def issue_token(client: TestClient, client_id: str, secret: str) -> str:
    """A bearer token for the machine client, with all of its scopes."""
    response = client.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


CATALOG_PRODUCTS = ("ACCESS-1", "ACCESS-2")  # imported into the catalog: compare names them


def _seed_catalog(settings: Settings) -> None:
    header = ["registry_id", "brand", "model", "name_en", "category_code", "label", "certificate_number"]
    rows = [[r, "Acme", r, "Server", "A02010103", "environmental-label", f"CEL-{r}"] for r in CATALOG_PRODUCTS]
    engine = create_engine(settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            import_rows(session, [[*header, "certificate_status"], *[[*row, "valid"] for row in rows]], "t", now=_now())
    finally:
        engine.dispose()


def _world(settings: Settings) -> Iterator[World]:
    upgrade(settings)
    emails, clients = _seed(settings)
    with TestClient(create_app(settings)) as client:
        sessions = {caller: log_in(client, email) for caller, email in emails.items()}
        tokens = {caller: issue_token(client, *clients[caller]) for caller in CLIENTS}
        token, csrf = sessions["editor"]
        headers = {"Cookie": f"{SESSION_COOKIE}={token}", CSRF_HEADER: csrf}
        product = client.post("/api/products", json={"name": "Cotton T-shirt"}, headers=headers)
        assert product.status_code == 201, product.text
        product_id = product.json()["id"]
        model = TSHIRT_MODEL.read_text(encoding="utf-8")
        files = [{"name": "factors.csv", "content": TSHIRT_MODEL.with_name("factors.csv").read_text(encoding="utf-8")}]
        body = {"model": model, "files": files}
        study = client.post(f"/api/products/{product_id}/studies", json=body, headers=headers)
        assert study.status_code == 202, study.text
        assert client.get(f"/api/studies/{study.json()['id']}", headers=headers).json()["status"] == "done"
        run = client.post(f"/api/studies/{study.json()['id']}/monte-carlo", json={"iterations": 10}, headers=headers)
        assert run.status_code == 202, run.text
        file = client.post("/api/factor-files", json={"name": "acme.csv", "content": FACTOR_FILE}, headers=headers)
        assert file.status_code == 201, file.text
        world = World(
            settings,
            client,
            emails,
            sessions,
            tokens,
            product_id,
            study.json()["id"],
            file.json()["id"],
            "Cotton T-shirt",
            *clients["machine"],
        )
        with world.owner_session() as (session, owner):
            editor = session.scalar(sa.select(User.id).where(User.email == emails["editor"]))
        assert editor is not None
        world.certify = seed_cases(settings, owner, editor, world.study_id) | seed_account(settings)
        with world.owner_session() as (session, owner):
            world.inventory_id = inventory_service.create_inventory(
                session,
                AuditTrail(session, "test"),
                _now,
                organisation_id=owner,
                created_by=editor,
                name="Acme 2023",
                inventory=inventory_service.parse(example_data()),
            ).id
        world.engagements = seed_engagements(settings, owner, editor, world.certify["body_id"])
        _seed_catalog(settings)
        yield world


@dataclass(frozen=True)
class Call:
    """A request to send: a URL with real ids and the body the route takes."""

    url: str
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes]] | None = None


def _call(world: World, method: str, path: str, caller: str) -> Call:
    engagement_paths = ("/inventory/verifications", "/inventory/evaluations", "/inventory/statements")
    if path.startswith((*engagement_paths, *(f"/api{p}" for p in engagement_paths))):
        return _engagement_call(world, method, path, caller)
    path = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)  # a converter ({name:path}, {inventory_id:int}) is no format spec
    url = path.format(
        name="factors.csv",
        key=SHIPPED_KEY,
        file_id=world.disposable_file() if "{file_id}" in path and method != "GET" else world.file_id,
        product_id=world.disposable_product() if _changes_product(method, path) else world.product_id,
        study_id=world.study_id,
        user_id=world.disposable_user() if "{user_id}" in path else 0,
        tag="en",
        path="app.css",
        client_id="{client_id}",
        pf_id="00000000-0000-0000-0000-000000000001",
        number=world.certify.get("number", ""),
        registry_id=f"{world.certify.get('number', '')}/T-1",
        application_id=_application(world, method, path),
        document_id=world.certify.get("document_id", 0),
        finding_id=world.certify.get("finding_id", 0),
        frozen_id=world.certify.get("frozen_id", 0),
        event_row=0,
        decision="release",
        token=world.certify.get("token", ""),
        customer_id="{customer_id}",
        supplier_id="{supplier_id}",
        inventory_id=world.inventory_id,
        activity_id=world.disposable_activity() if "{activity_id}" in path else 0,
        site="plant-a",
        month="2023-05",
    )
    if path.endswith("/compare"):
        return Call(url + "?" + "&".join(f"id={registry_id}" for registry_id in CATALOG_PRODUCTS))
    if (method, path) in (("POST", "/auth/login"), ("POST", "/login")):
        email = world.emails[caller if caller in world.emails else "viewer"]  # a client logs in as the viewer
        body = {"email": email, "password": PASSWORD}
        return Call(url, json=body) if path.startswith("/auth") else Call(url, data=body)
    if (method, path) == ("POST", "/auth/token"):
        secret = {"client_id": world.machine_id, "client_secret": world.machine_secret}
        return Call(url, data={"grant_type": "client_credentials", **secret})
    if (method, path) in (("POST", "/api/products"), ("PATCH", "/api/products/{product_id}")):
        return Call(url, json={"name": f"Product {next(world.names)}"})
    if (method, path) == ("PUT", "/api/studies/{study_id}/note"):
        return Call(url, json={"note": f"Checked by {caller}"})
    if (method, path) == ("POST", "/auth/password"):
        return Call(url, json={"current_password": PASSWORD, "new_password": PASSWORD})
    if (method, path) == ("PATCH", "/api/organisation/users/{user_id}"):
        return Call(url, json={"role": "editor"})
    if (method, path) == ("POST", "/api/organisation/users/{user_id}/password"):
        return Call(url, json={"password": PASSWORD})
    if (method, path) == ("POST", "/account/password"):
        return Call(url, data={"current_password": PASSWORD, "new_password": PASSWORD})
    if (method, path) == ("POST", "/products/{product_id}/rename"):
        return Call(url, data={"name": f"Product {next(world.names)}"})
    if (method, path) == ("POST", "/studies/{study_id}/note"):
        return Call(url, data={"note": f"Checked by {caller}"})
    if path.startswith("/organisation/users/{user_id}/"):
        fields = {"role": {"role": "editor"}, "password": {"password": PASSWORD}}
        return Call(url, data=fields.get(path.rsplit("/", 1)[1], {}))
    if path in ("/products/{product_id}/archive", "/products/{product_id}/restore"):
        return Call(url, data={})
    if (method, path) == ("POST", "/api/products/{product_id}/studies"):
        return Call(url, json={"model": PV_MODEL.read_text(encoding="utf-8"), "format": "yaml"})
    if (method, path) == ("POST", "/api/organisation/users"):
        person = {"email": f"person{next(world.names)}@acme.example", "role": "viewer", "password": PASSWORD}
        return Call(url, json=person)
    if (method, path) == ("POST", "/organisation/users"):
        person = {"email": f"person{next(world.names)}@acme.example", "role": "viewer", "password": PASSWORD}
        return Call(url, data=person)
    if (method, path) == ("POST", "/products"):
        return Call(url, data={"name": f"Product {next(world.names)}"})
    if (method, path) == ("POST", "/account/time-zone"):
        return Call(url, data={"time_zone": "Asia/Shanghai"})
    if path.startswith("/pact/"):
        return _pact_call(world, path, url)
    if (method, path) == ("POST", "/api/factor-files"):
        return Call(url, json={"name": f"factors-{next(world.names)}.csv", "content": FACTOR_FILE})
    if (method, path) == ("POST", "/factor-files"):
        name = f"factors-{next(world.names)}.csv"
        return Call(url, data={"factor_set": ""}, files={"file": (name, FACTOR_FILE.encode())})
    if path == "/factor-files/{file_id}/delete":
        return Call(url, data={})
    if path in ("/api/organisation/clients", "/organisation/clients") and method == "POST":
        name = f"Program {next(world.names)}"
        if path.startswith("/api"):
            return Call(url, json={"name": name, "scopes": "studies:read"})
        return Call(url, data={"name": name, "scope.studies:read": "on"})
    if path.endswith("/disable"):
        return Call(
            url.replace("{client_id}", world.disposable_client()), data={} if not path.startswith("/api") else None
        )
    if path in ("/api/model-preview", "/api/products/{product_id}/model-form"):
        return Call(url, json={"fields": form_of(load_model(PV_MODEL)), "files_from": None})
    if (method, path) == ("POST", "/products/{product_id}/editor"):
        return Call(url, data={"model": ""}, files={"file": ("model.yaml", PV_MODEL.read_bytes())})
    if (method, path) == ("POST", "/products/{product_id}/studies"):
        return Call(url, data={"model": ""}, files={"file": ("model.yaml", PV_MODEL.read_bytes())})
    if path.endswith("/monte-carlo") and method == "POST":
        return Call(url, json={"iterations": 10}) if path.startswith("/api") else Call(url, data={"iterations": "10"})
    if path == "/carbon-account/{token}/link":
        return Call(url, data={"link": "/carbon-account/1-00"})
    if path == "/carbon-account/{token}/redeem":
        return Call(url, data={"reward_id": str(world.certify["reward_id"])})
    if "/inventory" in path and method in ("POST", "PUT"):
        return _inventory_call(world, path, url)
    if path.startswith(("/inclusive/", "/api/inclusive/")) and method == "POST":
        return Call(url, data={}) if not path.startswith("/api/") else Call(url, json={"events": []})
    if "/certify" in path and method == "POST":
        return _certify_call(world, path, url)
    if path in ("/3/events", "/2/events"):
        return Call(url, json={"specversion": "1.0", "id": "1", "source": "//buyer.example/3/events"})
    assert method in ("GET", "DELETE") or path.endswith(("/logout", "/archive", "/restore", "/unlock")), (
        f"{method} {path}: say what request to send"
    )
    return Call(url)


ACTIVITY_CSV = b"site,month,kind,amount,unit\nplant-a,2023-04,electricity,1,kWh\n"


def _inventory_call(world: World, path: str, url: str) -> Call:
    """An inventory request with its body: JSON for the API, a form for the pages; new inventories named anew."""
    name = f"Inventory {next(world.names)}"
    upload = {"file": ("inventory.yaml", INVENTORY_EXAMPLE.read_bytes())}
    if path in ("/api/inventory/upload", "/inventory/upload", "/api/inventory/{inventory_id}/file"):
        return Call(url, data={"name": name}, files=upload)
    if path == "/inventory/{inventory_id}/upload":
        return Call(url, data={}, files=upload)
    if path.endswith("/csv"):
        return Call(url, data={}, files={"file": ("activities.csv", ACTIVITY_CSV)})
    if path == "/api/inventory":
        return Call(url, json={"name": name, "inventory": json.loads(json.dumps(example_data(), default=str))})
    if path == "/inventory":
        fields = {"organisation": "Acme", "reporting_year": "2023", "approach": "operational_control"}
        return Call(url, data={"name": name, "sites": "s1", **fields})
    if path.endswith("/activities"):
        record = {"site": "plant-a", "month": "2023-06", "kind": "electricity", "amount": 1, "unit": "kWh"}
        return Call(url, json=record)
    if path.endswith("/month"):
        return Call(url, data={"site": "plant-a", "month": "2023-05"})
    if path.endswith("/compute"):
        return Call(url)
    return Call(url, json={"records": []})  # a month of a site


def _engagement_call(world: World, method: str, path: str, caller: str) -> Call:
    """A request on a verification or evaluation, or a statement (JSON for the API, a form for the pages): the ids of
    ``world.engagements``, a new engagement for a move (which withdraws it) or to ask for (a new inventory's
    verification)."""
    made, api = world.engagements, path.startswith("/api/")
    kind = "verification" if "/verifications" in path else "evaluation"
    moving = path.endswith("/moves")
    engagement = world.disposable_engagement(kind) if moving else made[f"{kind}_id"]
    url = path.format(
        engagement_id=engagement,
        verification_id=engagement,
        evaluation_id=engagement,
        sample_id=made.get("sample_id", 0),
        finding_id=made.get("verification_finding_id", 0),
        statement=made.get("statement", ""),
    )
    if method == "GET":
        return Call(url)
    body: dict[str, Any]
    if moving:
        body = engagement_move(kind, "withdraw")
    elif path.endswith("/verifications"):
        with world.owner_session() as (session, owner):
            inventory = inventory_service.create_inventory(
                session,
                AuditTrail(session, "test"),
                _now,
                organisation_id=owner,
                created_by=None,
                name=f"To verify {next(world.names)}",
                inventory=inventory_service.parse(json.loads(json.dumps(example_data(), default=str))),
            ).id
        body = {"inventory_id": inventory, "body_id": world.certify["body_id"]}
    elif path.endswith("/evaluations"):
        body = {"body_id": world.certify["body_id"], "requirement_set": "lowcarbon-illustrative-1"}
    elif path.endswith("/samples"):
        body = {"activity_id": 1, "evidence": "bills"}
    elif path.endswith("/findings"):
        body = {"kind": "nonconformity", "text": "no meter calibration records"}
    elif path.endswith("/correct"):
        body = {"correction": "recounted"}
    else:
        assert path.endswith("/actions"), f"{method} {path}: say what request to send"
        action = "Plan an internal audit by March"
        body = {"actions": {"audit.1": action}} if api else {"action.audit.1": action}
    return Call(url, json=body) if api else Call(url, data={k: str(v) for k, v in body.items()})


def _application(world: World, method: str, path: str) -> int:
    """The application in the path: a new one for a move (which withdraws it), else the case in document review."""
    if "{application_id}" not in path:
        return 0
    if method == "POST" and path.endswith("/moves"):
        return world.disposable_application()
    return int(world.certify["application_id"])


def _certify_call(world: World, path: str, url: str) -> Call:
    """A certification request with its body: JSON for the API, a form for the pages."""
    api = path.startswith("/api/")
    if path.endswith("/certify/applications") or path == "/certify/apply":
        if not api:
            fields = {"category": "carbon-footprint-label/textiles", "body_id": str(world.certify["body_id"])}
            fields |= {"study_id": str(world.study_id), "models": "T-9", "producer": "Acme", "scope": "T-shirts"}
            return Call(url, data=fields)
        body = {"body_id": world.certify["body_id"], "scheme": "carbon-footprint-label", "category": "textiles"}
        body |= {"studies": [{"study_id": world.study_id, "models": ["T-9"]}], "producer": "Acme", "scope": "T"}
        return Call(url, json=body)
    if path.endswith("/documents"):
        if api:
            return Call(url, json={"name": "note.txt", "content_base64": "aGVsbG8="})
        return Call(url, data={}, files={"file": ("note.txt", b"hello")})
    if path.endswith("/findings"):
        return (
            Call(url, json={"severity": "minor", "text": "x"})
            if api
            else Call(url, data={"severity": "minor", "text": "x"})
        )
    if path.endswith("/answer"):
        fields = {"corrective_action": "fixed"}
        return Call(url, json=fields) if api else Call(url, data=fields)
    if path.endswith("/close") or path.endswith("/rotate"):
        return Call(url, data={}) if not api else Call(url)
    move = {"move": "suspend" if "/certificates/" in path else "withdraw", "note": "reason"}
    return Call(url, json=move) if api else Call(url, data=move)


def _changes_product(method: str, path: str) -> bool:
    """Whether the route renames, archives or restores the product in its path (so it is given a new one)."""
    renames = method == "PATCH" or path.endswith(("/rename", "/archive", "/restore"))
    return path.startswith(("/api/products/{product_id}", "/products/{product_id}")) and renames


def _pact_call(world: World, path: str, url: str) -> Call:
    """A PACT page's form, for Acme's study, a new customer or a new supplier of Acme's (whose host refuses)."""
    number = next(world.names)
    if path == "/pact/publish":
        fields = {"study_id": str(world.study_id), "product_ids": f"urn:pact:acme.example:product:{number}"}
        fields |= {"company_ids": "urn:pact:acme.example:company:acme", "reference_start": "2023-01-01"}
        fields |= {"reference_end": "2024-01-01", "pact_unit": "piece", "product_mass_kg": "57.917"}
        return Call(url, data=fields | {"fossil_carbon_content": "3.883"})
    if path == "/pact/customers":
        return Call(url, data={"name": f"Customer {number}"})
    if path == "/pact/suppliers":
        return Call(
            url,
            data={"name": f"Supplier {number}", "url": "https://127.0.0.1:9", "client_id": "c", "client_secret": "s"},
        )
    engine = create_engine(world.settings)
    try:
        with session_factory(engine, write=True).begin() as session:
            owner = session.scalar(sa.select(Organisation.id).where(Organisation.name == "Acme"))
            assert owner is not None
            audit = AuditTrail(session, "test")
            if "{customer_id}" in path:
                made = machine_clients.create_client(
                    session, organisation_id=owner, scopes="pact:read", actor="test", now=_now()
                )
                found = pact_service.add_customer(
                    session, audit, organisation_id=owner, name=f"C{number}", machine_client_id=made.id, now=_now()
                )
                return Call(url.replace("{customer_id}", str(found.id)), data={})
            supplier = pact_suppliers.add_supplier(
                session,
                audit,
                organisation_id=owner,
                name=f"S{number}",
                base_url="https://127.0.0.1:9",
                client_id="c",
                client_secret="s",
                now=_now(),
            )
            return Call(url.replace("{supplier_id}", str(supplier.id)), data={"product_id": "urn:gtin:1"})
    finally:
        engine.dispose()


def send(world: World, method: str, path: str, caller: str, *, csrf: bool = True, query: str = "") -> Any:
    """``caller``'s request to the route (with ``query`` after the URL): a person's with their session cookie and
    (when ``csrf``) the CSRF token, a client's with its bearer token."""
    headers = {}
    if caller in CLIENTS:
        if (method, path) != ("POST", "/auth/token"):  # that one takes the client's id and secret instead
            headers["Authorization"] = f"Bearer {world.tokens[caller]}"
    elif caller != "anonymous":
        fresh = path.endswith("/logout")  # logging out must not end the shared session
        token, csrf_token = log_in(world.client, world.emails[caller]) if fresh else world.sessions[caller]
        headers["Cookie"] = f"{SESSION_COOKIE}={token}"
        if csrf:
            headers[CSRF_HEADER] = csrf_token
    call = _call(world, method, path, caller)
    world.client.cookies.clear()
    if call.data is not None and headers.get(CSRF_HEADER) and call.files is None:
        call.data["csrf_token"] = headers.pop(CSRF_HEADER)  # a page's form carries it as a field
    try:
        return world.client.request(
            method,
            call.url + query,
            json=call.json,
            data=call.data,
            files=call.files,
            headers=headers,
            follow_redirects=False,
        )
    finally:
        world.client.cookies.clear()  # a login's Set-Cookie must not follow into the next request


def error_code(response: Any) -> str:
    """The stable error code of a refusal: the JSON error's, or a page's (``data-error-code`` of its error page)."""
    if response.headers.get("content-type", "").startswith("text/html"):
        found = re.search(r'data-error-code="([^"]+)"', response.text)
        assert found, response.text[:300]
        return found.group(1)
    return str(response.json()["error"]["code"])


def status_class(response: Any) -> str | int:
    """OK for success, LOGIN for a page's redirect to the login page, else the status."""
    if response.status_code in (302, 303):
        return LOGIN if response.headers["location"].startswith("/login?next=") else OK
    return OK if 200 <= response.status_code < 300 else int(response.status_code)


def test_every_served_route_has_a_rule(tmp_path: Path) -> None:
    """Every route the app serves has a row in RULES, and every row names a route the app serves."""
    served = served_routes(create_app(Settings(data_dir=tmp_path)))
    missing = sorted(served - RULES.keys())
    stale = sorted(RULES.keys() - served)
    assert not missing, f"routes without an access rule; add them to RULES: {missing}"
    assert not stale, f"RULES names routes the app no longer serves; remove them: {stale}"
    assert all(set(rule) == set(CALLERS) for rule in RULES.values())


@pytest.mark.parametrize(
    ("method", "path", "caller"),
    [(method, path, caller) for (method, path) in RULES for caller in CALLERS],
    ids=[f"{method} {path} as {caller}" for (method, path) in RULES for caller in CALLERS],
)
def test_access_rule(world: World, method: str, path: str, caller: str) -> None:
    """The caller gets the answer RULES gives for the route."""
    response = send(world, method, path, caller)
    expected = RULES[(method, path)][caller]
    assert status_class(response) == expected, f"{method} {path} as {caller}: {response.text[:300]}"
    if path.startswith(("/2/", "/3/")):  # PACT answers the specification's Error object, {"code", "message"}
        assert response.json()["code"] == "BadRequest", response.text[:300]
    elif expected not in (OK, LOGIN):
        forbidden = "insufficient_scope" if caller in CLIENTS else "forbidden"
        refusal = {401: "not_authenticated", 403: forbidden, 404: "not_found"}[int(expected)]
        code = error_code(response)
        if code == "not_your_move":  # certification's refusal of the other party's move: a 403 forbidden too
            code = "forbidden"
        if code == "invalid_signature":  # a partner's request without its signature: a 401 too
            code = "not_authenticated"
        assert code == refusal, response.text[:300]


UNSAFE = sorted(rule for rule in RULES if rule[0] not in ("GET", "HEAD", "OPTIONS") and rule not in CSRF_EXEMPT)


@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=[f"{method} {path}" for method, path in UNSAFE])
def test_session_writes_need_the_csrf_token(world: World, method: str, path: str) -> None:
    """An unsafe request with the session cookie but without the CSRF token is refused, whoever sends it."""
    response = send(world, method, path, "admin", csrf=False)
    assert response.status_code == 403 and error_code(response) == "csrf_failed", response.text[:300]


def test_lists_are_per_organisation(world: World) -> None:
    """The product list answers 200 to another organisation's editor and client, but without the owner's products."""
    for caller in ("viewer", "read_client"):
        own = send(world, "GET", "/api/products", caller, query="?limit=100").json()["items"]
        assert world.product_id in [item["id"] for item in own]
    for caller in ("other_editor", "other_client"):
        other = send(world, "GET", "/api/products", caller, query="?limit=100").json()["items"]
        assert world.product_id not in [item["id"] for item in other]
        assert world.product_name not in [item["name"] for item in other]


def test_the_bearer_token_decides_over_the_cookie(world: World) -> None:
    """With both a session cookie and a bearer token, the token is the caller: a viewer's cookie does not stop the
    write client, needs no CSRF token, and an admin's cookie lends the read client no write access."""
    viewer_cookie = f"{SESSION_COOKIE}={world.sessions['viewer'][0]}"
    written = world.client.post(
        "/api/products",
        json={"name": f"Product {next(world.names)}"},
        headers={"Cookie": viewer_cookie, "Authorization": f"Bearer {world.tokens['write_client']}"},
    )
    token, csrf = world.sessions["admin"]
    refused = world.client.post(
        "/api/products",
        json={"name": f"Product {next(world.names)}"},
        headers={
            "Cookie": f"{SESSION_COOKIE}={token}",
            CSRF_HEADER: csrf,
            "Authorization": f"Bearer {world.tokens['read_client']}",
        },
    )
    assert written.status_code == 201, written.text
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope", refused.text
