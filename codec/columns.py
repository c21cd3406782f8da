"""A read-model column whose JSON is stored encrypted with the same key ring as the
payloads: the row keeps its clear keys and kinds for reports, the personal data in it
(names, addresses, free-text reasons) rests as ciphertext.

Stored as a JSON object {"sealed": key id, "data": base64(nonce + ciphertext)}; a value of
any other shape is a row written before encryption and reads back as it is."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator

from codec.errors import Undecryptable
from codec.keys import default_keys

PURPOSE = b"shaqyru/read-model-column/"


def seal(value: Any) -> dict:
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    key_id, blob = default_keys().ring().seal(plain, PURPOSE)
    return {"sealed": key_id, "data": base64.b64encode(blob).decode()}


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, dict) and set(stored) == {"sealed", "data"}


def unseal(stored: Any) -> Any:
    if not is_sealed(stored):
        return stored
    try:
        blob = base64.b64decode(stored["data"], validate=True)
    except (binascii.Error, TypeError):
        raise Undecryptable(f"sealed column under key {stored['sealed']!r} is not base64") from None
    return json.loads(default_keys().ring().open(str(stored["sealed"]), blob, PURPOSE))


class SealedJSON(TypeDecorator):
    """JSON, encrypted at rest. Its content cannot be queried in SQL: keep what reports
    filter on in clear columns beside it."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else seal(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else unseal(value)
