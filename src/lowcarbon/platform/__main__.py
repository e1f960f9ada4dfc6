"""``python -m lowcarbon.platform``: the platform's commands, as ``lowcarbon`` runs them."""

from lowcarbon.platform.cli import app

app(prog_name="python -m lowcarbon.platform")
