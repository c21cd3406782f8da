"""The key ring: the current key encrypts, every key it holds still decrypts.

It lives in one JSON file outside the repository (`$SHAQYRU_DATA/keyring.json`, or the
file SHAQYRU_KEYRING names), mode 0600:

    {"current": "20261127-3fa9c1", "keys": {"20261127-3fa9c1": "<32 bytes, base64>"}}

Rotation adds a key and makes it current; old keys stay, since histories and rows
encrypted with them must still open. A running worker sees a rotation at its next
payload: the file is re-read whenever it changes."""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from codec.errors import KeysUnavailable, Undecryptable, UnknownKey

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # GCM's standard nonce; random, so one key is good for ~2^32 messages
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: Mapping[str, bytes]
    where: str = field(default="given in code", compare=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeysUnavailable(
                f"key ring {self.where}: the current key {self.current!r} is not in it"
            )
        for key_id, key in self.keys.items():
            if not _KEY_ID.match(key_id):
                raise KeysUnavailable(f"key ring {self.where}: bad key id {key_id!r}")
            if len(key) != KEY_BYTES:
                raise KeysUnavailable(f"key ring {self.where}: key {key_id!r} is not 32 bytes")

    def ring(self) -> KeyRing:
        """A ring is its own source (see `KeySource`)."""
        return self

    @cached_property
    def _ciphers(self) -> dict[str, AESGCM]:
        return {key_id: AESGCM(key) for key_id, key in self.keys.items()}

    def seal(self, plaintext: bytes, purpose: bytes) -> tuple[str, bytes]:
        """(key id, nonce + ciphertext + tag) under the current key.

        The purpose and the key id are bound in as associated data, so a column's blob
        cannot pass for a payload, nor a payload be relabelled with another key's id."""
        nonce = os.urandom(NONCE_BYTES)
        aad = purpose + self.current.encode()
        return self.current, nonce + self._ciphers[self.current].encrypt(nonce, plaintext, aad)

    def open(self, key_id: str, blob: bytes, purpose: bytes) -> bytes:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKey(key_id, self.where)
        try:
            return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], purpose + key_id.encode())
        except (InvalidTag, ValueError):
            raise Undecryptable(
                f"data under key {key_id!r} does not open with the key of that id in "
                f"{self.where}: another key of the same name, or the data was altered"
            ) from None

    @classmethod
    def generate(cls, where: str = "new") -> KeyRing:
        key_id = new_key_id()
        return cls(key_id, {key_id: AESGCM.generate_key(bit_length=256)}, where)

    def rotated(self) -> KeyRing:
        key_id = new_key_id()
        keys = {**self.keys, key_id: AESGCM.generate_key(bit_length=256)}
        return KeyRing(key_id, keys, self.where)

    def to_json(self) -> str:
        keys = {k: base64.b64encode(v).decode() for k, v in self.keys.items()}
        return json.dumps({"current": self.current, "keys": keys}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> KeyRing:
        try:
            data = json.loads(text)
            keys = {str(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()}
            return cls(str(data["current"]), keys, where)
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as bad:
            raise KeysUnavailable(
                f"key ring {where} is not of the form "
                '{"current": ID, "keys": {ID: base64 key}}: ' + f"{type(bad).__name__}: {bad}"
            ) from None


def new_key_id() -> str:
    # The date tells an operator how old a key is; the random part keeps ids unique.
    return f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


class KeySource(Protocol):
    def ring(self) -> KeyRing: ...


class KeyFile:
    """A key ring in a file, re-read when the file changes (a rotation by another
    process takes effect without a restart)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._ring: KeyRing | None = None

    def ring(self) -> KeyRing:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise KeysUnavailable(
                f"no key ring at {self.path}: scripts/up makes one, `shaqyru keys create` "
                "makes one by hand, or set SHAQYRU_KEYRING to the file of yours"
            ) from None
        except OSError as e:
            raise KeysUnavailable(f"key ring {self.path}: {e.strerror or e}") from None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp or self._ring is None:
                if st.st_mode & 0o077:
                    # Like ssh with a private key: a key others can read is no secret.
                    raise KeysUnavailable(
                        f"key ring {self.path} is open to others (mode "
                        f"{st.st_mode & 0o777:o}); chmod 600 it"
                    )
                try:
                    text = self.path.read_text(encoding="utf-8")
                except OSError as e:
                    raise KeysUnavailable(f"key ring {self.path}: {e.strerror or e}") from None
                self._ring = KeyRing.from_json(text, str(self.path))
                self._stamp = stamp
            return self._ring

    def exists(self) -> bool:
        return self.path.exists()

    def create(self) -> KeyRing:
        """A new ring with one key; refuses to replace a ring that is there."""
        with self._locked():
            if self.path.exists():
                raise KeysUnavailable(f"key ring {self.path} exists already")
            ring = KeyRing.generate(str(self.path))
            self._write(ring)
            return ring

    def rotate(self) -> KeyRing:
        """Adds a new current key and keeps every old one."""
        with self._locked():
            ring = self.ring().rotated()
            self._write(ring)
            return ring

    @contextlib.contextmanager
    def _locked(self):
        # Two rotations at once must not each write a ring without the other's key: data
        # sealed with the lost key would never open again.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, ring: KeyRing) -> None:
        # Written whole beside the ring, then renamed over it: a reader never sees half a
        # ring, and the file is 0600 from its first byte.
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(ring.to_json())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


_files: dict[Path, KeyFile] = {}
_files_lock = threading.Lock()


def default_keys() -> KeyFile:
    """The key ring the settings name (SHAQYRU_KEYRING, or $SHAQYRU_DATA/keyring.json): the one
    every client and the read model's sealed columns use in this process."""
    import settings

    path = settings.load().keyring_file
    with _files_lock:
        return _files.setdefault(path, KeyFile(path))
