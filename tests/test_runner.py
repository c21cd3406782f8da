"""The sandbox's fresh import of a workflow module reuses its compiled code."""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys

import pytest

from workflows.runner import workflow_runner


@pytest.fixture
def module_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # as on these machines
    monkeypatch.syspath_prepend(str(tmp_path))
    compiled: list[str] = []
    plain = importlib.machinery.SourceFileLoader.source_to_code

    def counting(self, data, path, *args, **kwargs):
        compiled.append(os.path.basename(path))
        return plain(self, data, path, *args, **kwargs)

    monkeypatch.setattr(importlib.machinery.SourceFileLoader, "source_to_code", counting)
    yield tmp_path, compiled
    sys.modules.pop("shaqyru_runner_probe", None)


def _fresh_import():
    # What the sandbox does for every case: the module is executed anew.
    sys.modules.pop("shaqyru_runner_probe", None)
    importlib.invalidate_caches()
    return importlib.import_module("shaqyru_runner_probe")


def test_a_module_imported_afresh_is_compiled_once(module_dir):
    folder, compiled = module_dir
    (folder / "shaqyru_runner_probe.py").write_text("VALUE = 1\nSTATE = []\n")
    workflow_runner()
    first, second = _fresh_import(), _fresh_import()
    assert compiled == ["shaqyru_runner_probe.py"]
    # Executed anew all the same: each import has its own module state.
    assert first is not second and first.STATE is not second.STATE


def test_a_changed_file_is_compiled_again(module_dir):
    folder, compiled = module_dir
    source = folder / "shaqyru_runner_probe.py"
    source.write_text("VALUE = 1\n")
    workflow_runner()
    assert _fresh_import().VALUE == 1
    source.write_text("VALUE = 2\n")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert _fresh_import().VALUE == 2
    # A copy that kept the old time but not the old length is a change all the same.
    stamp = source.stat().st_mtime_ns
    source.write_text("VALUE = 300\n")
    os.utime(source, ns=(stamp, stamp))
    assert _fresh_import().VALUE == 300
    assert compiled == ["shaqyru_runner_probe.py"] * 3


def test_the_finder_is_installed_once():
    workflow_runner()
    workflow_runner()
    finders = [f for f in sys.meta_path if getattr(f, "__name__", "") == "_SourceOnce"]
    assert len(finders) == 1
    assert sys.meta_path.index(finders[0]) < sys.meta_path.index(importlib.machinery.PathFinder)


async def test_a_payload_context_is_looked_up_without_entering_the_sandbox(monkeypatch):
    """The SDK asks for the context of every payload; the answer is the inner instance's,
    and is the same as the sandbox gave, without compiling and running code in it."""
    import dataclasses

    import temporalio.converter
    from temporalio import workflow
    from temporalio.api.common.v1 import Payloads
    from temporalio.api.failure.v1 import Failure
    from temporalio.worker import WorkflowInstanceDetails
    from temporalio.worker.workflow_sandbox import _runner as sandbox

    from workflows.application import ApplicationWorkflow

    info = dataclasses.replace(sandbox._fake_info, workflow_id="application-T-1")
    details = WorkflowInstanceDetails(
        payload_converter_factory=temporalio.converter.DataConverter.default._new_payload_converter,
        failure_converter_class=temporalio.converter.DataConverter.default.failure_converter_class,
        interceptor_classes=[],
        defn=workflow._Definition.must_from_class(ApplicationWorkflow),
        info=info,
        randomness_seed=1,
        extern_functions={},
        disable_eager_activity_execution=False,
        worker_level_failure_exception_types=[],
        patch_activation_callback=None,
        last_completion_result=Payloads(),
        last_failure=Failure(),
    )
    instance = workflow_runner().create_instance(details)
    in_sandbox = sandbox._Instance.get_serialization_context(instance, None)  # the SDK's way
    runs: list[str] = []
    monkeypatch.setattr(sandbox._Instance, "_run_code", lambda _self, code, **_: runs.append(code))
    found = instance.get_serialization_context(None)
    store = instance.get_external_store_context(None)
    assert runs == []
    assert (
        found
        == in_sandbox
        == temporalio.converter.WorkflowSerializationContext(
            namespace=info.namespace, workflow_id="application-T-1"
        )
    )
    assert store is not None
