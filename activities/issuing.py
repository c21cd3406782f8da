"""The chairman's answer as a document (para. 10, Annexes 3 and 4): a conclusion on
deferral or exemption, or a motivated refusal notice.

A refusal states exactly the ground of para. 9 the chairman gave; none is ever assumed.
A document signed with the development key says on every page that it is a sample."""

from __future__ import annotations

from datetime import datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.context import Context
from activities.paperwork import keep_signed
from documents.sign import is_development
from models.application import Application
from models.case import Issued, Registration, Revoked
from models.decisions import ChairmanDecision, ChairmanVerdict
from models.result import Result, ResultKind
from models.roster import District
from rules.timezone import ALMATY


def build_result(
    app: Application, reg: Registration, decision: ChairmanDecision, issued_at: datetime
) -> Result:
    """The result of the chairman's decision. Raises a non-retryable ApplicationError for
    a refusal without its ground: the case checks it at the decision, so reaching here
    without one is a defect to look at, and inventing a ground would misstate the law."""
    granted = decision.verdict == ChairmanVerdict.grant
    if not granted and decision.refusal_ground not in (1, 2):
        raise ApplicationError(
            f"the refusal of {app.application_id} has no ground of para. 9 "
            f"({decision.refusal_ground!r}); not issuing a notice without one",
            type="result.no_refusal_ground",
            non_retryable=True,
        )
    return Result(
        kind=ResultKind.conclusion if granted else ResultKind.refusal,
        service=app.service,
        ground=app.ground,
        application_id=app.application_id,
        registration_number=reg.number,
        district=reg.commission.code,
        commission=reg.commission.commission_kk,
        applicant_name=app.applicant.full_name,
        applicant_address=app.applicant.address,
        reason=app.reason,
        until=decision.until if granted else None,
        refusal_ground=None if granted else decision.refusal_ground,
        refusal_reasons=[] if granted else [r.strip() for r in decision.reasons if r.strip()],
        chairman_id=reg.commission.chairman.id,
        chairman_name=reg.commission.chairman.name,
        issued_at=issued_at,
        issued_on=issued_at.astimezone(ALMATY).date(),
    )


def signs_samples(ctx: Context) -> bool:
    """Whether this worker signs with the development key, so that what it issues must
    say on its face that it is a sample (registration's Annex 1 too)."""
    return is_development(ctx.signer()[1])


def render_issued(ctx: Context, result: Result, district: District | None) -> tuple[bytes, bytes]:
    """The result's PDF, marked as a sample when the worker's key is the development one,
    and its canonical JSON: what `keep_signed` stores."""
    # Loaded at the first document, not at import: the CLI imports the workflows (for
    # their update and query references), and with them this module, but renders nothing.
    from documents.render import render_result, result_json

    return render_result(result, district, sample=signs_samples(ctx)), result_json(result)


class Issuer:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @activity.defn(name="issue_result")
    def issue_result(
        self,
        app: Application,
        registration: Registration,
        decision: ChairmanDecision,
        decided_at: datetime,
    ) -> Issued:
        return self._issue(app, registration, decision)

    # An activity of its own rather than optional parameters: the SDK decodes the
    # arguments of a call with fewer payloads than parameters untyped.
    @activity.defn(name="issue_revised_result")
    def issue_revised_result(
        self,
        app: Application,
        registration: Registration,
        decision: ChairmanDecision,
        replaces: Revoked,
    ) -> Issued:
        """The case decides again after a complaint revoked the result `replaces`: the
        result row takes the new one, the documents keep both."""
        return self._issue(app, registration, decision, replaces)

    def _issue(
        self,
        app: Application,
        registration: Registration,
        decision: ChairmanDecision,
        replaces: Revoked | None = None,
    ) -> Issued:
        # The database is imported here, as documents.render is in `render_issued`, and for
        # the same reason.
        from sqlmodel import Session

        from models.tables import ResultRow

        revision = replaces.revision if replaces else 0
        with Session(self.ctx.engine) as db:
            row = db.get(ResultRow, app.application_id)
            if row is None or row.revision < revision:
                # The first attempt's schedule time, so a retry issues the same document.
                issued_at = activity.info().scheduled_time.astimezone(ALMATY)
                result = build_result(app, registration, decision, issued_at)
                fresh = ResultRow(
                    application_id=app.application_id,
                    kind=result.kind.value,
                    registration_number=result.registration_number,
                    issued_at=result.issued_at,
                    revision=revision,
                    data=result.model_dump(mode="json"),
                )
                if row is None:
                    row = fresh
                else:
                    for name in ("kind", "registration_number", "issued_at", "revision", "data"):
                        setattr(row, name, getattr(fresh, name))
                db.add(row)
                db.commit()
            result = Result.model_validate(row.data)
        issued = Issued(result=result, revision=revision, replaces=replaces)
        document = keep_signed(
            self.ctx,
            app.application_id,
            issued.document_kind,
            lambda: render_issued(self.ctx, result, registration.commission),
            result.issued_at,
        )
        return issued.model_copy(update={"documents": [document]})
