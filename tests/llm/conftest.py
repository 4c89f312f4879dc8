"""Session fixtures: the embedded model loaded once, and a real llama.cpp server on a free port."""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.model_file import embedded_model_path
from codescale.ports import free_port

SERVER_KEY = "test-key-4f2a"


@pytest.fixture(scope="session")
def embedded_gguf() -> Path:
    """The embedded GGUF, assembled and verified (fails with the fix when parts are missing)."""
    return embedded_model_path()


@pytest.fixture(scope="session")
def llamacpp(embedded_gguf: Path) -> LlamaCppGenerator:
    """The embedded model in this process, loaded once."""
    return LlamaCppGenerator(embedded_gguf, n_ctx=4096, n_threads=2)


@pytest.fixture(scope="session")
def llama_server(embedded_gguf: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """`python -m llama_cpp.server` with the embedded model and an API key; yields its /v1 URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(embedded_gguf),
             "--host", "127.0.0.1", "--port", str(port), "--api_key", SERVER_KEY,
             "--n_ctx", "2048", "--n_threads", "2"],
            stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_ready(server, url, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_ready(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll /v1/models until the server answers; fail with its log if it dies or stalls."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama.cpp server exited with {server.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {SERVER_KEY}"},
                      timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    pytest.fail(f"llama.cpp server not ready after 120s:\n{log.read_text()}")
