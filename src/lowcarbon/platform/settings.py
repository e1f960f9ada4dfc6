"""The platform's settings, each declared once with its default and help, read from arguments, environment and file.

Precedence, highest first: values passed to ``Settings(...)`` (the commands' options), ``LOWCARBON_*`` environment
variables, the TOML settings file named by ``settings_file`` (itself settable as ``LOWCARBON_SETTINGS_FILE``), then
the defaults. ``settings_table()`` renders the table in ``README.md`` beside this module; a test keeps them equal.

The data directory defaults to ``$XDG_DATA_HOME/lowcarbon`` (``~/.local/share/lowcarbon``), not to ``./.lowcarbon``:
a service's data should not depend on the directory it was started from, or two ``serve`` runs from two folders would
quietly use two databases. ``--data-dir .lowcarbon`` gives a per-project directory when one is wanted.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from lowcarbon.bounded import LIMITS, Limits
from lowcarbon.platform.errors import ConfigurationError

__all__ = ["ENV_PREFIX", "SECRET_KEY_FILE", "Settings", "default_data_dir", "settings_table"]

ENV_PREFIX = "LOWCARBON_"
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "lowcarbon.db"
MIN_SECRET_KEY_LENGTH = 32
_SCHEMES = {  # what a database URL may start with, and the SQLAlchemy dialect+driver it means
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgres": "postgresql+psycopg",  # the spelling of Heroku-style URLs
    "postgresql": "postgresql+psycopg",  # SQLAlchemy's default driver would be psycopg2, which we do not ship
    "postgresql+psycopg": "postgresql+psycopg",
}


def _limit(name: str) -> Any:
    """The field of the bounded reader's limit ``name``: its default and what it bounds (``lowcarbon.bounded``)."""
    default: int = getattr(Limits(), name)
    mebibytes = f" ({default // 2**20:,} MiB)" if default >= 2**20 and default % 2**20 == 0 else ""
    return Field(
        default=default,
        ge=1,
        le=2**62,
        description=LIMITS[name],
        json_schema_extra={"shown_default": f"`{default}`{mebibytes}"},
    )


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/lowcarbon``, else ``~/.local/share/lowcarbon``."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "lowcarbon"


