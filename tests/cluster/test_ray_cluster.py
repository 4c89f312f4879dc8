"""Generation replicas and sandbox executors on a real two-node Ray cluster (`ray start` head
and node, the embedded model, the Docker sandbox): the answers of a run in one process, a run
that loses a node mid-way and still completes with them, and a rerun that resumes.

The embedded model's samples depend on which other sequences share its batch (llama.cpp
decodes them together), so byte-identical runs need the batch whole on one replica
(`replicas = 1`, executors on both nodes); sharding across several replicas is pinned with a
backend that answers each request alone (an OpenAI-compatible server)."""

import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from codescale import load_problems
from codescale.api import Session
from codescale.cluster.cluster import Cluster
from codescale.cluster.config import ClusterConfig
from codescale.cluster.errors import ClusterError
from codescale.cluster.local import LocalNodes, local_cluster
from codescale.cluster.ray_backends import RaySandbox
from codescale.config import Config
from codescale.errors import CodescaleError
from codescale.execution.config import sandbox_config
from codescale.execution.protocol import SandboxJob
from codescale.execution.workspace import WorkspaceJob
from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.backends.openai import OpenAIConfig
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.models import Problem, Status, TestCase
from codescale.ports import free_port
from codescale.scaling.config import ScalingConfig
from codescale.store import RunStore
from tests.llm.scripted_server import Reply, chat_reply, scripted_server

pytest.importorskip("ray")
pytestmark = [pytest.mark.ray, pytest.mark.model, pytest.mark.docker]

REPO = Path(__file__).resolve().parents[2]
PROBLEM_FILES = ("palindrome.yaml", "leap-year.yaml")
SCALING = {"n": 2, "rounds": 1, "max_tokens": 128, "seed": 11}


def problems() -> list[Problem]:
    return load_problems([REPO / "problems" / name for name in PROBLEM_FILES])


CPUS_PER_NODE = 4  # logical: room for a lost node's actors on the other


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[LocalNodes]:
    with local_cluster(2, CPUS_PER_NODE) as nodes:
        yield nodes


def settings(run_dir: Path, address: str | None = None) -> Config:
    return Config(run_dir=run_dir, completion_cache=None,
                  sandbox=sandbox_config(backend="docker", pool_size=1),
                  scaling=ScalingConfig(**SCALING), cluster=ClusterConfig(ray_address=address))


