"""Settings: defaults, validation with one clear line, and `.env.example` kept in agreement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _env_names() -> set[str]:
    names = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else alias.choices[0])  # type: ignore[union-attr]
    return names


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    listed = {}
    for i, line in enumerate(lines):
        match = re.match(r"^([A-Z_]+)=", line)
        if match:
            listed[match.group(1)] = lines[i - 1] if i else ""
    assert set(listed) == _env_names()
    for name, previous in listed.items():
        assert previous.startswith("# "), f"{name} needs a one-line comment above it"


def test_defaults_use_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, HELIX_DATA_DIR=tmp_path)  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'helix.db'}"
    assert settings.chroma_path == tmp_path / "chroma"
    assert settings.telegram_bot_token is None


def test_database_url_gets_the_psycopg_driver() -> None:
    settings = Settings(_env_file=None, DATABASE_URL="postgresql://u:p@db/helix")  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+psycopg://u:p@db/helix"


def test_admin_ids_accept_commas_and_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELIX_ADMIN_IDS", "12, 34 56")
    assert load_settings(_env_file=None).admin_ids == [12, 34, 56]


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("TELEGRAM_BOT_TOKEN", "changeme", "TELEGRAM_BOT_TOKEN: does not look like a token"),
        ("HELIX_ADMIN_IDS", "alice", "HELIX_ADMIN_IDS: must be Telegram user ids"),
        ("HELIX_LLM", "gpt", "HELIX_LLM: must be 'openai:MODEL'"),
        ("HELIX_LANGUAGE", "fr", "HELIX_LANGUAGE"),
    ],
)
def test_bad_settings_give_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert "Traceback" not in message


def test_token_is_never_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456:" + "A" * 30
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    settings = load_settings(_env_file=None)
    assert token not in repr(settings)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == token
