"""Signing issued documents: the development and configured identities, signatures
that OpenSSL accepts, and `shaqyru documents verify` (issue 5)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from documents import render, sign, texts
from tests.helpers import (
    APPLICATION,
    DEFERRAL,
    DISTRICT,
    EXEMPTION,
    REFUSAL,
    REGISTERED_AT,
    documents_cli,
    page_text,
)
from texts import t

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("openssl")),
    reason="needs poppler-utils and openssl",
)


def _configured_identity(folder: Path) -> tuple[Path, Path]:
    """A provider key whose certificate is not the development one, as a deployment's."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Esil district akimat")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_issuer_marks_what_the_development_key_signs(tmp_path: Path) -> None:
    from activities.issuing import render_issued, signs_samples
    from tests.helpers import make_context

    dev = make_context(tmp_path / "dev")
    assert signs_samples(dev)
    pdf, data = render_issued(dev, DEFERRAL, DISTRICT)
    assert data == render.result_json(DEFERRAL)
    assert texts.SAMPLE_BANNER in page_text(pdf, 1, tmp_path)

    configured = make_context(tmp_path / "prod")
    configured.signing_key, configured.signing_cert = _configured_identity(tmp_path / "keys")
    assert not signs_samples(configured)
    pdf, _ = render_issued(configured, DEFERRAL, DISTRICT)
    kk = page_text(pdf, 1, tmp_path)
    assert "ҮЛГІ" not in kk and "(ЭЦҚ-мен куәландырылған)" in kk
    assert pdf == render.render_result(DEFERRAL, DISTRICT)


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return sign.ensure_dev_identity(tmp_path_factory.mktemp("data"))


def test_dev_identity_is_made_once_and_marked(tmp_path: Path) -> None:
    key_path, cert_path = sign.ensure_dev_identity(tmp_path)
    before = cert_path.read_bytes(), key_path.read_bytes()
    assert sign.ensure_dev_identity(tmp_path) == (key_path, cert_path)
    assert (cert_path.read_bytes(), key_path.read_bytes()) == before
    assert key_path.stat().st_mode & 0o077 == 0
    _, cert = sign.load_identity(key_path, cert_path)
    subject = cert.subject.rfc4514_string()
    assert "CN=Shaqyru DEVELOPMENT signing key - not valid for legal use" in subject
    assert "NOT A LEGAL SIGNATURE" in subject
    assert sign.is_development(cert)


def test_configured_identity_wins(tmp_path: Path, identity: tuple[Path, Path]) -> None:
    import settings

    cfg = settings.Settings(
        data_dir=tmp_path, signing_key=str(identity[0]), signing_cert=str(identity[1])
    )
    assert sign.signing_identity(cfg) == identity
    half = settings.Settings(data_dir=tmp_path, signing_key=str(identity[0]), signing_cert=None)
    with pytest.raises(ValueError, match="both"):
        sign.signing_identity(half)


@pytest.mark.parametrize(
    "make",
    [
        lambda: render.render_result(DEFERRAL, DISTRICT),
        lambda: render.render_result(EXEMPTION, DISTRICT),
        lambda: render.render_result(REFUSAL, DISTRICT),
        lambda: render.render_application(APPLICATION, "R-1", DISTRICT, REGISTERED_AT),
    ],
    ids=["deferral", "exemption", "refusal", "application"],
)
def test_openssl_accepts_the_signature_and_rejects_a_changed_byte(
    make, identity: tuple[Path, Path], tmp_path: Path
) -> None:
    key, cert = sign.load_identity(*identity)
    pdf = make()
    before = datetime.now(UTC).replace(microsecond=0)
    signature = sign.sign_pdf(pdf, key, cert)
    (tmp_path / "doc.pdf").write_bytes(pdf)
    (tmp_path / "doc.p7s").write_bytes(signature)
    plain = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "doc.p7s"),
         "-content", str(tmp_path / "doc.pdf"), "-CAfile", str(identity[1]), "-purpose", "any",
         "-out", os.devnull],
        capture_output=True,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr

    found = sign.verify(pdf, signature, identity[1])
    assert sign.DEV_COMMON_NAME in found.signer and found.trusted
    assert found.signed_at is not None
    assert before - timedelta(seconds=2) <= found.signed_at <= datetime.now(UTC)

    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    with pytest.raises(sign.SignatureError):
        sign.verify(bytes(changed), signature, identity[1])