def recorded(run_dir: Path) -> dict[str, Any]:
    """Every candidate (id, round, copies, code) and answer of a run, per problem."""
    store = RunStore.open(run_dir)
    try:
        return {problem.id: (sorted((c.id, c.round, copies, c.code)
                                    for c, copies in store.candidates(problem.id)),
                             [(a.strategy, a.candidate_id, a.code)
                              for a in store.answers(problem.id)])
                for problem in problems()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The reference: the same run with everything in this process."""
    run_dir = tmp_path_factory.mktemp("in-process")
    with Session(settings(run_dir)) as session:
        session.solve_all(problems())
    return recorded(run_dir)


def test_a_clustered_run_returns_the_in_process_candidates_and_answers(
        two_nodes: LocalNodes, in_process: dict[str, Any], tmp_path: Path) -> None:
    with Session(settings(tmp_path, two_nodes.address)) as session:
        session.solve_all(problems())
        assert isinstance(session.sandbox, RaySandbox) and session.sandbox.nodes == 2
    assert recorded(tmp_path) == in_process
    assert all(candidates for candidates, _ in in_process.values())


def test_a_replica_that_cannot_start_is_one_line(two_nodes: LocalNodes, tmp_path: Path) -> None:
    config = settings(tmp_path, two_nodes.address).model_copy(
        update={"llm": LlamaCppConfig(gguf_path=tmp_path / "missing.gguf")})
    with Session(config) as session, pytest.raises(ClusterError) as raised:
        session.generator.generate([])
    message = str(raised.value)
    assert message.startswith("a generation replica could not start on the cluster: ")
    assert "missing.gguf" in message and "\n" not in message


def run_eval(folder: Path, run_dir: Path, config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["codescale", "eval", str(folder), "--run-dir", str(run_dir), "--config", str(config),
         *(f"--{key.replace('_', '-')}={value}" for key, value in SCALING.items())],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def executed(run_dir: Path) -> bool:
    """Whether the run has recorded any execution yet."""
    if not (run_dir / "run.sqlite").exists():
        return False
    with closing(sqlite3.connect(run_dir / "run.sqlite", timeout=30)) as store:
        return bool(store.execute("SELECT count(*) FROM executions").fetchone()[0])


def charges(run_dir: Path) -> int:
    store = RunStore.open(run_dir)
    try:
        return len(store.spending())
    finally:
        store.close()


def test_an_eval_that_loses_a_node_completes_and_a_rerun_resumes(
        in_process: dict[str, Any], tmp_path: Path) -> None:
    with local_cluster(2, CPUS_PER_NODE) as nodes:
        folder = tmp_path / "problems"
        folder.mkdir()
        for name in PROBLEM_FILES:
            shutil.copy(REPO / "problems" / name, folder / name)
        config = tmp_path / "codescale.toml"
        config.write_text(f'[sandbox]\nbackend = "docker"\npool_size = 1\n'
                          f'[cluster]\nray_address = "{nodes.address}"\n')
        run_dir = tmp_path / "run"
        running = run_eval(folder, run_dir, config)
        deadline = time.monotonic() + 300
        while not executed(run_dir) and time.monotonic() < deadline:
            time.sleep(0.2)  # kill once programs have started running on both nodes
        assert running.poll() is None, running.communicate()
        nodes.kill(1)
        _, stderr = running.communicate(timeout=900)
        assert running.returncode == 0, stderr
        assert nodes.alive() == 1
        assert {problem: candidates for problem, (candidates, _) in recorded(run_dir).items()
                } == {problem: candidates for problem, (candidates, _) in in_process.items()}
        charged = charges(run_dir)

        again = run_eval(folder, run_dir, config)
        _, stderr = again.communicate(timeout=600)
        assert again.returncode == 0, stderr
        assert charges(run_dir) == charged  # nothing generated or executed again


def answered_alone(body: dict[str, Any], call: int) -> Reply:
    """Each request's completions are a function of that request only."""
    prompt = body["messages"][-1]["content"]
    return chat_reply([f"{prompt} seed={body.get('seed')} #{i}" for i in range(body["n"])])


def test_batches_sharded_over_replicas_and_nodes_come_back_in_order(
        two_nodes: LocalNodes) -> None:
    requests = [GenerationRequest(messages=(ChatMessage(role="user", content=f"problem {i}"),),
                                  params=SamplingParams(n=1 + i % 3, seed=i, max_tokens=64))
                for i in range(7)]
    programs = ["print(int(input()) * 2)", "print(int(input()) * 3)", "raise SystemExit(3)",
                "print(input()[::-1])"]
    jobs = [SandboxJob(candidate_id=f"c{i}", code=code, io="stdin",
                       tests=tuple(TestCase(input=str(12 + i + k), expected=str(2 * (12 + i + k)))
                                   for k in range(1 + i)))
            for i, code in enumerate(programs)]
    workspaces = [WorkspaceJob(files={"n": str(i).encode()}, command="cat n n > out",
                               collect=("out",)) for i in range(3)]
    sandbox = sandbox_config(backend="docker", pool_size=1)
    with scripted_server(answered_alone) as (url, script):
        llm = OpenAIConfig(model="scripted", base_url=url)
        cluster = Cluster(ClusterConfig(ray_address=two_nodes.address, replicas=3))
        try:
            generated = cluster.generator(llm).generate(requests)
            on_nodes = cluster.sandbox(sandbox)
            ran = on_nodes.run_many(jobs)
            built = on_nodes.run_workspaces(workspaces)
            on_nodes.close()
        finally:
            cluster.close()
        assert generated == llm.open().generate(requests)
    with sandbox.open() as here:
        expected = here.run_many(jobs)
    assert [[(run.status, run.stdout) for run in runs] for runs in ran] == [
        [(run.status, run.stdout) for run in runs] for runs in expected]
    assert [run.status for run in ran[0]] == [Status.PASSED]
    assert [(result.exit_code, result.files) for result in built] == [
        (0, {"out": f"{i}{i}".encode()}) for i in range(3)]
    assert {run.status for run in ran[2]} == {Status.RUNTIME_ERROR}


def test_a_backend_error_in_a_replica_is_raised_as_itself(two_nodes: LocalNodes) -> None:
    llm = OpenAIConfig(model="any", base_url=f"http://127.0.0.1:{free_port()}/v1",
                       max_retries=0, timeout_s=5)
    batch = [GenerationRequest(messages=(ChatMessage(role="user", content="hi"),))]
    with pytest.raises(CodescaleError) as here:
        llm.open().generate(batch)
    cluster = Cluster(ClusterConfig(ray_address=two_nodes.address))
    try:
        with pytest.raises(type(here.value)) as there:
            cluster.generator(llm).generate(batch)
    finally:
        cluster.close()
    assert str(there.value) == str(here.value) and "\n" not in str(there.value)
