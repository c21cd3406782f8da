"""What the project writes holds IINs and names: every file it makes is 0600, every folder
0700, whatever the umask; `documents --out` refuses what it cannot do cleanly; a killed
writer's leftovers are swept."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from activities.context import Context
from activities.db import connect
from activities.paperwork import keep_signed
from documents import render, sign
from documents.store import DocumentStore, private_dir
from models.case import DocumentRef
from models.tables import DocumentRow
from settings import ROOT
from tests.helpers import DEFERRAL, DISTRICT, documents_cli, make_context


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    # The usual umask would hand out 0644 and 0755: the modes must not depend on it.
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_private_dir_makes_every_missing_folder_0700(tmp_path: Path) -> None:
    private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3


def test_read_model_database_and_its_wal_are_0600(tmp_path: Path) -> None:
    db = tmp_path / "data" / "shaqyru.db"
    engine = connect(f"sqlite:///{db}")
    with engine.connect() as conn:  # the -wal and -shm exist while a connection is open
        conn.execute(
            text("INSERT INTO documents (application_id, kind, sha256, created_at)"
                 " VALUES ('A', 'pdf', 'f', '2025-03-12')")
        )  # fmt: skip
        conn.commit()
        files = [db, db.with_name("shaqyru.db-wal"), db.with_name("shaqyru.db-shm")]
        assert [mode(f) for f in files] == [0o600] * 3
    engine.dispose()
    assert mode(db.parent) == 0o700


def test_a_looser_database_from_before_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "shaqyru.db"
    connect(f"sqlite:///{db}").dispose()
    db.chmod(0o644)
    connect(f"sqlite:///{db}").dispose()
    assert mode(db) == 0o600


def test_store_files_and_folders(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "data" / "documents")
    sha = store.put(b"%PDF- with an IIN inside")
    assert mode(store.path(sha)) == 0o600
    assert mode(store.path(sha).parent) == mode(store.root) == mode(store.root.parent) == 0o700


def test_dev_signing_key_and_folder(tmp_path: Path) -> None:
    key, cert = sign.ensure_dev_identity(tmp_path / "data")
    assert (mode(key), mode(cert)) == (0o600, 0o600)
    assert mode(key.parent) == mode(tmp_path / "data") == 0o700


def test_font_cache_is_in_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path / "data"))
    assert render.font_cache_dir() == tmp_path / "data" / "fonts"
    render.render_result(DEFERRAL, DISTRICT)
    faces = list((tmp_path / "data" / "fonts").iterdir())
    assert len(faces) == 2 and all(f.suffix == ".ttf" for f in faces)
    assert [mode(f) for f in faces] == [0o600, 0o600]
    assert mode(tmp_path / "data" / "fonts") == mode(tmp_path / "data") == 0o700


def test_an_unwritable_font_cache_costs_speed_not_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path / "file"))
    assert render.render_result(DEFERRAL, DISTRICT).startswith(b"%PDF")


# --- the sweep ------------------------------------------------------------------------


def test_sweep_removes_a_stale_temp_file_and_keeps_a_fresh_one(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    sha = store.put(b"kept")
    stale, fresh = store.path(sha).with_name(".tmp-stale"), store.path(sha).with_name(".tmp-new")
    stale.write_bytes(b"half a PDF from a killed worker")
    fresh.write_bytes(b"a put still running")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert store.sweep() == [stale]
    assert not stale.exists() and fresh.exists() and store.get(sha) == b"kept"
    assert DocumentStore(tmp_path / "never-made").sweep() == []


# --- shaqyru documents --out ----------------------------------------------------------


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A case with a real signed conclusion in a read model under SHAQYRU_DATA."""
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path / "data"))
    for name in ("SHAQYRU_DATABASE_URL", "SHAQYRU_DOCUMENTS"):
        monkeypatch.delenv(name, raising=False)
    ctx = make_context(tmp_path / "data")
    keep_signed(
        ctx,
        "EGOV-1",
        "conclusion",
        lambda: (render.render_result(DEFERRAL, DISTRICT), render.result_json(DEFERRAL)),
        datetime(2025, 3, 12, 6, tzinfo=UTC),
    )
    ctx.engine.dispose()
    return "EGOV-1"


def export(*args: str) -> tuple[int, str]:
    # The command speaks Kazakh unless told otherwise; these tests read its English.
    done = CliRunner().invoke(documents_cli(), ["documents", *args], env={"SHAQYRU_LANG": "en"})
    # A refusal ends in typer.Exit; anything else escaping would be a traceback.
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.output


NAMES = ["conclusion.json", "conclusion.pdf", "conclusion.pdf.p7s"]


