"""Sign one caseworker's action and verify it as the workflow does; print the median and
95th percentile in milliseconds, for an EC P-256 key (members) and an RSA-2048 key
(chairmen, and the national CA's kind).

    python benchmarks/signing_bench.py [-n 300]

Keys are made once with the development tooling and loaded before timing: a caseworker
unlocks his key once per command, and that (PBKDF2 by design) is timed apart. The target
is sign + verify under 20 ms."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cli.keys_dev_cmd import DEV_PASSWORD, init_dev_keys  # noqa: E402
from documents.identity import (  # noqa: E402
    BINDINGS_FILE,
    CA_FILE,
    CRL_FILE,
    load_bindings,
    load_personal_key,
    load_trust,
    sign_action,
)
from models.decisions import MemberDecision, MemberVerdict  # noqa: E402
from models.signature import SignatureBlock, command_fields  # noqa: E402
from rules.roster import SAMPLE_ROSTER, load_roster  # noqa: E402
from rules.signatures import verify_action  # noqa: E402

CASE = "EGOV-2026-000001"


def _line(label: str, values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[-1]
    return f"{label:<24} median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="actions to sign and verify")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = init_dev_keys(tmp, load_roster(SAMPLE_ROSTER)).folder
        bindings = load_bindings(folder / BINDINGS_FILE)
        trust = load_trust([folder / CA_FILE], [folder / CRL_FILE])
        start = time.perf_counter()
        member = load_personal_key(folder / "esil-m1.p12", DEV_PASSWORD.encode())
        unlock = (time.perf_counter() - start) * 1000
        chair = load_personal_key(folder / "esil-chair.p12", DEV_PASSWORD.encode())

    people = (("EC P-256", "esil-m1", member), ("RSA-2048", "esil-chair", chair))
    for label, actor, identity in people:
        fields = command_fields(MemberDecision(actor=actor, verdict=MemberVerdict.agree))
        signing, checking, total = [], [], []
        for _ in range(args.n):
            t0 = time.perf_counter()
            block = sign_action(identity, CASE, "member_decision", fields)
            t1 = time.perf_counter()
            # As the workflow gets it: decoded from the history's JSON (not timed).
            block = SignatureBlock.model_validate_json(block.model_dump_json())
            t2 = time.perf_counter()
            result = verify_action(
                block, CASE, "member_decision", fields, actor, bindings, trust, ()
            )
            t3 = time.perf_counter()
            assert result is None, result
            signing.append((t1 - t0) * 1000)
            checking.append((t3 - t2) * 1000)
            total.append((t1 - t0 + t3 - t2) * 1000)
        print(f"{label} ({actor})")
        print("  " + _line("sign", signing))
        print("  " + _line("verify", checking))
        print("  " + _line("sign + verify", total))
    print(f"unlocking a PKCS #12 (once per command): {unlock:.1f} ms")


if __name__ == "__main__":
    main()
