"""How a worker (or a replayer) must run the application workflow.

The case checks caseworkers' signatures inside the workflow with `cryptography`, whose
compiled core imports its own modules lazily while it reads a certificate: re-imported
inside Temporal's sandbox that fails, so the package is passed through. It is pure
computation on the history's bytes, so replay stays deterministic.

The sandbox imports a workflow's module afresh for every case it starts (and again for a
case evicted from the cache). Where no valid bytecode sits beside the source (the
machines run with PYTHONDONTWRITEBYTECODE, and an image may be read-only), each of those
imports compiled the thousand lines of workflows/application.py again: a new case's
instance cost 7.2 ms of CPU, and costs 2.3 ms without it (benchmarks/instance_bench.py).
`_CompiledOnce` keeps each module's code object in memory instead; the module itself is
still executed afresh, as the sandbox wants, and a file that changes on disk is compiled
again. It keeps the code of every module the worker imports from source, about 6 MB for
the 730 it imports.

`_ContextOutside` spares the sandbox's entry for each payload the worker encodes or
decodes: a fifth of the worker's CPU in a replayed case (benchmarks/replay_bench.py)."""

from __future__ import annotations

import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import CodeType, ModuleType

from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions


class _CompiledOnce(importlib.machinery.SourceFileLoader):
    # Workflow threads import side by side: a dict's get and set are each atomic, and two
    # that compile the same file at once store the same code.
    _codes: dict[str, tuple[tuple[int, int], CodeType]] = {}

    def get_code(self, fullname: str) -> CodeType:
        st = os.stat(self.path)
        stamp = (st.st_mtime_ns, st.st_size)  # what a .pyc is checked against, finer
        known = self._codes.get(self.path)
        if known is not None and known[0] == stamp:
            return known[1]
        code = super().get_code(fullname)
        if code is None:  # a source loader always has code; the base type allows None
            raise ImportError(f"no code for {fullname}", name=fullname)
        self._codes[self.path] = (stamp, code)
        return code


class _SourceOnce:
    """Finds modules as the path finder does; hands plain source files to `_CompiledOnce`."""

    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and type(spec.loader) is importlib.machinery.SourceFileLoader:
            spec.loader = _CompiledOnce(spec.loader.name, spec.loader.path)
        return spec


class _ContextOutside(SandboxedWorkflowRunner):
    """The sandbox, but a payload's serialization context is looked up without entering it.

    For every payload it encodes or decodes (about 120 a case) the SDK asks the instance
    which context the payload's command has; the sandbox answered by compiling and running
    a two-line string under its import hooks, about 30 µs each time. The answer is the
    inner workflow instance's, a look-up in its pending commands by sequence number that
    imports nothing and touches no workflow code, so it is asked directly. Where a later
    SDK no longer holds that object as this one does, the sandbox's own way is kept."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        instance = super().create_instance(det)
        inner = getattr(instance, "globals_and_locals", {}).get("__temporal_in_sandbox")
        serialization = getattr(inner, "get_serialization_context", None)
        external_store = getattr(inner, "get_external_store_context", None)
        if callable(serialization) and callable(external_store):
            try:
                instance.get_serialization_context = serialization  # type: ignore[method-assign]
                instance.get_external_store_context = external_store  # type: ignore[method-assign]
            except AttributeError:  # an instance with slots: the SDK's way stays
                pass
        return instance


def workflow_runner() -> SandboxedWorkflowRunner:
    if _SourceOnce not in sys.meta_path:
        # Just ahead of the path finder, which it stands in for: the finders before that
        # one still answer first, and those after it (an editable install's) still answer
        # for what the path finder does not find.
        at = next(
            (i for i, f in enumerate(sys.meta_path) if f is importlib.machinery.PathFinder),
            len(sys.meta_path),
        )
        sys.meta_path.insert(at, _SourceOnce)
    return _ContextOutside(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("cryptography")
    )