class Settings(BaseSettings):
    """Where the platform keeps its data, which database it uses, and where it listens."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Directory for the SQLite database, the generated secret key and other local data.",
        json_schema_extra={"shown_default": "`$XDG_DATA_HOME/lowcarbon`, else `~/.local/share/lowcarbon`"},
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the database: `sqlite:///PATH` or `postgresql+psycopg://USER@HOST:PORT/DB` "
        "(`postgresql://` and `postgres://` mean psycopg too).",
        json_schema_extra={"shown_default": "`sqlite:///<data_dir>/lowcarbon.db`"},
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=f"Key that derives each session's CSRF token (HMAC), at least {MIN_SECRET_KEY_LENGTH} characters. "
        f"When unset, one is generated on first use and kept in `<data_dir>/{SECRET_KEY_FILE}` (mode 0600).",
        json_schema_extra={"shown_default": f"generated into `<data_dir>/{SECRET_KEY_FILE}`"},
    )
    host: str = Field(
        default="127.0.0.1", description="Address `serve` listens on; `0.0.0.0` to listen on every interface."
    )
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port `serve` listens on.")
    session_minutes: int = Field(
        default=480,
        ge=1,
        le=60 * 24 * 30,
        description="Minutes a login session lasts from login; after that the person logs in again.",
    )
    token_seconds: int = Field(
        default=3600,
        ge=60,
        le=60 * 60 * 24,
        description="Seconds an access token from `/auth/token` (OAuth2 client credentials) stays valid.",
    )
    job_runner: Literal["local", "inline"] = Field(
        default="local",
        description="Where background jobs (footprint studies) run: `local`, a pool of worker processes on this "
        "machine (or the Dask cluster of `dask_scheduler`, when that is set); `inline`, in the requesting process "
        "before the response (for tests and debugging).",
    )
    job_workers: int = Field(default=2, ge=1, le=64, description="Worker processes of the `local` job runner's pool.")
    job_timeout_seconds: int = Field(
        default=600,
        gt=0,
        description="Seconds a background job may run in a worker of the `local` runner, counted from when the worker "
        "begins it; a job running longer is stopped and fails. The `inline` runner applies no limit.",
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        max_length=200,
        description="The platform's public address (`https://certs.example.cn`), which certificates name as where "
        "to check them and their QR codes open; by default the address a request came to.",
        json_schema_extra={"shown_default": "the request's address"},
    )
    dask_scheduler: str | None = Field(
        default=None,
        description="Address of a Dask distributed scheduler (`tcp://host:port`). When set, background jobs run on "
        "its cluster (unless `job_runner` is `inline`; `job_timeout_seconds` then counts from the hand-over), and "
        "so do the iterations of `calc --iterations` (which reads the environment variable only). Needs the extra "
        "`dask` (`pip install 'lowcarbon[dask]'`).",
        json_schema_extra={"shown_default": "none: this machine"},
    )
    max_file_bytes: int = _limit("max_file_bytes")
    max_model_bytes: int = _limit("max_model_bytes")
    max_member_bytes: int = _limit("max_member_bytes")
    max_unpacked_bytes: int = _limit("max_unpacked_bytes")
    max_compression_ratio: int = _limit("max_compression_ratio")
    max_archive_members: int = _limit("max_archive_members")
    max_rows: int = _limit("max_rows")
    max_model_rows: int = _limit("max_model_rows")
    max_columns: int = _limit("max_columns")
    max_cell_chars: int = _limit("max_cell_chars")
    max_shared_strings: int = _limit("max_shared_strings")
    max_shared_strings_bytes: int = _limit("max_shared_strings_bytes")
    max_nesting_depth: int = _limit("max_nesting_depth")
    max_number_digits: int = _limit("max_number_digits")
    max_document_nodes: int = _limit("max_document_nodes")
    settings_file: Path | None = Field(
        default=None,
        description="TOML file of settings (keys as in the first column); environment variables override it.",
        json_schema_extra={"shown_default": "none"},
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then environment, then the settings file they name (no .env or secrets directory)."""
        chosen = init_settings().get("settings_file") or env_settings().get("settings_file")
        if not chosen:
            return init_settings, env_settings
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"{path}: settings file not found; fix {ENV_PREFIX}SETTINGS_FILE or create it")
        try:
            file_settings = TomlConfigSettingsSource(settings_cls, toml_file=path)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{path}: not a valid TOML settings file ({exc})") from None
        return init_settings, env_settings, file_settings

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value:
            return value
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in _SCHEMES:
            raise ValueError("give a sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE URL")
        return f"{_SCHEMES[scheme]}://{rest}"

    @field_validator("dask_scheduler")
    @classmethod
    def _scheduler_or_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None  # set but empty: this machine, as lowcarbon.scale reads it

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"use at least {MIN_SECRET_KEY_LENGTH} random characters, or leave it unset")
        return value

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / DATABASE_FILE}"
        return self

    def limits(self) -> Limits:
        """The bounded reader's limits these settings give (``max_*``)."""
        return Limits(**{name: getattr(self, name) for name in LIMITS})

    def ensure_secret_key(self) -> str:
        """The secret key: the one given, else the one kept in the data directory, created there on first use."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / SECRET_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
            try:
                descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(secrets.token_urlsafe(48) + "\n")
                os.link(partial, path)  # atomic and never overwrites: of two processes starting at once, one wins
            except FileExistsError:
                pass
            finally:
                partial.unlink(missing_ok=True)
        key = path.read_text().strip()
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(f"{path}: the secret key is shorter than {MIN_SECRET_KEY_LENGTH} characters")
        return key


def settings_table() -> str:
    """The settings as a Markdown table: name, environment variable, default and help."""
    lines = ["| setting | environment variable | default | what it is |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        extra: dict[str, Any] = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        default = extra.get("shown_default", f"`{field.default}`")
        lines.append(f"| `{name}` | `{ENV_PREFIX}{name.upper()}` | {default} | {field.description} |")
    return "\n".join(lines) + "\n"
