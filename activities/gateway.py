"""State records through the e-government gateway (standard row 8, closing sentence): the
provider itself takes the identity document's data, and for deferral also the records
of a child's birth, a spouse's death and a marriage, from the state information systems;
the applicant does not upload them. What they say against the application becomes
findings (`rules.findings`).

The request is a JSON POST of the IIN and the kinds of record the standard names for the
service; the answer is parsed strictly (`models.findings.GatewayAnswer`) and read only up
to ANSWER_LIMIT bytes, inside one total deadline. Asking is a read: a retry asks again
with the same key and changes nothing. Without SHAQYRU_GATEWAY_URL nothing is asked and
the answer says so (`StateRecords.asked` is False).

Failures name neither the IIN nor anything of the answer: they show in the Temporal UI.
A gateway that cannot be reached, times out or fails (5xx) is retried, and so is one
that turns the request away for the moment: 408, 425, 429, or a temporary redirect
(307, 308) from a load balancer in front of it; redirects are not followed. One that
refuses the request (any other 3xx or 4xx) or answers with something that is not a
valid answer is not, since asking the same again gets the same (type `gateway.refused`
/ `gateway.malformed`)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pydantic import ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

import settings
from activities.context import Context
from activities.delivery import _clip, _shown, _tls
from models.application import Application
from models.findings import GatewayAnswer, RecordKind, StateRecords
from rules.regulation import gateway_records

# httpx is imported by the activity that asks: the CLI imports this module through the
# workflows, for their activity references, and asks nothing.
if TYPE_CHECKING:
    import httpx

ANSWER_LIMIT = 64 * 1024
"""Bytes of an answer read at most: twenty records of each kind fit many times over."""
MESSAGE_LIMIT = 300


# Refusals of the moment, not of the request: too many requests, a timeout, too early,
# and a load balancer's temporary redirect (redirects are never followed).
_PASSING = frozenset({307, 308, 408, 425, 429})


def records_key(application_id: str) -> str:
    return f"{application_id}:records"


def _failure(endpoint: str, what: str, kind: str, retry: bool = True) -> ApplicationError:
    tail = "; will retry" if retry else ""
    return ApplicationError(
        _clip(f"gateway {_shown(endpoint)}: {_clip(what, 150)}{tail}", MESSAGE_LIMIT),
        type=kind,
        non_retryable=not retry,
    )


async def _read_bounded(response: httpx.Response, limit: int) -> bytes | None:
    """The whole answer, or None once it passes `limit` bytes."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    answer = bytearray()
    async for chunk in response.aiter_raw():
        answer += chunk
        if len(answer) > limit:
            return None
    return bytes(answer)


def _problem(error: ValidationError) -> str:
    # Where and what kind, never the input: the answer is personal data.
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "answer"
    return f"{where}: {first['type']} ({error.error_count()} error(s))"


def keep_asked(answer: GatewayAnswer, kinds: tuple[RecordKind, ...]) -> StateRecords:
    """The answer reduced to the kinds asked for: the case keeps no record the standard
    does not name for its service, whatever else the gateway sent."""
    return StateRecords(
        asked=True,
        kinds=list(kinds),
        identity=answer.identity if RecordKind.identity in kinds else None,
        child_births=answer.child_births if RecordKind.child_birth in kinds else [],
        marriages=answer.marriages if RecordKind.marriage in kinds else [],
        spouse_deaths=answer.spouse_deaths if RecordKind.spouse_death in kinds else [],
    )


class Gateway:
    def __init__(self, url: str | None, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    @classmethod
    def for_context(cls, ctx: Context) -> Gateway:
        """The gateway of this worker: `ctx.endpoints["gateway"]` when the context names
        one (tests do), else the settings."""
        cfg = settings.load()
        url = ctx.endpoints["gateway"] if "gateway" in ctx.endpoints else cfg.gateway_url
        return cls(url, cfg.gateway_timeout)

    def _deadline(self) -> float:
        """Inside the attempt's start-to-close timeout, so that the reason is ours and not
        a bare "activity timeout"."""
        limit = activity.info().start_to_close_timeout
        return min(self.timeout, limit.total_seconds() * 0.8) if limit else self.timeout

    @activity.defn(name="fetch_state_records")
    async def fetch_state_records(self, application: Application) -> StateRecords:
        import httpx

        kinds = gateway_records(application.service)
        if not self.url:
            return StateRecords.not_asked()
        url = self.url
        body = {
            "request_id": application.application_id,
            "iin": application.applicant.iin,
            "records": [k.value for k in kinds],
        }
        headers = {
            "Idempotency-Key": records_key(application.application_id),
            "Accept": "application/json",
            # Uncompressed, so that the bytes counted against ANSWER_LIMIT are the answer's.
            "Accept-Encoding": "identity",
        }
        deadline = self._deadline()
        # httpx's own timeouts bound each read; a gateway that trickles a byte at a time
        # never trips them, so one deadline bounds the whole exchange.
        try:
            async with asyncio.timeout(deadline):
                async with httpx.AsyncClient(timeout=None, verify=_tls()) as client:
                    async with client.stream("POST", url, json=body, headers=headers) as response:
                        answer = await _read_bounded(response, ANSWER_LIMIT)
        except TimeoutError:
            raise _failure(url, f"no answer within {deadline:g} s", "gateway.timeout") from None
        except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.InvalidURL) as problem:
            what = f"unreachable ({type(problem).__name__})"
            raise _failure(url, what, "gateway.unreachable") from None
        except httpx.HTTPError as problem:
            what = f"connection lost ({type(problem).__name__})"
            raise _failure(url, what, "gateway.connection_lost") from None
        status = response.status_code
        if status >= 500 or status in _PASSING:
            raise _failure(url, f"answered {status}", "gateway.http_status")
        if status >= 300:
            raise _failure(url, f"refused the request: {status}", "gateway.refused", retry=False)
        if answer is None:
            what = f"answer larger than {ANSWER_LIMIT // 1024} KiB"
            raise _failure(url, what, "gateway.malformed", retry=False)
        try:
            parsed = GatewayAnswer.model_validate_json(answer)
        except ValidationError as bad:
            raise _failure(url, _problem(bad), "gateway.malformed", retry=False) from None
        iin = application.applicant.iin
        if parsed.iin != iin or (parsed.identity is not None and parsed.identity.iin != iin):
            what = "the answer is about another IIN than the one asked"
            raise _failure(url, what, "gateway.malformed", retry=False)
        return keep_asked(parsed, kinds)
