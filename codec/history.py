"""Decrypting a history in place, for the recorded histories the replay test keeps:
they are committed, so they must not depend on a key that lives only in one test run."""

from __future__ import annotations

from collections.abc import Iterable

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
            if field.type != FieldDescriptor.TYPE_MESSAGE:
                continue
            if field.message_type.GetOptions().map_entry:
                if field.message_type.fields_by_name["value"].type == FieldDescriptor.TYPE_MESSAGE:
                    for item in value.values():
                        visit(item)
            elif field.is_repeated:
                for item in value:
                    visit(item)
            else:
                visit(value)

    for message in messages:
        visit(message)
