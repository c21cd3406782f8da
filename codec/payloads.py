"""The payload codec: every payload a client or worker of ours sends to Temporal is
encrypted; what comes back is decrypted.

An encrypted payload is

    metadata: encoding = binary/encrypted, encryption-key-id = <id of the key>
    data:     nonce (12 bytes) + AES-256-GCM(flag byte + the original Payload message)

where the flag says whether the message was zlib-compressed first. Only the two labels
are in clear; the original encoding and metadata are inside the ciphertext.

A payload without the `binary/encrypted` encoding passes through decode untouched:
histories recorded before encryption, and cases opened before it, still read."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence

from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

from codec.errors import Undecryptable
from codec.keys import KeyRing, KeySource

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
PURPOSE = b"shaqyru/temporal-payload/"
COMPRESS_FROM = 512
"""Bytes from which a payload is compressed: below it zlib gains nothing worth its time."""
MAX_UNPACKED = 16 * 1024 * 1024
"""The most a payload may inflate to. Temporal refuses payloads over 2 MiB and ours
compress a few times over; a thousandfold one (3 MiB of zeros in 3 KB) was made to
exhaust whoever reads it."""

_PLAIN, _ZLIB = b"\x00", b"\x01"


def is_encrypted(payload: Payload) -> bool:
    return payload.metadata.get("encoding") == ENCODING


def encrypt(payload: Payload, ring: KeyRing) -> Payload:
    body = payload.SerializeToString(deterministic=True)
    packed = _PLAIN + body
    if len(body) >= COMPRESS_FROM:
        squeezed = zlib.compress(body, 6)
        if len(squeezed) < len(body):
            packed = _ZLIB + squeezed
    key_id, blob = ring.seal(packed, PURPOSE)
    return Payload(metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=blob)


def decrypt(payload: Payload, ring: KeyRing) -> Payload:
    key_id = payload.metadata.get(KEY_ID, b"").decode("utf-8", "replace")
    packed = ring.open(key_id, payload.data, PURPOSE)
    try:
        body = _inflate(packed[1:], key_id) if packed[:1] == _ZLIB else packed[1:]
        return Payload.FromString(body)
    except (zlib.error, DecodeError):
        # Authenticated, yet not ours: written by another program with the same key.
        raise Undecryptable(f"payload under key {key_id!r} is not a Temporal payload") from None


def _inflate(data: bytes, key_id: str) -> bytes:
    inflater = zlib.decompressobj()
    body = inflater.decompress(data, MAX_UNPACKED)
    if inflater.unconsumed_tail:
        raise Undecryptable(f"payload under key {key_id!r} unpacks to over {MAX_UNPACKED} bytes")
    if not inflater.eof:
        raise zlib.error("incomplete compressed data")
    return body


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: KeySource) -> None:
        self.keys = keys

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        ring = self.keys.ring()
        return [encrypt(p, ring) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        # The ring is read only when something is encrypted: plain histories need no key.
        ring: KeyRing | None = None
        out = []
        for p in payloads:
            if is_encrypted(p):
                ring = ring or self.keys.ring()
                out.append(decrypt(p, ring))
            else:
                out.append(p)
        return out


def data_converter(keys: KeySource) -> DataConverter:
    """The pydantic converter with every payload encrypted by `keys`.

    Failure messages and stack traces are moved into an encrypted payload as well: an
    error raised on a bad value can quote it."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
