"""Shared fixtures: the real Temporal servers from PyPI (never downloaded at run time),
a worker on a fresh read-model database, and applications to feed it. Helpers that are
not fixtures live in tests/helpers.py."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

import codec
from activities.context import Context
from tests.helpers import ROSTER, binary, make_context

# Re-exported (`x as x`) for tests/test_complaints.py and tests/test_cli_cases.py, which
# still import them from here; they move to tests.helpers with their owners' next change.
from tests.helpers import application as application
from tests.helpers import worker_for as worker_for
from workflows import search


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` first, in their order: the test processes (pytest -n, with
    --dist worksteal in scripts/test) then share out the short ones around them, and
    none is left running a minute-long test alone at the end of the suite."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


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
        test_server_existing_path=binary("temporal-test-server"),
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
        dev_server_existing_path=binary("temporal"),
        search_attributes=search.ALL,
    )
    yield env
    await env.shutdown()


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
