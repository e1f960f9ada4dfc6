"""Settings: defaults, environment variables, the settings file, precedence, the secret key and the docs table."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from lowcarbon.platform.errors import ConfigurationError
from lowcarbon.platform.settings import SECRET_KEY_FILE, Settings, settings_table

PLATFORM_README = Path(__file__).parents[2] / "src" / "lowcarbon" / "platform" / "README.md"


def test_defaults(tmp_path: Path) -> None:
    """Data in $XDG_DATA_HOME/lowcarbon, a SQLite file there, listening on 127.0.0.1:8000."""
    settings = Settings()
    assert settings.data_dir == tmp_path / "xdg" / "lowcarbon"
    assert settings.database_url == f"sqlite:///{tmp_path}/xdg/lowcarbon/lowcarbon.db"
    assert (settings.host, settings.port, settings.secret_key, settings.settings_file) == (
        "127.0.0.1",
        8000,
        None,
        None,
    )


def test_home_when_xdg_data_home_is_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without XDG_DATA_HOME the data directory is ~/.local/share/lowcarbon."""
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings().data_dir == tmp_path / ".local" / "share" / "lowcarbon"


def test_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every setting can be given as a LOWCARBON_* environment variable."""
    monkeypatch.setenv("LOWCARBON_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("LOWCARBON_DATABASE_URL", "postgresql+psycopg://app@db.internal:5433/lowcarbon")
    monkeypatch.setenv("LOWCARBON_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("LOWCARBON_HOST", "0.0.0.0")
    monkeypatch.setenv("LOWCARBON_PORT", "8123")
    settings = Settings()
    assert settings.data_dir == tmp_path / "d"
    assert settings.database_url == "postgresql+psycopg://app@db.internal:5433/lowcarbon"
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == "k" * 40
    assert (settings.host, settings.port) == ("0.0.0.0", 8123)


def test_database_follows_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without a database URL the SQLite file is in whatever data directory was chosen, relative ones made absolute."""
    monkeypatch.chdir(tmp_path)
    settings = Settings(data_dir=Path(".lowcarbon"))
    assert settings.data_dir == tmp_path / ".lowcarbon"
    assert settings.database_url == f"sqlite:///{tmp_path}/.lowcarbon/lowcarbon.db"


def test_environment_errors_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad value in the environment is refused, naming the setting."""
    monkeypatch.setenv("LOWCARBON_PORT", "eighty")
    with pytest.raises(ValidationError, match="port"):
        Settings()
    monkeypatch.setenv("LOWCARBON_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////srv/lc.db", "sqlite:////srv/lc.db"),
    ],
)
def test_database_url_spellings(given: str, expected: str) -> None:
    """postgresql:// and postgres:// mean psycopg 3, the driver lowcarbon ships with."""
    assert Settings(database_url=given).database_url == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "lowcarbon.db"])
def test_unsupported_database_urls(url: str) -> None:
    """Other databases, drivers, and bare paths are refused with the accepted forms."""
    with pytest.raises(ValidationError, match="sqlite:///PATH or postgresql"):
        Settings(database_url=url)


def test_short_secret_key_refused() -> None:
    """A secret key shorter than 32 characters is refused."""
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(secret_key=SecretStr("short"))


def test_settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A TOML file named by LOWCARBON_SETTINGS_FILE gives settings; environment beats file, arguments beat both."""
    file = tmp_path / "lowcarbon.toml"
    file.write_text(f'port = 9000\nhost = "0.0.0.0"\ndata_dir = "{tmp_path / "from-file"}"\n')
    monkeypatch.setenv("LOWCARBON_SETTINGS_FILE", str(file))
    settings = Settings()
    assert (settings.port, settings.host, settings.data_dir) == (9000, "0.0.0.0", tmp_path / "from-file")
    monkeypatch.setenv("LOWCARBON_PORT", "9001")
    assert Settings().port == 9001
    assert Settings(port=9002).port == 9002
    assert Settings(settings_file=None).port == 9001  # the file from the environment still applies


def test_settings_file_as_argument(tmp_path: Path) -> None:
    """The settings file can be passed as an argument too."""
    file = tmp_path / "lowcarbon.toml"
    file.write_text("port = 9100\n")
    assert Settings(settings_file=file).port == 9100


def test_settings_file_problems(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A missing or malformed settings file, or one with an unknown key, is an error naming it."""
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigurationError, match=r"missing\.toml: settings file not found"):
        Settings(settings_file=missing)
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("port = \n")
    with pytest.raises(ConfigurationError, match=r"malformed\.toml: not a valid TOML"):
        Settings(settings_file=malformed)
    typo = tmp_path / "typo.toml"
    typo.write_text("prot = 9000\n")
    with pytest.raises(ValidationError, match="prot"):
        Settings(settings_file=typo)


def test_secret_key_generated_once(tmp_path: Path) -> None:
    """Without a secret key one is generated on first use, kept readable only by its owner, and reused."""
    settings = Settings(data_dir=tmp_path / "data")
    assert not (tmp_path / "data").exists()  # nothing is written until the key is needed
    key = settings.ensure_secret_key()
    path = tmp_path / "data" / SECRET_KEY_FILE
    assert len(key) >= 32 and path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "data").ensure_secret_key() == key
    assert [p.name for p in (tmp_path / "data").iterdir()] == [SECRET_KEY_FILE]  # no partial file left


def test_given_secret_key_wins(tmp_path: Path) -> None:
    """A secret key given in the settings is used and nothing is written."""
    settings = Settings(data_dir=tmp_path / "data", secret_key=SecretStr("s" * 32))
    assert settings.ensure_secret_key() == "s" * 32
    assert not (tmp_path / "data").exists()


def test_damaged_secret_key_file(tmp_path: Path) -> None:
    """A secret key file that was emptied is an error, not a silently weak key."""
    (tmp_path / SECRET_KEY_FILE).write_text("\n")
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        Settings(data_dir=tmp_path).ensure_secret_key()


def test_docs_table_is_complete() -> None:
    """The platform README's settings table is exactly settings_table(), which lists every setting."""
    table = settings_table()
    for name in Settings.model_fields:
        assert f"| `{name}` | `LOWCARBON_{name.upper()}` |" in table
        assert Settings.model_fields[name].description, f"{name} has no help"
    assert table in PLATFORM_README.read_text(), "paste settings_table() into src/lowcarbon/platform/README.md"
