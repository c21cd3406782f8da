"""How a worker (or a replayer) must run the application workflow.

The case checks caseworkers' signatures inside the workflow with `cryptography`, whose
compiled core imports its own modules lazily while it reads a certificate: re-imported
inside Temporal's sandbox that fails, so the package is passed through. It is pure
computation on the history's bytes, so replay stays deterministic."""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("cryptography")
    )
