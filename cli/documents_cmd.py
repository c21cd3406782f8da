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
from cli.context import PREFIX, current_lang, verbose
from cli.render import when
from texts import t

VALID, INVALID, BAD_INPUT = 0, 1, 2
UNAVAILABLE = 1


def verify_cmd(
    pdf: Annotated[Path, typer.Argument(show_default=False)],
    sig: Annotated[Path | None, typer.Argument(show_default=False)] = None,
    cert: Annotated[Path | None, typer.Option("--cert")] = None,
) -> None:
    """The verdict's code, [VALID] or [INVALID], ends its line for scripts that look."""
    from documents import sign

    sig = sig or pdf.with_name(pdf.name + ".p7s")
    cfg = settings.load()
    if cert is None:
        cert = Path(cfg.signing_cert) if cfg.signing_cert else sign.dev_cert_path(cfg.data_dir)
    lang = current_lang()
    for label, path in (("document", pdf), ("signature", sig), ("certificate", cert)):
        if not path.is_file():
            what = t(f"verify_{label}", lang)
            typer.echo(t("verify_not_found", lang, what=what, path=path), err=True)
            raise typer.Exit(BAD_INPUT)

    data = pdf.read_bytes()
    try:
        found = sign.verify(data, sig.read_bytes(), cert)
    except sign.MalformedSignature as bad:
        _fail(BAD_INPUT, t("verify_malformed", lang, path=sig), bad)
    except ValueError as bad:
        _fail(BAD_INPUT, t("verify_bad_cert", lang, path=cert), bad)
    except sign.SignatureError as bad:
        typer.echo(t("verify_invalid", lang, path=pdf))
        if verbose():
            typer.echo(t("detail", lang, detail=bad))
        raise typer.Exit(INVALID) from None

    typer.echo(t("verify_valid", lang, path=pdf))
    # The development certificate names itself in English; the reader is told what it is.
    development = sign.DEV_COMMON_NAME in found.signer
    signer = t("verify_dev_signer", lang) if development else found.signer
    typer.echo(f"  {t('verify_signer', lang)}: {signer}")
    at = f"{when(found.signed_at)} Asia/Almaty" if found.signed_at else None
    typer.echo(f"  {t('verify_signed_at', lang)}: {at or t('verify_no_time', lang)}")
    typer.echo(f"  {t('verify_trusted', lang)}: {cert}")
    typer.echo(f"  {t('verify_sha', lang)}: {hashlib.sha256(data).hexdigest()}")
    if development:
        typer.echo(f"  {t('verify_dev', lang)}")


def _fail(code: int, message: str, detail: object = None) -> NoReturn:
    typer.echo(message, err=True)
    if detail is not None and verbose():
        typer.echo(t("detail", current_lang(), detail=detail), err=True)
    raise typer.Exit(code)


def documents_cmd(
    app: Annotated[str, typer.Argument(show_default=False)],
    out: Annotated[Path, typer.Option("--out")],
    force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
    """The signature sits beside the PDF as .p7s; the bytes come from the document store."""
    from documents.store import private_dir, write_atomic

    lang = current_lang()
    # Everything is checked and read before the first file is written, so a refusal
    # leaves the folder as it was.
    if out.exists() and not out.is_dir():
        _fail(BAD_INPUT, t("docs_out_is_file", lang, out=out))
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        _fail(BAD_INPUT, t("docs_out_not_writable", lang, out=out))
    files = _gather(app.strip().removeprefix(PREFIX), out, lang)
    there = [str(path) for path in files if path.exists() or path.is_symlink()]
    if there and not force:
        _fail(BAD_INPUT, t("docs_there", lang, files=", ".join(there)))
    try:
        private_dir(out)
        for path, data in files.items():
            write_atomic(path, data)
            typer.echo(str(path))
    except OSError as e:
        _fail(BAD_INPUT, t("docs_cannot_write", lang, out=out), e)


def _gather(app_id: str, out: Path, lang: str) -> dict[Path, bytes]:
    """Every file of the case's documents, by where it is to be written."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session, select

    from activities.db import engine_for
    from cli.db_cmd import driver_words, shown_url
    from documents.store import Corrupted, DocumentStore
    from models.tables import DocumentRow

    cfg = settings.load()
    try:
        # Read only: a caseworker's command line migrates no one's database.
        with Session(engine_for(cfg.db_url)) as db:
            rows = db.exec(select(DocumentRow).where(DocumentRow.application_id == app_id)).all()
    except (OSError, SQLAlchemyError) as e:
        message = t("docs_no_read_model", lang, db=shown_url(cfg.db_url))
        _fail(UNAVAILABLE, message, driver_words(e, cfg.db_url))
    if not rows:
        _fail(BAD_INPUT, t("docs_none", lang, app=app_id), app_id)
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
        _fail(UNAVAILABLE, t("docs_store", lang, folder=cfg.docs_dir), e)
    return files


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_cmd)
    app.command("documents")(documents_cmd)
