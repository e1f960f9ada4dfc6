"""Commands of the carbon-inclusive domain: ``lowcarbon admin create-partner`` registers a partner platform (and its
organisation) with a new secret, shown once; ``lowcarbon ledger reconcile`` recomputes every balance from the
ledger's entries and exits 1 naming each difference; ``lowcarbon ledger settle`` posts the credits that came due."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from lowcarbon.platform.cli import DataDirOpt, JsonOpt, _actor, _in_transaction, _reading, _settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lowcarbon.inclusive.partners import NewPartner

__all__ = ["create_partner", "ledger_app"]

ledger_app = typer.Typer(
    no_args_is_help=True, help="The personal carbon ledger: reconcile balances with entries; post due credits."
)


def create_partner(
    name: Annotated[str, typer.Argument(help="The partner platform's name (its organisation is made when missing)")],
    region: Annotated[str | None, typer.Option(help="Where the partner operates, e.g. Beijing")] = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a partner platform that sends behaviour events; its id and secret are printed once."""
    from lowcarbon.platform.clock import system_clock

    def work(session: Session) -> NewPartner:
        from lowcarbon.inclusive.pages import register_partner

        return register_partner(session, _actor(), system_clock(), name=name, region=region)

    made = _in_transaction(_settings(data_dir=data_dir), work, write=True)
    if as_json:
        typer.echo(json.dumps({"id": made.id, "name": made.name, "secret": made.secret}, ensure_ascii=False))
    else:
        typer.echo(f"partner {made.id} ({made.name}); its secret, shown this once: {made.secret}")


@ledger_app.command("reconcile")
def reconcile(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """Recompute every person's balance from the ledger's entries; exit 0 when all agree, 1 naming each difference."""
    from lowcarbon.inclusive import ledger

    differences = _reading(data_dir, ledger.reconcile)
    if as_json:
        typer.echo(json.dumps({"differences": [vars(d) for d in differences]}))
    elif not differences:
        typer.echo("OK: every balance equals the sum of its entries, and every transaction sums to zero")
    for difference in differences if not as_json else []:
        if difference.unit == "missing":
            typer.echo(f"MISSING {difference.what}: not stored, named by {difference.from_entries:g} rows", err=True)
            continue
        typer.echo(
            f"DIFFERENCE {difference.what} {difference.unit}: stored {difference.stored:g}, "
            f"from entries {difference.from_entries:g}",
            err=True,
        )
    if differences:
        raise typer.Exit(1)


@ledger_app.command("settle")
def settle(data_dir: DataDirOpt = None, as_json: JsonOpt = False) -> None:
    """Post the credits whose delay has passed (each partner's next batch does it too; this is for partners that
    send no more); prints how many."""
    from lowcarbon.inclusive import ingest
    from lowcarbon.platform.clock import system_clock

    posted = _in_transaction(_settings(data_dir=data_dir), lambda s: ingest.settle_all(s, system_clock()), write=True)
    typer.echo(json.dumps({"posted": posted}) if as_json else f"posted {posted} due credits")
