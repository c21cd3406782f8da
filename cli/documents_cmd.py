"""`shaqyru verify` checks a document against its detached signature and says who signed
it and when. Exit status: 0 valid, 1 the signature does not verify, 2 bad input.

`shaqyru documents` writes a case's documents out, 0600 in a folder it makes 0700, for
these are personal data. Exit status: 0 written, 1 the read model or the document store
cannot give them, 2 bad input (unknown case; --out a file, not writable, or holding a
file of the same name without --force)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer

import settings
from rules.timezone import ALMATY

VALID, INVALID, BAD_INPUT = 0, 1, 2
UNAVAILABLE = 1


def verify_cmd(
    pdf: Annotated[Path, typer.Argument(help="The document (PDF)")],
    sig: Annotated[
        Path | None,
        typer.Argument(help="Its detached CMS signature; default: PDF + .p7s"),
    ] = None,
    cert: Annotated[
        Path | None,
        typer.Option(
            "--cert",
            help="Certificate the signer must chain to; default: SHAQYRU_SIGNING_CERT, "
            "else the development certificate in the data folder",
        ),
    ] = None,
) -> None:
    """Check a document's signature; print who signed it and when."""
    from documents import sign

    sig = sig or pdf.with_name(pdf.name + ".p7s")
    cfg = settings.load()
    if cert is None:
        cert = Path(cfg.signing_cert) if cfg.signing_cert else sign.dev_cert_path(cfg.data_dir)
    for label, path in (("document", pdf), ("signature", sig), ("certificate", cert)):
        if not path.is_file():
            typer.echo(f"error: {label} not found: {path}", err=True)
            raise typer.Exit(BAD_INPUT)

    data = pdf.read_bytes()
    try:
        found = sign.verify(data, sig.read_bytes(), cert)
    except sign.MalformedSignature as bad:
        typer.echo(f"error: {sig}: {bad}", err=True)
        raise typer.Exit(BAD_INPUT) from None
    except ValueError as bad:
        typer.echo(f"error: {bad}", err=True)
        raise typer.Exit(BAD_INPUT) from None
    except sign.SignatureError as bad:
        typer.echo(f"INVALID: {pdf}: {bad}")
        raise typer.Exit(INVALID) from None

    typer.echo(f"VALID: {pdf}")
    typer.echo(f"  signed by: {found.signer}")
    if found.signed_at is not None:
        local = found.signed_at.astimezone(ALMATY)
        typer.echo(
            f"  signed at: {local:%Y-%m-%d %H:%M:%S} Asia/Almaty "
            f"({found.signed_at:%Y-%m-%d %H:%M:%S} UTC)"
        )
    else:
        typer.echo("  signed at: not stated in the signature")
    typer.echo(f"  trusted certificate: {cert}")
    typer.echo(f"  document SHA-256: {hashlib.sha256(data).hexdigest()}")
    if sign.DEV_COMMON_NAME in found.signer:
        typer.echo("  note: development key - not valid for legal use")


def documents_cmd(
    app_id: Annotated[str, typer.Argument(metavar="APP", help="The portal's application id")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the documents to")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace files of the same name in the folder")
    ] = False,
) -> None:
    """Write a case's documents to a folder: each PDF, its signature and its JSON.

    The signature sits beside the PDF as .p7s; the bytes come from the document store."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session, select

    from activities.db import connect
    from documents.store import Corrupted, DocumentStore, private_dir, write_atomic
    from models.tables import DocumentRow

    def fail(code: int, message: str) -> NoReturn:
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(code)

    # Everything is checked and read before the first file is written, so a refusal
    # leaves the folder as it was.
    if out.exists() and not out.is_dir():
        fail(BAD_INPUT, f"--out: {out} is a file, not a folder")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        fail(BAD_INPUT, f"--out: the folder {out} is not writable")
    cfg = settings.load()
    try:
        with Session(connect(cfg.db_url)) as db:
            rows = db.exec(select(DocumentRow).where(DocumentRow.application_id == app_id)).all()
    except (OSError, SQLAlchemyError) as e:
        fail(UNAVAILABLE, f"cannot read the read model {cfg.db_url}: {e}")
    if not rows:
        fail(BAD_INPUT, f"APP: no documents for application {app_id!r} in {cfg.db_url}")
    store = DocumentStore(cfg.docs_dir)
    files: dict[Path, bytes] = {}
    try:
        for row in rows:
            for name, sha in (
                (f"{row.kind}.pdf", row.sha256),
                (f"{row.kind}.pdf.p7s", row.signature_sha256),
                (f"{row.kind}.json", row.json_sha256),
            ):
                if sha:
                    files[out / name] = store.get(sha)
    except (OSError, Corrupted) as e:
        fail(UNAVAILABLE, f"the document store {cfg.docs_dir} cannot give them: {e}")
    there = [str(path) for path in files if path.exists() or path.is_symlink()]
    if there and not force:
        fail(BAD_INPUT, f"--out: already there (--force replaces them): {', '.join(there)}")
    try:
        private_dir(out)
        for path, data in files.items():
            write_atomic(path, data)
            typer.echo(str(path))
    except OSError as e:
        where = f" ({e.filename})" if e.filename else ""
        fail(BAD_INPUT, f"--out: cannot write to {out}: {e.strerror or e}{where}")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_cmd)
    app.command("documents")(documents_cmd)
