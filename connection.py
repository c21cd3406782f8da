"""One way to reach Temporal for the worker, the starter and the command line."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.service import TLSConfig

import codec
from settings import Settings


async def connect(settings: Settings) -> Client:
    """A client whose payloads are encrypted with the settings' key ring.

    Raises codec.KeysUnavailable, before any connection, when there is no usable ring:
    a client without keys would fail later, on the first case it reads or starts."""
    keys = codec.KeyFile(settings.keyring_file)
    keys.ring()
    tls: TLSConfig | bool = False
    if settings.temporal_tls_cert and settings.temporal_tls_key:
        tls = TLSConfig(
            client_cert=Path(settings.temporal_tls_cert).read_bytes(),
            client_private_key=Path(settings.temporal_tls_key).read_bytes(),
        )
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=codec.data_converter(keys),
        tls=tls or bool(settings.temporal_api_key),
        api_key=settings.temporal_api_key,
    )
