"""What one issued result costs: render the PDF (kk + ru, QR code) with its canonical JSON,
and sign the PDF (detached CMS). Prints median, min and max in milliseconds over N runs,
for render + sign together and for each alone, for a conclusion and a refusal notice.

    python benchmarks/documents_bench.py [-n 300] [--sample] [--key ec|rsa]

Each run issues a document with its own registration number, hence its own JSON digest and
QR code, as a worker does; the applicant's name changes too, so the letters each document
uses differ. What is done once a process (parsing the faces, loading the key) is warmed up
before timing: a worker does it once. `--sample` renders as the development key's worker
does (the sample mark on every page); `--key rsa` signs with an RSA-2048 key instead of the
development EC P-256 one. The target is a median under 15 ms (issue 12, goal 5).

Beside wall-clock time it prints the process's CPU time, which other work on a shared
machine disturbs less; take medians over many runs there all the same."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from documents import render, sign  # noqa: E402
from models.result import Result  # noqa: E402
from tests.helpers import DEFERRAL, DISTRICT, ISSUED_AT, REFUSAL  # noqa: E402

NAMES = (
    "Асқаров Ерлан Серікұлы",
    "Жұмабеков Дәулет Нұржанұлы",
    "Иванов Пётр Сергеевич",
    "Төлеуғалиев Айбек Ғаниұлы",
    "Шәріпов Үмбет Қуанышұлы",
    "Ким Виктор Эдуардович",
)


def _result(kind: str, i: int) -> Result:
    """The tests' sample result of that kind, with its own number, applicant and time."""
    sample = REFUSAL if kind == "refusal" else DEFERRAL
    street = f"Әуезов к-сі, {i % 90 + 1}-үй, 34-пәтер"
    return sample.model_copy(
        update=dict(
            application_id=f"EGOV-{i:06d}",
            registration_number=f"KZ-BOS-2025-{i:06d}",
            applicant_name=NAMES[i % len(NAMES)],
            applicant_address=f"Алматы қ., Бостандық ауданы, {street}",
            issued_at=ISSUED_AT + timedelta(minutes=i),
        )
    )


def _rsa_identity() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Shaqyru benchmark RSA-2048")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _line(label: str, values: list[float], cpu: list[float] | None = None) -> str:
    text = (
        f"  {label:<14} n={len(values):<5} median {statistics.median(values):6.2f} ms"
        f"   min {min(values):6.2f}   max {max(values):7.2f}"
    )
    if cpu is not None:
        text += f"   cpu median {statistics.median(cpu):6.2f} ms"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="documents of each kind")
    parser.add_argument("--sample", action="store_true", help="with the development mark")
    parser.add_argument("--key", choices=("ec", "rsa"), default="ec", help="the signing key")
    args = parser.parse_args()

    key: sign.SigningKey
    if args.key == "rsa":
        key, cert = _rsa_identity()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            key, cert = sign.load_identity(*sign.ensure_dev_identity(tmp))

    kinds = ("conclusion", "refusal")
    # Warm-up: imports, the faces parsed once a process, the one-off font cut.
    for i in range(5):
        for kind in kinds:
            result = _result(kind, 900_000 + i)
            sign.sign_pdf(render.render_result(result, DISTRICT, sample=args.sample), key, cert)

    rendering: dict[str, list[float]] = {kind: [] for kind in kinds}
    signing: dict[str, list[float]] = {kind: [] for kind in kinds}
    total: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    for i in range(args.n):
        for kind in kinds:  # interleaved, so a busy spell on the machine hits both alike
            result = _result(kind, i)
            c0, t0 = time.process_time(), time.perf_counter()
            pdf = render.render_result(result, DISTRICT, sample=args.sample)
            render.result_json(result)  # stored beside the PDF (activities.issuing)
            t1 = time.perf_counter()
            sign.sign_pdf(pdf, key, cert)
            t2, c2 = time.perf_counter(), time.process_time()
            rendering[kind].append((t1 - t0) * 1000)
            signing[kind].append((t2 - t1) * 1000)
            total[kind].append((t2 - t0) * 1000)
            cpu[kind].append((c2 - c0) * 1000)

    key_name = "RSA-2048" if args.key == "rsa" else "EC P-256 (development)"
    marked = ", sample mark" if args.sample else ""
    print(f"{args.n} documents of each kind, {key_name} key{marked}")
    for kind in kinds:
        print(f"{kind}")
        print(_line("render + sign", total[kind], cpu[kind]))
        print(_line("render", rendering[kind]))
        print(_line("sign", signing[kind]))
    print("both")
    print(
        _line(
            "render + sign",
            [v for kind in kinds for v in total[kind]],
            [v for kind in kinds for v in cpu[kind]],
        )
    )


if __name__ == "__main__":
    main()
