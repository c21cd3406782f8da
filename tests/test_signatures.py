"""Every decision signed by the person who takes it (issue 9): real keys from
`shaqyru keys init`, real certificates, signatures that openssl checks too."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

# Imported inside the sandbox too, on purpose: the workflow below proves that the check
# runs under the sandbox's restrictions, not merely beside them.
from models.signature import SignatureBlock, Signed, TrustAnchors, command_fields
from rules.signatures import SIGNATURE_MESSAGES, SignatureRefusal, verify_action

with workflow.unsafe.imports_passed_through():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from fpdf import FPDF

    from cli.keys_dev_cmd import (
        CA_KEY_FILE,
        DEV_CA_NAME,
        DEV_PASSWORD,
        EXPIRED_FILE,
        REVOKED_FILE,
        init_dev_keys,
        issue_dev_person,
        make_crl,
        new_ca,
    )
    from documents import sign
    from documents.identity import (
        BINDINGS_FILE,
        CA_FILE,
        CRL_FILE,
        IdentityError,
        PersonalKey,
        load_bindings,
        load_personal_key,
        load_trust,
        sign_action,
        sign_command,
        sign_document,
    )
    from models.decisions import ChairmanDecision, ChairmanVerdict, MemberDecision, MemberVerdict
    from rules.roster import SAMPLE_ROSTER, load_roster

CASE = "EGOV-2026-000001"
PW = DEV_PASSWORD.encode()


class SignedVote(MemberDecision, Signed):
    """What MemberDecision becomes once the workflow is wired (issue 9)."""


class SignedDecision(ChairmanDecision, Signed):
    pass


class Keys:
    """The development folder, its trust anchors and the keys the tests sign with."""

    def __init__(self, root: Path) -> None:
        made = init_dev_keys(root, load_roster(SAMPLE_ROSTER))
        self.folder = made.folder
        self.bindings = load_bindings(self.folder / BINDINGS_FILE)
        self.trust = load_trust([self.folder / CA_FILE], [self.folder / CRL_FILE])
        self.chair = load_personal_key(self.folder / "esil-chair.p12", PW)  # RSA
        self.m1 = load_personal_key(self.folder / "esil-m1.p12", PW)  # EC
        self.m2 = load_personal_key(self.folder / "esil-m2.p12", PW)
        self.expired = load_personal_key(self.folder / EXPIRED_FILE, PW)
        self.revoked = load_personal_key(self.folder / REVOKED_FILE, PW)
        # Same name as the development CA, another key: a forger's own "CA".
        fake_key, fake_ca = new_ca(DEV_CA_NAME)
        self.untrusted = PersonalKey(
            *issue_dev_person(fake_key, fake_ca, "esil-m1", "Жұмабекова Айгерім Болатқызы")
        )
        self.ca_key = serialization.load_pem_private_key(
            (self.folder / CA_KEY_FILE).read_bytes(), PW
        )
        self.ca_cert = x509.load_pem_x509_certificate((self.folder / CA_FILE).read_bytes())


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys(tmp_path_factory.mktemp("signatures"))


def vote(actor: str = "esil-m1", verdict: str = "agree") -> SignedVote:
    return SignedVote(actor=actor, verdict=MemberVerdict(verdict))


def check(
    keys: Keys,
    cmd: Any,
    *,
    case_id: str = CASE,
    action: str = "member_decision",
    seen: tuple[str, ...] = (),
    binding: dict[str, str] | None = None,
) -> SignatureRefusal | None:
    # What the workflow will see: the command as it comes out of the history's JSON.
    cmd = type(cmd).model_validate_json(cmd.model_dump_json())
    return verify_action(
        cmd.signature,
        case_id,
        action,
        command_fields(cmd),
        cmd.actor,
        keys.bindings if binding is None else binding,
        keys.trust,
        seen,
    )


def refused(result: SignatureRefusal | None, code: str) -> None:
    assert result is not None and result.code == code, result
    for lang in ("kk", "ru", "en"):  # every text fills with the params it is given
        assert result.params["actor"] in result.text(lang)


# --- what passes -------------------------------------------------------------------


def test_member_ec_signature_verifies(keys: Keys) -> None:
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    assert cmd.signature is not None and cmd.signature.algorithm == "ecdsa-p256-sha256"
    assert check(keys, cmd) is None


@pytest.mark.parametrize("pss", [False, True], ids=["pkcs1v15", "pss"])
def test_chairman_rsa_signature_verifies(keys: Keys, pss: bool) -> None:
    cmd = SignedDecision(
        actor="esil-chair", verdict=ChairmanVerdict.grant, until=datetime(2027, 6, 30).date()
    )
    block = sign_action(keys.chair, CASE, "chairman_decision", command_fields(cmd), rsa_pss=pss)
    assert block.algorithm == ("rsa-pss-sha256" if pss else "rsa-pkcs1v15-sha256")
    cmd = cmd.model_copy(update={"signature": block})
    assert check(keys, cmd, action="chairman_decision") is None


def test_the_signers_offset_does_not_matter(keys: Keys) -> None:
    almaty = datetime.now(UTC).astimezone(timezone(timedelta(hours=5)))
    cmd = vote()
    block = sign_action(keys.m1, CASE, "member_decision", command_fields(cmd), signed_at=almaty)
    assert check(keys, cmd.model_copy(update={"signature": block})) is None


# --- each refusal, by the tamper that produces it -----------------------------------


def test_no_signature(keys: Keys) -> None:
    refused(check(keys, vote()), "signature.missing")


def test_another_members_key(keys: Keys) -> None:
    # esil-m2 signs a vote that says it is esil-m1's.
    cmd = sign_command(keys.m2, CASE, "member_decision", vote("esil-m1"))
    refused(check(keys, cmd), "signature.wrong_person")


def test_a_field_changed_after_signing(keys: Keys) -> None:
    cmd = sign_command(keys.m1, CASE, "member_decision", vote(verdict="agree"))
    tampered = cmd.model_copy(
        update={"verdict": MemberVerdict.refuse, "refusal_ground": 1, "details": "x"}
    )
    refused(check(keys, tampered), "signature.invalid")


def test_expired_certificate(keys: Keys) -> None:
    cmd = sign_command(keys.expired, CASE, "member_decision", vote())
    refused(check(keys, cmd), "signature.expired")


def test_expired_certificate_is_fine_for_what_it_signed_in_time(keys: Keys) -> None:
    # Replaying a case years later must give the same answer: validity is judged at
    # the signing time, never at the clock of whoever checks.
    cert = keys.expired.certificate
    inside = cert.not_valid_before_utc + timedelta(days=1)
    cmd = vote()
    block = sign_action(
        keys.expired, CASE, "member_decision", command_fields(cmd), signed_at=inside
    )
    binding = {**keys.bindings, "esil-m1": keys.expired.fingerprint}
    assert check(keys, cmd.model_copy(update={"signature": block}), binding=binding) is None


def test_not_yet_valid_certificate(keys: Keys) -> None:
    early = keys.m1.certificate.not_valid_before_utc - timedelta(hours=1)
    cmd = vote()
    block = sign_action(keys.m1, CASE, "member_decision", command_fields(cmd), signed_at=early)
    refused(check(keys, cmd.model_copy(update={"signature": block})), "signature.not_yet_valid")


def test_revoked_certificate(keys: Keys) -> None:
    cmd = sign_command(keys.revoked, CASE, "member_decision", vote())
    refused(check(keys, cmd), "signature.revoked")


def test_signed_for_another_case(keys: Keys) -> None:
    cmd = sign_command(keys.m1, "EGOV-2026-000002", "member_decision", vote())
    refused(check(keys, cmd), "signature.other_case")
    # Relabelled to claim this case: the signed bytes still name the other one.
    assert cmd.signature is not None
    relabelled = cmd.model_copy(
        update={"signature": cmd.signature.model_copy(update={"case_id": CASE})}
    )
    refused(check(keys, relabelled), "signature.invalid")


def test_signed_for_another_action(keys: Keys) -> None:
    cmd = sign_command(keys.chair, CASE, "forward", SignedVote(actor="esil-chair", verdict="agree"))
    refused(check(keys, cmd), "signature.other_action")
    assert cmd.signature is not None
    relabelled = cmd.model_copy(
        update={"signature": cmd.signature.model_copy(update={"action": "member_decision"})}
    )
    refused(check(keys, relabelled), "signature.invalid")


def test_replayed_nonce(keys: Keys) -> None:
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    assert cmd.signature is not None
    assert check(keys, cmd) is None
    refused(check(keys, cmd, seen=(cmd.signature.nonce,)), "signature.replayed")


def test_untrusted_ca_with_the_same_name(keys: Keys) -> None:
    cmd = sign_command(keys.untrusted, CASE, "member_decision", vote())
    refused(check(keys, cmd), "signature.untrusted")


def test_actor_without_a_registered_certificate(keys: Keys) -> None:
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    binding = {k: v for k, v in keys.bindings.items() if k != "esil-m1"}
    refused(check(keys, cmd, binding=binding), "signature.not_enrolled")


def test_unreadable_certificate_and_unsupported_key(keys: Keys) -> None:
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    assert cmd.signature is not None
    garbage = cmd.signature.model_copy(update={"certificate_pem": "-----BEGIN CERTIFICATE-----"})
    refused(
        check(keys, cmd.model_copy(update={"signature": garbage})), "signature.certificate_invalid"
    )

    p384 = ec.generate_private_key(ec.SECP384R1())
    name = keys.m1.certificate.subject
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(keys.ca_cert.subject)
        .public_key(p384.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.now(UTC) - timedelta(days=1))
        .not_valid_after(datetime.now(UTC) + timedelta(days=1))
        .sign(keys.ca_key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    odd = cmd.signature.model_copy(update={"certificate_pem": pem})
    refused(check(keys, cmd.model_copy(update={"signature": odd})), "signature.unsupported_key")


def test_algorithm_that_does_not_fit_the_key(keys: Keys) -> None:
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    assert cmd.signature is not None
    wrong = cmd.signature.model_copy(update={"algorithm": "rsa-pkcs1v15-sha256"})
    refused(check(keys, cmd.model_copy(update={"signature": wrong})), "signature.invalid")


def test_hostile_blocks_are_refused_never_raised(keys: Keys) -> None:
    # A workflow task must not fail on what a caller sends; each of these is a refusal.
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    assert cmd.signature is not None
    ca_pem = keys.ca_cert.public_bytes(serialization.Encoding.PEM).decode()
    cases = {
        "signature.invalid": [{"value": "A"}, {"value": "AAAA"}, {"nonce": "0" * 32}],
        # The CA's own certificate is trusted, but not fit to sign an action.
        "signature.certificate_invalid": [{"certificate_pem": ca_pem}, {"certificate_pem": "é"}],
    }
    for code, updates in cases.items():
        for update in updates:
            block = cmd.signature.model_copy(update=update)
            refused(check(keys, cmd.model_copy(update={"signature": block})), code)


def test_every_code_has_three_texts() -> None:
    for code, texts in SIGNATURE_MESSAGES.items():
        assert len(texts) == 3 and all(t.strip() for t in texts), code
        assert len(set(texts)) == 3, code  # not one language copied into another


# --- the check inside Temporal's workflow sandbox ----------------------------------


@workflow.defn(sandboxed=True)
class VerifyInSandbox:
    @workflow.run
    async def run(
        self,
        block: SignatureBlock,
        fields: dict[str, Any],
        binding: dict[str, str],
        trust: TrustAnchors,
    ) -> str:
        result = verify_action(
            block, CASE, "member_decision", fields, fields["actor"], binding, trust, []
        )
        return result.code if result else "ok"


async def test_check_runs_in_the_workflow_sandbox(keys: Keys, time_env) -> None:
    client: Client = time_env.client
    cmd = sign_command(keys.m1, CASE, "member_decision", vote())
    tampered = command_fields(cmd) | {"verdict": "refuse"}
    # cryptography's compiled core can be loaded once per process, so the sandbox must
    # pass it through; rules.signatures and models.signature are re-imported inside.
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("cryptography")
    )
    queue = f"sig-{uuid.uuid4()}"
    async with Worker(
        client, task_queue=queue, workflows=[VerifyInSandbox], workflow_runner=runner
    ):
        answers = [
            await client.execute_workflow(
                VerifyInSandbox.run,
                args=[cmd.signature, fields, keys.bindings, keys.trust],
                id=f"sig-{uuid.uuid4()}",
                task_queue=queue,
            )
            for fields in (command_fields(cmd), tampered)
        ]
    assert answers == ["ok", "signature.invalid"]


# --- documents, keys, passwords, trust ---------------------------------------------


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Conclusion of the commission")
    return bytes(pdf.output())


def test_openssl_verifies_the_chairmans_cms_and_not_a_changed_byte(
    keys: Keys, tmp_path: Path
) -> None:
    if shutil.which("openssl") is None:  # not at import: the sandbox re-imports this module
        pytest.skip("needs the openssl command")
    pdf = _pdf()
    (tmp_path / "c.pdf.p7s").write_bytes(sign_document(pdf, keys.chair))
    (tmp_path / "c.pdf").write_bytes(pdf)
    (tmp_path / "bad.pdf").write_bytes(pdf[:100] + bytes([pdf[100] ^ 1]) + pdf[101:])

    def openssl(content: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
             "-in", str(tmp_path / "c.pdf.p7s"), "-content", str(tmp_path / content),
             "-CAfile", str(keys.folder / CA_FILE), "-out", "/dev/null"],
            capture_output=True, check=False,
        )  # fmt: skip

    assert openssl("c.pdf").returncode == 0, openssl("c.pdf").stderr
    assert openssl("bad.pdf").returncode != 0


def test_dev_folder_is_private_and_bound(keys: Keys) -> None:
    assert keys.folder.stat().st_mode & 0o777 == 0o700
    for p12 in keys.folder.glob("*.p12"):
        assert p12.stat().st_mode & 0o777 == 0o600, p12
    assert (keys.folder / CA_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert "NOT FOR LEGAL USE" in keys.ca_cert.subject.rfc4514_string()
    roster = load_roster(SAMPLE_ROSTER)
    ids = {p.id for d in roster.districts for p in (d.chairman, *d.members)}
    assert set(keys.bindings) == ids
    assert keys.bindings["esil-m1"] == keys.m1.fingerprint
    assert isinstance(keys.chair.key, rsa.RSAPrivateKey)
    assert isinstance(keys.m1.key, ec.EllipticCurvePrivateKey)
    with pytest.raises(FileExistsError):
        init_dev_keys(keys.folder.parent, roster)


def test_personal_key_passwords(
    keys: Keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = keys.folder / "esil-m2.p12"
    monkeypatch.delenv("SHAQYRU_KEY_PASSWORD_FILE", raising=False)
    monkeypatch.setenv("SHAQYRU_KEY_PASSWORD", DEV_PASSWORD)
    assert load_personal_key(path).fingerprint == keys.m2.fingerprint

    secret = tmp_path / "pw"
    secret.write_text(DEV_PASSWORD + "\n")
    monkeypatch.setenv("SHAQYRU_KEY_PASSWORD", "not this one")  # the file wins
    monkeypatch.setenv("SHAQYRU_KEY_PASSWORD_FILE", str(secret))
    assert load_personal_key(path).fingerprint == keys.m2.fingerprint

    monkeypatch.delenv("SHAQYRU_KEY_PASSWORD_FILE")
    with pytest.raises(IdentityError, match="wrong password") as wrong:
        load_personal_key(path)
    assert "not this one" not in str(wrong.value)

    monkeypatch.delenv("SHAQYRU_KEY_PASSWORD")
    with pytest.raises(IdentityError, match="SHAQYRU_KEY_PASSWORD"):
        load_personal_key(path)  # no terminal under pytest, so no prompt


def test_provider_key_encrypted_pem_and_pkcs12(
    keys: Keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("SHAQYRU_SIGNING_KEY_PASSWORD", "SHAQYRU_SIGNING_KEY_PASSWORD_FILE"):
        monkeypatch.delenv(var, raising=False)
    key, cert = keys.chair.key, keys.chair.certificate
    pem_key, pem_cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    pem_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"provider secret"),
        )
    )
    pem_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(ValueError, match="SHAQYRU_SIGNING_KEY_PASSWORD"):
        sign.load_identity(pem_key, pem_cert)
    monkeypatch.setenv("SHAQYRU_SIGNING_KEY_PASSWORD", "provider secret")
    assert sign.load_identity(pem_key, pem_cert)[1] == cert

    monkeypatch.delenv("SHAQYRU_SIGNING_KEY_PASSWORD")
    secret = tmp_path / "pw"
    secret.write_text(DEV_PASSWORD + "\n")
    monkeypatch.setenv("SHAQYRU_SIGNING_KEY_PASSWORD_FILE", str(secret))
    p12 = keys.folder / "esil-chair.p12"
    assert sign.load_identity(p12, p12)[1] == cert
    assert sign.load_identity(p12, pem_cert)[1] == cert
    other = tmp_path / "other.pem"
    other.write_bytes(keys.m1.certificate.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(ValueError, match="not the certificate"):
        sign.load_identity(p12, other)


def test_trust_anchors_refuse_a_foreign_or_stale_crl(keys: Keys, tmp_path: Path) -> None:
    revoked_serial = format(keys.revoked.certificate.serial_number, "x")
    assert [r.serial for r in keys.trust.revoked] == [revoked_serial]

    fake_key, fake_ca = new_ca(DEV_CA_NAME)
    foreign = tmp_path / "foreign.crl"
    foreign.write_bytes(make_crl(fake_key, fake_ca, []).public_bytes(serialization.Encoding.DER))
    with pytest.raises(ValueError, match="not signed by a trusted CA"):
        load_trust([keys.folder / CA_FILE], [foreign])

    later = datetime.now(UTC) + timedelta(days=400)
    with pytest.raises(ValueError, match="stale"):
        load_trust([keys.folder / CA_FILE], [keys.folder / CRL_FILE], now=later)


def test_keys_init_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    from cli import keys_dev_cmd

    app = typer.Typer()
    app.callback()(lambda: None)
    keys_dev_cmd.register(app)
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path))
    monkeypatch.delenv("SHAQYRU_ROSTER", raising=False)
    first = CliRunner().invoke(app, ["keys", "init", "--lang", "en"])
    assert first.exit_code == 0, first.output
    assert f"Password of every key: {DEV_PASSWORD}" in first.output
    assert (tmp_path / "dev-keys" / "esil-chair.p12").is_file()
    again = CliRunner().invoke(app, ["keys", "init", "--lang", "ru"])
    assert again.exit_code == 2 and "--force" in again.output
