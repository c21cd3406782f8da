"""Decrypting a history in place, for the recorded histories the replay test keeps:
they are committed, so they must not depend on a key that lives only in one test run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload

from codec.keys import KeySource
from codec.payloads import decrypt, is_encrypted


def decrypt_in_place(messages: Iterable[Message], keys: KeySource) -> None:
    """Every encrypted payload anywhere inside `messages` (history events, say) replaced
    by its plain original; plain payloads are left as they are."""
    ring = keys.ring()

    def visit(message: Message) -> None:
        if isinstance(message, Payload):
            if is_encrypted(message):
                message.CopyFrom(decrypt(message, ring))
            return
        for field, value in message.ListFields():
            for item in _messages_in(field, value):
                visit(item)

    for message in messages:
        visit(message)


def _messages_in(field: FieldDescriptor, value: Any) -> Iterable[Message]:
    """The messages a set field holds: one, a repeated field's, or a map's values."""
    kind = field.message_type
    if field.type != FieldDescriptor.TYPE_MESSAGE or kind is None:
        return ()
    if kind.GetOptions().map_entry:
        holds_messages = kind.fields_by_name["value"].type == FieldDescriptor.TYPE_MESSAGE
        return value.values() if holds_messages else ()
    return value if field.is_repeated else (value,)
