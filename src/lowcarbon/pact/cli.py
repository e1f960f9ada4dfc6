"""``lowcarbon pact``: give a customer access to an organisation's PACT footprints, and make a TLS pair for testing.

``grant`` makes the customer a machine client of the publishing organisation with the scopes ``pact:read`` and
``pact:events`` and a ``pact_customers`` row that lets it see all of the organisation's published footprints, and
prints the client's credentials once (the secret is kept hashed). The organisation is given by its id or its exact
name. ``certificate`` writes a self-signed certificate and key for 127.0.0.1 and localhost, as ``lowcarbon serve
--pact-port`` makes one when it is given none. ``retry`` sends again the Published events due (``notices``), for
cron. Like the platform's commands, each opens (and migrates) the database of ``--data-dir``; errors print ``error:
...`` and exit with status 1.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lowcarbon.platform.cli import DataDirOpt, JsonOpt, _actor, _in_transaction, _settings, find_organisation

if TYPE_CHECKING:  # the database and the web stack are imported inside the commands: `lowcarbon --help` stays quick
    from sqlalchemy.orm import Session

    from lowcarbon.platform.machine_clients import NewClient

__all__ = ["app", "customer_client_name", "customer_scopes", "find_organisation", "grant_access"]

app = typer.Typer(no_args_is_help=True, help="PACT data exchange: customers' access, and the host's TLS pair.")


def customer_scopes() -> str:
    """The scopes a PACT customer's client has: read footprints, send events."""
    from lowcarbon.pact.routes import EVENTS_SCOPE, READ_SCOPE

    return f"{READ_SCOPE} {EVENTS_SCOPE}"


def customer_client_name(customer: str) -> str:
    """The name of a PACT customer's machine client, as the audit trail and the organisation's clients show it."""
    return f"PACT customer: {customer.strip()}"[:200]


def grant_access(
    session: Session,
    *,
    organisation_id: int,
    customer: str,
    actor: str,
    now: datetime,
    secret: str | None = None,
) -> NewClient:
    """Make ``customer`` a PACT customer of the organisation, seeing all its published footprints: a new machine
    client with the PACT scopes (its secret ``secret``, else a new one), recorded in the audit trail."""
    from lowcarbon.pact import service
    from lowcarbon.platform import machine_clients
    from lowcarbon.platform.audit import AuditTrail

    client = machine_clients.create_client(
        session,
        organisation_id=organisation_id,
        scopes=customer_scopes(),
        actor=actor,
        now=now,
        name=customer_client_name(customer),
        secret=secret,
    )
    service.add_customer(
        session,
        AuditTrail(session, actor),
        organisation_id=organisation_id,
        name=customer,
        machine_client_id=client.id,
        now=now,
    )
    return client


