"""Signed documents of a case: render, sign, store by content, and note them in the read
model, once per (application, kind) however often an activity is retried.

The order is what keeps the store free of orphans: a file is written only after a
committed row names its SHA-256. The first attempt renders and signs in memory, commits
the row, then writes the PDF, the JSON and the signature. A worker killed anywhere in
between leaves either nothing (before the commit) or a row some of whose files are
missing (after it), never a file no row names. The retry finds the row and writes back
what is missing: the PDF and JSON by rendering them again (the same bytes, checked against
the row), the signature by signing again, which gives new bytes (signing time, random
ECDSA nonce), so the row is first moved to the new signature's SHA-256 and only then is
the file written; the lost signature was never on disk, so nothing is left behind.
(Two attempts running at the same moment, which Temporal starts only when one overran its
timeout, can still leave a signature behind: one may sign again while the other is
between its commit and its write.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from activities.context import Context
from documents.sign import sign_pdf
from documents.store import DocumentStore, sha256_hex
from models.case import DocumentRef

# The database (sqlmodel, sqlalchemy, models.tables) is imported in the functions that use
# it: the CLI imports this module through the workflows, for their activity references,
# and never opens the database.
if TYPE_CHECKING:
    from sqlmodel import Session

    from models.tables import DocumentRow


def keep_signed(
    ctx: Context,
    application_id: str,
    kind: str,
    render: Callable[[], tuple[bytes, bytes]],
    at: datetime,
) -> DocumentRef:
    """`render` gives the PDF and its machine-readable JSON, the same bytes at every call;
    it is called when the case has no document of this kind yet, or when its PDF or JSON
    is missing from the store."""
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session

    from models.tables import DocumentRow

    store = ctx.store()
    with Session(ctx.engine) as db:
        row = db.get(DocumentRow, (application_id, kind))
        if row is None:
            pdf, data = render()
            signature = sign_pdf(pdf, *ctx.signer())
            row = DocumentRow(
                application_id=application_id,
                kind=kind,
                sha256=sha256_hex(pdf),
                signature_sha256=sha256_hex(signature),
                json_sha256=sha256_hex(data),
                created_at=at,
            )
            db.add(row)
            try:
                db.commit()
            except IntegrityError:
                # Another attempt recorded this document first: its row is the one; what
                # was signed here was never written, so it is simply dropped.
                db.rollback()
                row = db.get(DocumentRow, (application_id, kind))
                assert row is not None
            else:
                for blob in (pdf, data, signature):
                    store.put(blob)
        _mend(ctx, store, db, row, render)
        return DocumentRef(
            kind=row.kind,
            sha256=row.sha256,
            signature_sha256=row.signature_sha256,
            json_sha256=row.json_sha256,
        )


def _mend(
    ctx: Context,
    store: DocumentStore,
    db: Session,
    row: DocumentRow,
    render: Callable[[], tuple[bytes, bytes]],
) -> None:
    """Writes back the files of `row` that a killed attempt did not get to write."""
    from sqlalchemy import update
    from sqlmodel import col

    from models.tables import DocumentRow

    pdf: bytes | None = None
    if not store.has(row.sha256) or (row.json_sha256 and not store.has(row.json_sha256)):
        pdf, data = render()
        # Writing other bytes would leave a file no row names and change the document.
        json_differs = row.json_sha256 is not None and sha256_hex(data) != row.json_sha256
        if sha256_hex(pdf) != row.sha256 or json_differs:
            raise RuntimeError(
                f"the {row.kind} of {row.application_id} renders differently now than when "
                "it was recorded; not replacing it"
            )
        store.put(pdf)
        if row.json_sha256:
            store.put(data)

    old = row.signature_sha256
    if old is None or not store.has(old):
        signature = sign_pdf(pdf if pdf is not None else store.get(row.sha256), *ctx.signer())
        # Compare-and-set, committed before the file is written: an attempt that lost the
        # race to another one re-signing writes nothing, and returns the winner's row.
        moved = db.exec(
            update(DocumentRow)
            .where(
                col(DocumentRow.application_id) == row.application_id,
                col(DocumentRow.kind) == row.kind,
                col(DocumentRow.signature_sha256) == old,  # IS NULL when old is None
            )
            .values(signature_sha256=sha256_hex(signature))
        )
        db.commit()
        if moved.rowcount == 1:
            store.put(signature)
        db.refresh(row)
