"""What the activities need from the outside world, built once by the worker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from activities.db import connect
from settings import Settings


@dataclass
class Context:
    engine: Engine
    roster_path: Path
    documents_dir: Path
    data_dir: Path
    signing_key: Path | None
    signing_cert: Path | None
    endpoints: dict[str, str | None]

    @classmethod
    def from_settings(cls, settings: Settings) -> Context:
        return cls(
            engine=connect(settings.db_url),
            roster_path=settings.roster_path,
            documents_dir=settings.docs_dir,
            data_dir=settings.data_dir,
            signing_key=Path(settings.signing_key) if settings.signing_key else None,
            signing_cert=Path(settings.signing_cert) if settings.signing_cert else None,
            endpoints={
                "cabinet": settings.cabinet_endpoint,
                "military": settings.military_endpoint,
            },
        )
