"""Runtime settings, read from the environment and an optional `.env` file.

Built once in the composition root (the CLI) and passed down; never a module-level singleton, so
tests can build as many differently-configured instances as they need. Every field is listed in
`.env.example`, and a test keeps the two in agreement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError as SourceError

from knowledge.config import KnowledgeConfig

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """Settings that cannot work; the message is one line a deployer can act on."""


class Settings(BaseSettings):
    """Everything a deployer can set. Names are the environment variables, case-insensitive."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default=Path("data"), validation_alias="HELIX_DATA_DIR")
    database_url_override: str | None = Field(default=None, validation_alias="DATABASE_URL")
    language: Literal["en", "es"] = Field(default="en", validation_alias="HELIX_LANGUAGE")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="HELIX_LOG_LEVEL"
    )
    form_path: Path | None = Field(default=None, validation_alias="HELIX_FORM")
    demo_data: bool | None = Field(default=None, validation_alias="HELIX_DEMO_DATA")
    """Unset: the demo loads for the terminal chat only (see `wants_demo_data`)."""

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_url: str = Field(
        default=DEFAULT_TELEGRAM_API_URL, validation_alias="TELEGRAM_API_URL"
    )
    telegram_webhook_url: str | None = Field(default=None, validation_alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_listen: str = Field(
        default="127.0.0.1", validation_alias="TELEGRAM_WEBHOOK_LISTEN"
    )
    telegram_webhook_port: int = Field(default=8443, validation_alias="TELEGRAM_WEBHOOK_PORT")
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_WEBHOOK_SECRET"
    )
    # NoDecode: the environment gives "1,2", not JSON.
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias=AliasChoices("HELIX_ADMIN_IDS")
    )

    chroma_host: str | None = Field(default=None, validation_alias="HELIX_CHROMA_HOST")
    chroma_port: int = Field(default=8000, validation_alias="HELIX_CHROMA_PORT")
    embeddings: str = Field(default="minilm-int8", validation_alias="HELIX_EMBEDDINGS")
    llm: str | None = Field(default=None, validation_alias="HELIX_LLM")
    llm_base_url: str | None = Field(default=None, validation_alias="HELIX_LLM_BASE_URL")
    llm_api_key: SecretStr | None = Field(default=None, validation_alias="HELIX_LLM_API_KEY")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        """Accept `1,2 3` from the environment as well as a JSON list."""
        if isinstance(value, int):
            return [value]
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            if not all(p.lstrip("-").isdecimal() for p in parts):
                raise ValueError("must be Telegram user ids (numbers) separated by commas")
            return [int(p) for p in parts]
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuse placeholders early: a bad token would otherwise fail deep inside the bot."""
        if value is None:
            return None
        raw = value.get_secret_value().strip()
        head, _, tail = raw.partition(":")
        if not head.isdigit() or len(tail) < 20:
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return SecretStr(raw)

    @field_validator("llm")
    @classmethod
    def _llm_shape(cls, value: str | None) -> str | None:
        if value is not None and ":" not in value:
            raise ValueError("must be 'openai:MODEL' or 'ollama:MODEL'")
        return value

    @property
    def database_url(self) -> str:
        """`DATABASE_URL` when set, else a SQLite file under the data directory."""
        if self.database_url_override:
            url = self.database_url_override
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{(self.data_dir / 'helix.db').resolve()}"

    def wants_demo_data(self, *, terminal: bool) -> bool:
        """Whether to load the fictional demo initiatives into an empty database.

        They help someone trying Helix in the terminal, but on Telegram real leaders would be
        matched with made-up ones, so there it takes an explicit HELIX_DEMO_DATA=true.
        """
        return self.demo_data if self.demo_data is not None else terminal

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    def knowledge_config(self) -> KnowledgeConfig:
        """The knowledge package's own view of these settings (it never imports `bot`)."""
        return KnowledgeConfig(
            chroma_path=self.chroma_path,
            chroma_host=self.chroma_host,
            chroma_port=self.chroma_port,
            embeddings=self.embeddings,
            llm=self.llm,
            llm_base_url=self.llm_base_url,
            llm_api_key=self.llm_api_key.get_secret_value() if self.llm_api_key else None,
        )

    def ensure_dirs(self) -> None:
        """Create the data directory; all embedded state lives below it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into one readable line per problem."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            problems.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
        raise SettingsError("Invalid settings — " + "; ".join(problems)) from None
    except SourceError as exc:
        raise SettingsError(f"Invalid settings — {exc}") from None
