"""The chairman's own signature over the issued document (issue 9; para. 10).

His command line signs the exact PDF the case issued with his personal key and sends the
detached CMS; this activity checks it with openssl against the CAs the case captured at
registration and his enrolled certificate, then keeps it beside the document. Nothing is
delivered before it holds."""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
from pathlib import Path

from temporalio import activity

from activities.context import Context
from documents import sign
from documents.store import Corrupted
from models.case import ChairmanSignature, DocumentRef


class ChairmanSeal:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @activity.defn(name="accept_chairman_signature")
    def accept_chairman_signature(
        self,
        application_id: str,
        kind: str,
        document_sha256: str,
        cms_base64: str,
        ca_certificates_pem: list[str],
        enrolled: list[str],
    ) -> ChairmanSignature:
        # The database is imported here, not with the module: the CLI imports it through
        # the workflows, for their activity references, and never opens the database.
        from sqlmodel import Session

        from models.tables import DocumentRow

        def invalid(reason: str) -> ChairmanSignature:
            return ChairmanSignature(valid=False, reason=reason[:300])

        try:
            cms = base64.b64decode(cms_base64, validate=True)
        except (binascii.Error, ValueError):
            return invalid("the signature is not base64")
        store = self.ctx.store()
        try:
            pdf = store.get(document_sha256)
        except (OSError, Corrupted):
            # Not the caseworker's fault: the store must give the case's own document.
            raise RuntimeError(
                f"the issued document {document_sha256[:12]} cannot be read"
            ) from None
        with tempfile.TemporaryDirectory(prefix="shaqyru-ca-") as tmp:
            cas = Path(tmp, "ca.pem")
            cas.write_text("".join(ca_certificates_pem), encoding="ascii")
            try:
                found = sign.verify(pdf, cms, cas, with_time=False)
            except (sign.SignatureError, ValueError) as bad:
                return invalid(str(bad))
        if found.signer_sha256 not in enrolled:
            return invalid("signed with a certificate not enrolled for the chairman")
        ref = DocumentRef(
            kind=f"{kind}.chairman",
            sha256=document_sha256,
            signature_sha256=hashlib.sha256(cms).hexdigest(),
        )
        # The row first, then the file: a crash between leaves a row the retry mends, never
        # a file nothing names. The row is the export's and the audit's way to the file.
        with Session(self.ctx.engine) as db:
            row = db.get(DocumentRow, (application_id, ref.kind))
            if row is None:
                db.add(
                    DocumentRow(
                        application_id=application_id,
                        kind=ref.kind,
                        sha256=ref.sha256,
                        signature_sha256=ref.signature_sha256,
                        created_at=activity.info().scheduled_time,
                    )
                )
                db.commit()
            elif row.signature_sha256 != ref.signature_sha256:
                # An earlier attempt kept another valid signature of his: that one stands.
                return ChairmanSignature(
                    valid=True,
                    document=DocumentRef(
                        kind=row.kind, sha256=row.sha256, signature_sha256=row.signature_sha256
                    ),
                )
        store.put(cms)
        return ChairmanSignature(valid=True, document=ref)
