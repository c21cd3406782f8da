"""`shaqyru keys`: the key ring that encrypts personal data in Temporal and in the read
model (SHAQYRU_KEYRING, or $SHAQYRU_DATA/keyring.json). For the operator; key material
is never printed."""

from __future__ import annotations

import typer

import settings
from cli.context import current_lang, verbose
from codec import KeyFile, KeysUnavailable
from texts import t

keys_app = typer.Typer(name="keys", no_args_is_help=True)


def _file() -> KeyFile:
    return KeyFile(settings.load().keyring_file)


def _fail(keys: KeyFile, e: KeysUnavailable) -> typer.Exit:
    lang = current_lang()
    if keys.exists():
        typer.echo(t("keys_unusable", lang, path=keys.path), err=True)
    else:
        typer.echo(t("keys_missing", lang, path=keys.path), err=True)
    if verbose():
        typer.echo(t("detail", lang, detail=e), err=True)
    else:
        typer.echo(t("more_with_verbose", lang), err=True)
    return typer.Exit(2)


@keys_app.command("create")
def create() -> None:
    """Make the key ring, with one key, where there is none; an existing one is kept."""
    keys = _file()
    if keys.exists():
        try:
            ring = keys.ring()
        except KeysUnavailable as e:
            raise _fail(keys, e) from None
        typer.echo(t("keys_kept", current_lang(), path=keys.path, key=ring.current))
        return
    try:
        ring = keys.create()
    except KeysUnavailable as e:  # made by someone else meanwhile
        raise _fail(keys, e) from None
    typer.echo(t("keys_made", current_lang(), path=keys.path, key=ring.current))


@keys_app.command("rotate")
def rotate() -> None:
    """Add a new key and make it current; older keys stay to read older data.

    Running workers and the codec server take the new key at their next payload."""
    keys = _file()
    try:
        ring = keys.rotate()
    except KeysUnavailable as e:
        raise _fail(keys, e) from None
    lang = current_lang()
    typer.echo(t("keys_rotated", lang, path=keys.path, key=ring.current, n=len(ring.keys)))


@keys_app.command("list")
def list_keys() -> None:
    """The ids of the keys in the ring, the current one marked."""
    keys = _file()
    try:
        ring = keys.ring()
    except KeysUnavailable as e:
        raise _fail(keys, e) from None
    for key_id in sorted(ring.keys):
        typer.echo(f"{'*' if key_id == ring.current else ' '} {key_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app)
