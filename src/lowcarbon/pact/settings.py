"""The PACT host's settings, read from ``LOWCARBON_PACT_*`` variables (pydantic-settings), apart from the platform's."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PactSettings"]


class PactSettings(BaseSettings):
    """How the PACT host pages its lists, and whether its actions insist on HTTPS."""

    model_config = SettingsConfigDict(env_prefix="LOWCARBON_PACT_", extra="ignore")

    page_size: int = Field(default=100, ge=1, le=1000, description="footprints per ListFootprints page by default")
    max_page_size: int = Field(default=1000, ge=1, le=10000, description="the most footprints a page holds")
    https_only: bool = Field(default=True, description="refuse the PACT actions over plain HTTP (the spec's rule)")
    cert_file: Path | None = Field(default=None, description="the PACT host's TLS certificate (PEM)")
    key_file: Path | None = Field(default=None, description="the PACT host's TLS private key (PEM)")
    public_url: str | None = Field(
        default=None,
        description="the PACT host's own https base URL as partners reach it (https://host:port): the source of the "
        "footprint requests sent from the pages, where suppliers answer",
    )
    ca_file: Path | None = Field(
        default=None,
        description="certificates (PEM) trusted, besides the system's, when calling other PACT hosts (answers to "
        "requests, suppliers): a partner's self-signed certificate, a test host's",
    )
