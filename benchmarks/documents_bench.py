"""Render and sign N documents; print the median and 95th percentile in milliseconds.

    python benchmarks/documents_bench.py [-n 200]

Each round renders one of the four forms in turn (deferral and exemption conclusions, a
refusal notice, an application) and signs it with the development key; the target is a
median under 15 ms (issue 12). Beside the wall-clock time it prints the process's CPU time,
which other work on a shared machine disturbs less."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from documents import render, sign  # noqa: E402
from tests import test_documents as samples  # noqa: E402


def _forms() -> list[tuple[str, Callable[[], bytes]]]:
    return [
        ("deferral", lambda: render.render_result(samples.DEFERRAL, samples.DISTRICT)),
        ("exemption", lambda: render.render_result(samples.EXEMPTION, samples.DISTRICT)),
        ("refusal", lambda: render.render_result(samples.REFUSAL, samples.DISTRICT)),
        (
            "application",
            lambda: render.render_application(
                samples.APPLICATION, "KZ-BOS-2025-000123", samples.DISTRICT, samples.REGISTERED_AT
            ),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="documents to render and sign")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        key, cert = sign.load_identity(*sign.ensure_dev_identity(tmp))
    forms = _forms()
    for _, make in forms:  # warm-up: imports and the one-off font cut are not per document
        sign.sign_pdf(make(), key, cert)

    timings: dict[str, list[float]] = {name: [] for name, _ in forms}
    cpu: dict[str, list[float]] = {name: [] for name, _ in forms}
    for i in range(args.n):
        name, make = forms[i % len(forms)]
        start, start_cpu = time.perf_counter(), time.process_time()
        sign.sign_pdf(make(), key, cert)
        timings[name].append((time.perf_counter() - start) * 1000)
        cpu[name].append((time.process_time() - start_cpu) * 1000)

    def line(label: str, values: list[float], cpu: list[float]) -> str:
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
        median = statistics.median(values)
        return (
            f"{label:<12} n={len(values):<5} median {median:6.1f} ms   p95 {p95:6.1f} ms"
            f"   cpu median {statistics.median(cpu):6.1f} ms"
        )

    for name, values in timings.items():
        if values:
            print(line(name, values, cpu[name]))
    print(
        line(
            "all",
            [v for values in timings.values() for v in values],
            [v for values in cpu.values() for v in values],
        )
    )


if __name__ == "__main__":
    main()