@app.command()
def grant(
    customer: Annotated[str, typer.Argument(help="The customer's name, as the organisation knows it.")],
    organisation: Annotated[
        str, typer.Option("--organisation", help="The publishing organisation: its id or its exact name.")
    ],
    events_url: Annotated[
        str | None,
        typer.Option(
            "--events-url", help="The customer's PACT host (https base URL), where answers to its requests go."
        ),
    ] = None,
    events_client_id: Annotated[
        str | None, typer.Option("--events-client-id", help="The client id the customer's host gave the organisation.")
    ] = None,
    events_client_secret: Annotated[
        str | None, typer.Option("--events-client-secret", help="The secret that goes with --events-client-id.")
    ] = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a customer read access to an organisation's published PACT footprints; print its credentials once.

    With ``--events-url`` and the credentials the customer's host issued, the host answers the customer's footprint
    requests (RequestCreated) there."""
    from lowcarbon.platform.clock import system_clock

    callback = (events_url, events_client_id, events_client_secret)
    if any(callback) and not all(callback):
        raise typer.BadParameter("give --events-url, --events-client-id and --events-client-secret together")

    def create(session: Session) -> dict[str, Any]:
        from lowcarbon.pact import service
        from lowcarbon.platform.audit import AuditTrail

        found = find_organisation(session, organisation)
        client = grant_access(session, organisation_id=found.id, customer=customer, actor=_actor(), now=system_clock())
        if events_url and events_client_id and events_client_secret:
            made = service.customer_of_client(session, client.id)
            assert made is not None
            service.set_events_endpoint(
                session,
                AuditTrail(session, _actor()),
                organisation_id=found.id,
                customer_id=made.id,
                url=events_url,
                client_id=events_client_id,
                client_secret=events_client_secret,
            )
        return {"client_id": client.client_id, "client_secret": client.secret, "organisation": found.name}

    created = _in_transaction(_settings(data_dir=data_dir), create)
    if as_json:
        typer.echo(json.dumps({"client_id": created["client_id"], "client_secret": created["client_secret"]}))
        return
    typer.echo(f"{customer} may now read the PACT footprints of {created['organisation']} ({customer_scopes()})")
    typer.echo(f"client_id: {created['client_id']}")
    typer.echo(f"client_secret: {created['client_secret']}")
    typer.echo("The secret is shown only now; give it to the customer over a safe channel.", err=True)


@app.command()
def fetch(
    supplier: Annotated[str, typer.Argument(help="The supplier's name, as the organisation knows it.")],
    organisation: Annotated[str, typer.Option("--organisation", help="The customer organisation: its id or name.")],
    url: Annotated[
        str | None, typer.Option("--url", help="The supplier's PACT host (https base URL), for a new supplier.")
    ] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="The client id the supplier issued.")] = None,
    client_secret: Annotated[str | None, typer.Option("--client-secret", help="Its secret.")] = None,
    factors_out: Annotated[
        Path | None,
        typer.Option("--factors-out", help="Write the organisation's supplier footprints as this factor file."),
    ] = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch every footprint a supplier shares with the organisation over PACT and keep them; each is then the
    factor pact/<pfId> (with --factors-out, in a factor file to put beside a model as factor_files: [pact.csv])."""
    from lowcarbon.pact import suppliers
    from lowcarbon.pact.answers import http_client
    from lowcarbon.pact.client import PactClient
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock

    settings = _settings(data_dir=data_dir)

    def connect(session: Session) -> tuple[int, int, str, str, str]:
        import sqlalchemy as sa

        from lowcarbon.pact.tables import Supplier

        found = find_organisation(session, organisation)
        known = session.scalar(
            sa.select(Supplier).where(Supplier.organisation_id == found.id, Supplier.name == supplier.strip())
        )
        if known is None:
            if not (url and client_id and client_secret):
                raise typer.BadParameter("a new supplier needs --url, --client-id and --client-secret")
            known = suppliers.add_supplier(
                session,
                AuditTrail(session, _actor()),
                organisation_id=found.id,
                name=supplier,
                base_url=url,
                client_id=client_id,
                client_secret=client_secret,
                now=system_clock(),
            )
        return found.id, known.id, known.base_url, known.client_id, known.client_secret

    organisation_id, supplier_id, base_url, key, secret = _in_transaction(settings, connect)
    # over the network outside any transaction: the supplier's host may be this very database's server
    with http_client() as http, PactClient(base_url, key, secret, http=http) as client:
        footprints = list(client.footprints())

    def keep(session: Session) -> dict[str, Any]:
        rows = suppliers.store(
            session,
            AuditTrail(session, _actor()),
            organisation_id=organisation_id,
            footprints=footprints,
            now=system_clock(),
            supplier_id=supplier_id,
        )
        every = [row.document for row in suppliers.list_footprints(session, organisation_id)]
        if factors_out is not None:
            factors_out.write_bytes(suppliers.factor_file(every))
        return {"fetched": [row.pf_id for row in rows], "stored": len(every)}

    done = _in_transaction(settings, keep)
    if as_json:
        typer.echo(json.dumps(done))
        return
    typer.echo(f"fetched {len(done['fetched'])} footprints from {supplier}; {done['stored']} kept in all")
    for pf_id in done["fetched"]:
        typer.echo(f"  factor pact/{pf_id}")
    if factors_out is not None:
        typer.echo(f"factor file: {factors_out} (set pact)")


@app.command()
def certificate(
    directory: Annotated[Path, typer.Argument(help="Where to write pact-cert.pem and pact-key.pem.")],
    force: Annotated[bool, typer.Option("--force", help="Make a new pair even if a usable one is there.")] = False,
) -> None:
    """Make a self-signed TLS certificate and key for 127.0.0.1 and localhost (for testing), or reuse the one there."""
    from lowcarbon.platform import tls

    if force:
        tls.write_self_signed(directory / tls.CERT_NAME, directory / tls.KEY_NAME)
    cert_file, key_file = tls.self_signed_pair(directory)
    typer.echo(f"certificate: {cert_file}")
    typer.echo(f"key: {key_file}")
    typer.echo(f"serve with: lowcarbon serve --pact-port PORT --pact-cert {cert_file} --pact-key {key_file}", err=True)


@app.command()
def retry(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """Send again, now and in this process, the Published events whose pause after a failed attempt is over
    (exponential backoff up to 72 hours, ``retries.BACKOFF``); run it periodically (cron, a systemd timer)."""
    from lowcarbon.pact import domain, notices
    from lowcarbon.platform.audit import AuditTrail
    from lowcarbon.platform.clock import system_clock
    from lowcarbon.platform.database import create_engine, session_factory
    from lowcarbon.platform.jobs import InlineRunner, JobRegistry

    settings = _settings(data_dir=data_dir)
    _in_transaction(settings, lambda session: None)  # migrated
    engine = create_engine(settings)
    try:
        runner = InlineRunner(
            session_factory(engine, write=True), JobRegistry(domain.DOMAIN.job_kinds), reads=session_factory(engine)
        )
        with runner.sessions.begin() as session:
            now = system_clock()
            audit = AuditTrail(session, _actor())
            requeued = notices.requeue_due(audit, runner.queue(session), domain.sent_jobs(session, now), now)
        states = {job_id: runner.status(job_id) for job_id in requeued}  # run as the transaction committed
    finally:
        engine.dispose()
    outcome = {
        "requeued": requeued,
        "sent": [job_id for job_id, state in states.items() if state is not None and state.error is None],
        "failed": {job_id: state.error for job_id, state in states.items() if state is not None and state.error},
    }
    if as_json:
        typer.echo(json.dumps(outcome))
        return
    typer.echo(f"{len(requeued)} event(s) sent again: {len(outcome['sent'])} taken, {len(outcome['failed'])} failed")
