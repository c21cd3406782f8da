"""`shaqyru verify` checks a document against its detached signature and says who signed
it and when. Exit status: 0 valid, 1 the signature does not verify, 2 bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

import settings
from rules.timezone import ALMATY

VALID, INVALID, BAD_INPUT = 0, 1, 2


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
) -> None:
    """Write a case's documents to a folder: each PDF, its signature and its JSON.

    The signature sits beside the PDF as .p7s; the bytes come from the document store."""
    from sqlmodel import Session, select

    from activities.db import connect
    from documents.store import DocumentStore
    from models.tables import DocumentRow

    cfg = settings.load()
    with Session(connect(cfg.db_url)) as db:
        rows = db.exec(select(DocumentRow).where(DocumentRow.application_id == app_id)).all()
    if not rows:
        typer.echo(f"APP: no documents for application {app_id!r} in {cfg.db_url}", err=True)
        raise typer.Exit(BAD_INPUT)
    store = DocumentStore(cfg.docs_dir)
    out.mkdir(parents=True, exist_ok=True)
    for row in rows:
        files = {
            f"{row.kind}.pdf": row.sha256,
            f"{row.kind}.pdf.p7s": row.signature_sha256,
            f"{row.kind}.json": row.json_sha256,
        }
        for name, sha in files.items():
            if sha:
                (out / name).write_bytes(store.get(sha))
                typer.echo(str(out / name))


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_cmd)
    app.command("documents")(documents_cmd)
