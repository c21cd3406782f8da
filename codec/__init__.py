"""Personal data encrypted wherever it rests outside the worker: every Temporal payload
(AES-256-GCM, through the SDK's payload codec) and the read model's columns that hold
it, with one key ring. The codec server lets the Temporal UI show it to those who hold
the token."""

from codec.errors import CodecError, KeysUnavailable, Undecryptable, UnknownKey
from codec.history import decrypt_in_place
from codec.keys import KeyFile, KeyRing, KeySource, default_keys
from codec.payloads import EncryptionCodec, data_converter

__all__ = [
    "CodecError",
    "EncryptionCodec",
    "KeyFile",
    "KeyRing",
    "KeySource",
    "KeysUnavailable",
    "Undecryptable",
    "UnknownKey",
    "data_converter",
    "decrypt_in_place",
    "default_keys",
]
