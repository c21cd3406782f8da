"""The written answer to a complaint: rendered in Kazakh and Russian with the forms'
own PDF builder, signed and stored once (`keep_signed`, keyed by the application and
`complaint-<id>`), and delivered to the personal cabinet through the outbox under its
own addressee, `cabinet:complaint-<id>`, beside the result's `cabinet` row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from temporalio import activity

from activities.context import Context
from activities.delivery import claim, delivered
from activities.issuing import signs_samples
from activities.paperwork import keep_signed
from documents import complaint_texts
from documents.store import sha256_hex
from documents.texts import LANGS
from models.case import Addressee, Delivery, DocumentRef
from models.complaint import ComplaintAnswer


def document_kind(complaint_id: str) -> str:
    return f"complaint-{complaint_id}"


def addressee(complaint_id: str) -> str:
    return f"cabinet:complaint-{complaint_id}"


def render_answer(answer: ComplaintAnswer, sample: bool) -> tuple[bytes, bytes]:
    """The answer's PDF and its canonical JSON, the same bytes at every call."""
    # Loaded at the first document, not at import: the CLI imports the workflows (for
    # their update and query references), and with them this module, but renders nothing.
    from documents.render import _build, canonical_json, qr_payload

    data = canonical_json(answer.model_dump(mode="json"))
    digest = sha256_hex(data)
    pages = [complaint_texts.answer_page(answer, lang, digest, sample) for lang in LANGS]
    reference = answer.registration_number or answer.application_id
    pdf = _build(
        pages,
        qr_payload(reference, digest),
        answer.decided_at,
        title=pages[0].title,
        subject=document_kind(answer.complaint_id),
        keywords=f"sha256:{digest}",
    )
    return pdf, data


class Complaints:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @activity.defn(name="issue_complaint_answer")
    def issue_complaint_answer(self, answer: ComplaintAnswer) -> DocumentRef:
        sample = signs_samples(self.ctx)
        return keep_signed(
            self.ctx,
            answer.application_id,
            document_kind(answer.complaint_id),
            lambda: render_answer(answer, sample),
            answer.decided_at,
        )

    @activity.defn(name="deliver_complaint_answer")
    async def deliver_complaint_answer(
        self, answer: ComplaintAnswer, document: DocumentRef
    ) -> Delivery:
        # Only the outbox for now: no cabinet endpoint takes complaint answers yet, so
        # the row is the hand-over, and its state says "queued", not "delivered".
        now = activity.info().current_attempt_scheduled_time
        return await asyncio.to_thread(self._queue, answer, document, now)

    def _queue(self, answer: ComplaintAnswer, document: DocumentRef, now: datetime) -> Delivery:
        to = addressee(answer.complaint_id)
        key = f"{answer.application_id}:{to}"

        def payload() -> dict:
            return {
                "addressee": Addressee.cabinet.value,
                "kind": "complaint_answer",
                "application_id": answer.application_id,
                "complaint_id": answer.complaint_id,
                "outcome": answer.outcome.value,
                "revoked": answer.revoked,
                "document_sha256": document.sha256,
                "decided_at": answer.decided_at.astimezone(UTC).isoformat(),
                "text": {
                    lang: "\n".join(
                        [complaint_texts.title(lang), *complaint_texts.paragraphs(lang, answer)]
                    )
                    for lang in ("kk", "ru", "en")
                },
            }

        # Queued rows are made delivered: the outbox is the hand-over (see above).
        row = claim(self.ctx.engine, answer.application_id, to, key, payload, now,
                    sha256=document.sha256, reference=f"outbox:{key}")  # fmt: skip
        return delivered(Addressee.cabinet, row)


def complaint_activities(ctx: Context) -> list:
    """The complaint's activities, for the worker beside `all_activities(ctx)` (which
    already has `calendar_due`)."""
    complaints = Complaints(ctx)
    return [complaints.issue_complaint_answer, complaints.deliver_complaint_answer]
