"""Signed documents of a case: render, sign, store by content, and note them in the read
model, once per (application, kind) however often an activity is retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from activities.context import Context
from documents.render import sha256_hex
from documents.sign import sign_pdf
from models.case import DocumentRef
from models.tables import DocumentRow


def keep_signed(
    ctx: Context,
    application_id: str,
    kind: str,
    render: Callable[[], tuple[bytes, bytes]],
    at: datetime,
) -> DocumentRef:
    """`render` gives the PDF and its machine-readable JSON; it is called only when the
    case has no document of this kind yet."""
    with Session(ctx.engine) as db:
        row = db.get(DocumentRow, (application_id, kind))
        if row is None:
            pdf, data = render()
            key, cert = ctx.signer()
            signature = sign_pdf(pdf, key, cert)
            store = ctx.store()
            row = DocumentRow(
                application_id=application_id,
                kind=kind,
                sha256=store.put(pdf),
                signature_sha256=store.put(signature),
                json_sha256=store.put(data),
                created_at=at,
            )
            assert row.json_sha256 == sha256_hex(data)
            db.add(row)
            db.commit()
            db.refresh(row)
        return DocumentRef(
            kind=row.kind,
            sha256=row.sha256,
            signature_sha256=row.signature_sha256,
            json_sha256=row.json_sha256,
        )
