"""What the activities need from the outside world, built once by the worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class Context:
    engine: Engine
    roster_path: Path
    documents_dir: Path
    data_dir: Path
    signing_key: Path | None
    signing_cert: Path | None
    endpoints: dict[str, str | None]
    # Seconds for one delivery's whole exchange with its addressee.
    delivery_timeout: float = 20.0
    # HTTP deliveries one worker runs at once; see worker.py for the slots this leaves.
    delivery_limit: int = 100
    # The trusted CAs (with their revocation lists) and the caseworkers' enrolled
    # certificates, read afresh for each case. None only where a test builds a worker to
    # try the process alone: its cases then take unsigned actions.
    trust_source: Callable[[], tuple[Any, dict[str, Any]]] | None = None
    _signer: tuple | None = field(default=None, repr=False)

    def signer(self) -> tuple:
        """The provider's key and certificate; a marked development pair when none is set."""
        if self._signer is None:
            from documents.sign import ensure_dev_identity, load_identity

            if self.signing_key and self.signing_cert:
                paths = (self.signing_key, self.signing_cert)
            else:
                paths = ensure_dev_identity(self.data_dir)
            self._signer = load_identity(*paths)
        return self._signer

    def store(self):
        from documents.store import DocumentStore

        return DocumentStore(self.documents_dir)

    @classmethod
    def from_settings(cls, settings: Settings) -> Context:
        # The database is loaded by the worker that builds this, not by whoever imports
        # the activities: the CLI does, through the workflows, and opens no database.
        from activities.db import connect

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
            delivery_timeout=settings.delivery_timeout,
            trust_source=lambda: _trust(settings),
        )


def _trust(settings: Settings) -> tuple[Any, dict[str, Any]]:
    from documents.identity import bindings_from_settings, trust_from_settings

    return trust_from_settings(settings), bindings_from_settings(settings)
