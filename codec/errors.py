"""What goes wrong with keys, as types a command line can catch and explain."""

from __future__ import annotations


class CodecError(Exception):
    """Personal data cannot be encrypted or decrypted with the keys at hand."""


class KeysUnavailable(CodecError):
    """There is no usable key ring: missing, unreadable, malformed, or open to others."""


class UnknownKey(CodecError):
    """Data was encrypted with a key that this key ring does not hold."""

    def __init__(self, key_id: str, where: str) -> None:
        super().__init__(
            f"the data was encrypted with key {key_id!r}, which the key ring {where} does "
            "not hold; use the key ring the worker uses (SHAQYRU_KEYRING)"
        )
        self.key_id = key_id


class Undecryptable(CodecError):
    """The key's id matches but the data does not open: another key of that name, or
    the data was altered."""
