"""Settings from the environment, with defaults that run on one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent


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
    cabinet_endpoint: str | None = field(
        default_factory=lambda: os.environ.get("SHAQYRU_CABINET_URL")
    )
    military_endpoint: str | None = field(
        default_factory=lambda: os.environ.get("SHAQYRU_MILITARY_URL")
    )

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'shaqyru.db'}"

    @property
    def docs_dir(self) -> Path:
        return self.documents_dir or self.data_dir / "documents"


def load() -> Settings:
    return Settings()