def test_export_writes_private_files_in_a_private_folder(case: str, tmp_path: Path) -> None:
    out = tmp_path / "export" / "egov-1"
    code, output = export(case, "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == NAMES  # no temporary file left over
    assert [mode(out / n) for n in NAMES] == [0o600] * 3
    assert mode(out) == mode(out.parent) == 0o700
    cert = sign.dev_cert_path(tmp_path / "data")
    sign.verify((out / "conclusion.pdf").read_bytes(), (out / "conclusion.pdf.p7s").read_bytes(),
                cert)  # fmt: skip


def test_export_refuses_to_overwrite_without_force(case: str, tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "conclusion.pdf").write_bytes(b"the caseworker's own file")
    code, output = export(case, "--out", str(out))
    assert code == 2 and "already there" in output and "conclusion.pdf" in output
    assert (out / "conclusion.pdf").read_bytes() == b"the caseworker's own file"
    assert [p.name for p in out.iterdir()] == ["conclusion.pdf"]  # nothing half done

    code, output = export(case, "--out", str(out), "--force")
    assert code == 0, output
    assert (out / "conclusion.pdf").read_bytes().startswith(b"%PDF")
    assert mode(out / "conclusion.pdf") == 0o600


def test_export_onto_a_file_is_refused(case: str, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    code, output = export(case, "--out", str(target))
    assert code == 2 and f"{target} is a file, not a folder" in output
    assert target.read_text() == "keep me"


def test_export_under_a_file_is_refused(case: str, tmp_path: Path) -> None:
    # Root ignores permission bits; a path through a regular file is unwritable for anyone.
    (tmp_path / "notes.txt").write_text("keep me")
    code, output = export(case, "--out", str(tmp_path / "notes.txt" / "out"))
    assert code == 2 and "cannot write" in output and "notes.txt" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_export_into_a_read_only_folder_is_refused(case: str, tmp_path: Path) -> None:
    out = tmp_path / "read-only"
    out.mkdir(mode=0o500)
    code, output = export(case, "--out", str(out))
    assert code == 2 and "not writable" in output
    assert list(out.iterdir()) == []


def test_export_of_an_unknown_case(case: str, tmp_path: Path) -> None:
    code, output = export("EGOV-404", "--out", str(tmp_path / "out"))
    assert code == 2 and "EGOV-404" in output
    assert not (tmp_path / "out").exists()


# --- scripts/up -----------------------------------------------------------------------


def test_scripts_make_the_data_folder_private(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    (data / "temporal.db").write_bytes(b"")
    (data / "temporal.db").chmod(0o644)
    script = f'umask 022; source "{ROOT}/scripts/lib.sh"; private_data "$1"; : > "$1/new.db"'
    subprocess.run(["bash", "-c", script, "up", str(data)], check=True)
    assert [mode(data), mode(data / "temporal.db"), mode(data / "new.db")] == [0o700, 0o600, 0o600]


# --- no orphan files after a crash ----------------------------------------------------


def conclusion() -> tuple[bytes, bytes]:
    return render.render_result(DEFERRAL, DISTRICT), render.result_json(DEFERRAL)


def stored(ctx: Context) -> set[str]:
    """Every file in the store, temporary ones included."""
    return {p.name for p in ctx.documents_dir.rglob("*") if p.is_file()}


def referenced(ctx: Context) -> set[str]:
    with Session(ctx.engine) as db:
        rows = db.exec(select(DocumentRow)).all()
    return {sha for r in rows for sha in (r.sha256, r.signature_sha256, r.json_sha256) if sha}


AT = datetime(2025, 3, 12, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    "lost",
    [
        ("signature_sha256",),
        ("sha256", "json_sha256"),
        ("sha256", "json_sha256", "signature_sha256"),
    ],
    ids=["signature", "pdf-and-json", "all"],
)
def test_a_retry_after_a_crash_mends_the_files_and_leaves_none_behind(
    context: Context, lost: tuple[str, ...]
) -> None:
    first = keep_signed(context, "EGOV-1", "conclusion", conclusion, AT)
    assert stored(context) == referenced(context) and len(stored(context)) == 3
    # The worker was killed after the row's commit, before these files were written.
    store = context.store()
    for field in lost:
        store.path(getattr(first, field)).unlink()

    again = keep_signed(context, "EGOV-1", "conclusion", conclusion, AT)

    assert (again.sha256, again.json_sha256) == (first.sha256, first.json_sha256)
    assert (again.signature_sha256 != first.signature_sha256) == ("signature_sha256" in lost)
    assert stored(context) == referenced(context) == {
        again.sha256, again.json_sha256, again.signature_sha256
    }  # fmt: skip
    with Session(context.engine) as db:
        assert len(db.exec(select(DocumentRow)).all()) == 1
    pdf = store.get(again.sha256)
    assert pdf == conclusion()[0]
    signed = sign.verify(
        pdf, store.get(again.signature_sha256), sign.dev_cert_path(context.data_dir)
    )
    assert signed.trusted


def test_an_attempt_that_loses_the_race_to_record_writes_nothing(context: Context) -> None:
    # Another attempt records the document while this one is rendering and signing, so
    # this one's insert fails; the signature it made must not reach the store.
    others: list[DocumentRef] = []

    def render_while_another_attempt_records() -> tuple[bytes, bytes]:
        others.append(keep_signed(context, "EGOV-1", "conclusion", conclusion, AT))
        return conclusion()

    mine = keep_signed(context, "EGOV-1", "conclusion", render_while_another_attempt_records, AT)
    assert [mine] == others
    assert stored(context) == referenced(context) and len(stored(context)) == 3
