"""Settings from the environment, with defaults that run on one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent


# The dev server's SQLite file (scripts/up, docker-compose.yml) keeps a write-ahead log,
# synced at every commit. Its own default, a rollback journal, syncs three or four times a
# commit: as durable, but the benchmark's bare workflow then waited on the disk, at half the
# rate, and every case paid 20 ms more of the server's CPU (benchmarks/throughput.py).
DEV_SERVER_SQLITE = ("journal_mode=wal", "synchronous=full")


def dev_server_store_flags() -> list[str]:
    """`--sqlite-pragma` flags for `temporal server start-dev --db-filename ...`."""
    return [flag for pragma in DEV_SERVER_SQLITE for flag in ("--sqlite-pragma", pragma)]


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(_env("SHAQYRU_DATA", str(ROOT / "var"))))
    temporal_address: str = field(
        default_factory=lambda: _env("TEMPORAL_ADDRESS", "localhost:7233")
    )
    temporal_namespace: str = field(default_factory=lambda: _env("TEMPORAL_NAMESPACE", "default"))
    task_queue: str = field(default_factory=lambda: _env("SHAQYRU_TASK_QUEUE", "shaqyru"))
    temporal_tls_cert: str | None = field(
        default_factory=lambda: os.environ.get("TEMPORAL_TLS_CERT")
    )
    temporal_tls_key: str | None = field(default_factory=lambda: os.environ.get("TEMPORAL_TLS_KEY"))
    temporal_api_key: str | None = field(default_factory=lambda: os.environ.get("TEMPORAL_API_KEY"))
    database_url: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_DATABASE_URL"))
    # Apart from the URL, where it would have to be percent-encoded: a password with an
    # "@" or a "%" pasted into a URL is another host, or another password.
    database_password: str | None = field(
        default_factory=lambda: os.environ.get("SHAQYRU_DATABASE_PASSWORD")
    )
    roster_path: Path = field(
        default_factory=lambda: Path(
            _env("SHAQYRU_ROSTER", str(ROOT / "rules" / "data" / "roster-sample.json"))
        )
    )
    documents_dir: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("SHAQYRU_DOCUMENTS")) else None
    )
    signing_key: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_SIGNING_KEY"))
    signing_cert: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_SIGNING_CERT"))
    # Caseworkers' signatures (issue 9). Passwords are read where they are used, never
    # kept here, so that printing the settings cannot show one.
    personal_key: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_KEY"))
    key_bindings: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_KEY_BINDINGS"))
    trusted_ca: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_TRUSTED_CA"))
    crl: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_CRL"))
    cabinet_endpoint: str | None = field(
        default_factory=lambda: os.environ.get("SHAQYRU_CABINET_URL")
    )
    military_endpoint: str | None = field(
        default_factory=lambda: os.environ.get("SHAQYRU_MILITARY_URL")
    )
    # The ring of keys that encrypt personal data (not a caseworker's SHAQYRU_KEY).
    keyring_path: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_KEYRING"))
    codec_address: str = field(
        default_factory=lambda: _env("SHAQYRU_CODEC_ADDRESS", "127.0.0.1:8234")
    )
    codec_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            o.strip()
            for o in _env("SHAQYRU_CODEC_ORIGINS", "http://localhost:8233").split(",")
            if o.strip()
        )
    )
    codec_token_path: str | None = field(
        default_factory=lambda: os.environ.get("SHAQYRU_CODEC_TOKEN_FILE")
    )
    # Seconds for one delivery attempt's whole exchange (connect, send, answer).
    delivery_timeout: float = field(
        default_factory=lambda: float(_env("SHAQYRU_DELIVERY_TIMEOUT", "20"))
    )
    # The e-government gateway to the state records (standard row 8); none: not asked.
    gateway_url: str | None = field(default_factory=lambda: os.environ.get("SHAQYRU_GATEWAY_URL"))
    # Seconds for one request's whole exchange with the gateway.
    gateway_timeout: float = field(
        default_factory=lambda: float(_env("SHAQYRU_GATEWAY_TIMEOUT", "10"))
    )

    @property
    def db_url(self) -> str:
        url = self.database_url or f"sqlite:///{self.data_dir / 'shaqyru.db'}"
        scheme, sep, rest = url.partition("://")
        user, at, place = rest.partition("@")
        if self.database_password and sep and at and ":" not in user:
            return f"{scheme}://{user}:{quote(self.database_password, safe='')}@{place}"
        return url

    @property
    def docs_dir(self) -> Path:
        return self.documents_dir or self.data_dir / "documents"

    @property
    def keyring_file(self) -> Path:
        """The key ring of the payload codec and the read model's sealed columns."""
        return Path(self.keyring_path) if self.keyring_path else self.data_dir / "keyring.json"

    @property
    def codec_token_file(self) -> Path:
        """The codec server's bearer token, made on its first start."""
        return (
            Path(self.codec_token_path) if self.codec_token_path else self.data_dir / "codec-token"
        )


def load() -> Settings:
    return Settings()