def test_signature_from_another_key_is_not_trusted(tmp_path: Path, identity) -> None:
    _, other_cert = sign.ensure_dev_identity(tmp_path / "other")
    pdf = render.render_result(DEFERRAL, DISTRICT)
    signature = sign.sign_pdf(pdf, *sign.load_identity(*identity))
    with pytest.raises(sign.SignatureError):
        sign.verify(pdf, signature, other_cert)
    assert not sign.verify(pdf, signature, None).trusted
    with pytest.raises(sign.MalformedSignature):
        sign.verify(pdf, b"not a signature", identity[1])


def test_without_the_time_one_openssl_run_and_the_same_verdicts(
    identity: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chairman's signature is checked without its time: openssl runs once where the
    signature holds, and a malformed or a wrong one is still told apart."""
    runs: list[str] = []
    openssl = sign._openssl

    def counted(*args: str) -> subprocess.CompletedProcess[bytes]:
        runs.append(" ".join(args[:2]))
        return openssl(*args)

    monkeypatch.setattr(sign, "_openssl", counted)
    pdf = render.render_result(DEFERRAL, DISTRICT)
    signature = sign.sign_pdf(pdf, *sign.load_identity(*identity))
    found = sign.verify(pdf, signature, identity[1], with_time=False)
    assert runs == ["cms -verify"]
    assert found.trusted and found.signed_at is None
    full = sign.verify(pdf, signature, identity[1])
    assert full.signed_at is not None and dataclasses.replace(full, signed_at=None) == found
    with pytest.raises(sign.MalformedSignature):
        sign.verify(pdf, b"not a signature", identity[1], with_time=False)
    with pytest.raises(sign.SignatureError) as wrong:
        sign.verify(pdf + b" ", signature, identity[1], with_time=False)
    assert not isinstance(wrong.value, sign.MalformedSignature)


def test_verify_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("SHAQYRU_SIGNING_CERT", raising=False)
    key_path, cert_path = sign.ensure_dev_identity(tmp_path / "data")
    pdf = render.render_result(REFUSAL, DISTRICT)
    doc = tmp_path / "refusal.pdf"
    doc.write_bytes(pdf)
    Path(str(doc) + ".p7s").write_bytes(
        sign.sign_pdf(pdf, *sign.load_identity(key_path, cert_path))
    )
    runner = CliRunner()

    ok = runner.invoke(documents_cli(), ["verify", str(doc)])
    assert ok.exit_code == 0, ok.output
    # The development certificate is named for what it is, in the reader's language.
    assert "VALID" in ok.output and t("verify_dev_signer", "kk") in ok.output
    assert sign.DEV_COMMON_NAME not in ok.output
    assert "Asia/Almaty" in ok.output

    explicit = runner.invoke(
        documents_cli(), ["verify", str(doc), str(doc) + ".p7s", "--cert", str(cert_path)]
    )
    assert explicit.exit_code == 0, explicit.output

    doc.write_bytes(pdf[:-1] + bytes([pdf[-1] ^ 1]))
    bad = runner.invoke(documents_cli(), ["verify", str(doc)])
    assert bad.exit_code == 1 and "INVALID" in bad.output

    missing = runner.invoke(documents_cli(), ["verify", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2
    not_a_cert = runner.invoke(documents_cli(), ["verify", str(doc), "--cert", str(doc)])
    assert not_a_cert.exit_code == 2
    Path(str(doc) + ".p7s").write_bytes(b"garbage")
    assert runner.invoke(documents_cli(), ["verify", str(doc)]).exit_code == 2
