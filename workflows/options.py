"""What every case workflow (application, complaint) asks of Temporal for its activities,
and how it refuses an action: one place, so that the two processes behave alike."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from rules.refusal import Refusal

CALENDAR = dict(start_to_close_timeout=timedelta(seconds=10))
ONCE = dict(
    start_to_close_timeout=timedelta(minutes=1),
    retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=5)),
)
# A delivery is retried until the addressee accepts it; nothing is ever given up.
DELIVERY = dict(
    start_to_close_timeout=timedelta(minutes=1),
    retry_policy=RetryPolicy(
        initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=10)
    ),
)


class Rejected(ApplicationError):
    """An action the case refused; carries the reason in three languages."""

    def __init__(self, refusal: Refusal) -> None:
        texts = {lang: refusal.text(lang) for lang in ("kk", "ru", "en")}
        super().__init__(
            texts["en"], {"code": refusal.code, **texts}, type=refusal.code, non_retryable=True
        )
