"""`shaqyru keys`: the key ring that encrypts personal data in Temporal and in the read
model (SHAQYRU_KEYRING, or $SHAQYRU_DATA/keyring.json). For the operator; key material
is never printed."""

from __future__ import annotations

import typer

import settings
from codec import KeyFile, KeysUnavailable

keys_app = typer.Typer(
    name="keys",
    help="The key ring that encrypts personal data: create it, rotate it, list its keys.",
    no_args_is_help=True,
)


def _file() -> KeyFile:
    return KeyFile(settings.load().keyring_file)


def _fail(e: KeysUnavailable) -> typer.Exit:
    typer.echo(f"keys: {e}", err=True)
    return typer.Exit(2)


@keys_app.command("create")
def create() -> None:
    """Make the key ring, with one key, where there is none; an existing one is kept."""
    keys = _file()
    if keys.exists():
        try:
            ring = keys.ring()
        except KeysUnavailable as e:
            raise _fail(e) from None
        typer.echo(f"{keys.path}: kept, current key {ring.current}")
        return
    try:
        ring = keys.create()
    except KeysUnavailable as e:  # made by someone else meanwhile
        raise _fail(e) from None
    typer.echo(f"{keys.path}: made, current key {ring.current}")


@keys_app.command("rotate")
def rotate() -> None:
    """Add a new key and make it current; older keys stay to read older data.

    Running workers and the codec server take the new key at their next payload."""
    keys = _file()
    try:
        ring = keys.rotate()
    except KeysUnavailable as e:
        raise _fail(e) from None
    typer.echo(f"{keys.path}: current key {ring.current} ({len(ring.keys)} keys)")


@keys_app.command("list")
def list_keys() -> None:
    """The ids of the keys in the ring, the current one marked."""
    keys = _file()
    try:
        ring = keys.ring()
    except KeysUnavailable as e:
        raise _fail(e) from None
    for key_id in sorted(ring.keys):
        typer.echo(f"{'*' if key_id == ring.current else ' '} {key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app)
