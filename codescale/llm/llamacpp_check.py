"""Is the installed llama.cpp safe to load in this process? Asked once per build and CPU.

A llama.cpp built with instructions this CPU lacks dies with SIGILL or SIGSEGV inside a
decode, taking the whole process with it. So before the embedded backend loads llama.cpp
in-process, a subprocess loads the model and decodes a short greedy batch; a crash or a
wrong answer becomes a one-line error naming the cause and the fix. The verdict is kept in
the cache directory, keyed by the library files (`LLAMA_CPP_LIB_PATH` or llama-cpp-python's
`lib/`) and this CPU, so it is asked again only after a rebuild or on another machine.
Run as `python -m codescale.llm.llamacpp_check MODEL.gguf` it is that subprocess.
"""

import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from codescale.llm.cpu_build import this_machine
from codescale.llm.errors import BackendUnavailable
from codescale.llm.model_file import EMBEDDED_MODELS, cache_dir

VERDICTS = "llamacpp-checks.json"
PROMPT = "Write a Python function add(a, b) that returns the sum of a and b."
EXPECTED = "a + b"
SMOKE_TIMEOUT_S = 600.0
REBUILD_HINT = "rebuild it for this CPU: codescale models setup --rebuild"
BASELINE_HINT = ("rebuild it with fewer instruction sets: "
                 "codescale models setup --rebuild --baseline")
DECODER = [sys.executable, "-m", __name__]
"""The subprocess that decodes; given the model path, it prints the samples as JSON."""


class LibraryCheck(BaseModel):
    """The verdict on one llama.cpp build on one CPU."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    detail: str
    cmake_args: str | None = None


def library_dir() -> Path | None:
    """Where llama-cpp-python loads llama.cpp from, found without importing it."""
    override = os.environ.get("LLAMA_CPP_LIB_PATH")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lib"


def library_key(directory: Path) -> str:
    """A digest of the shared libraries in `directory` (names, sizes, mtimes) and this CPU."""
    digest = hashlib.sha256(this_machine().model_dump_json().encode())
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        entries = []
    for entry in entries:
        if entry.is_file() and any(part in entry.name for part in (".so", ".dylib", ".dll")):
            stat = entry.stat()
            digest.update(f"{entry.name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _load_verdicts() -> dict[str, dict[str, object]]:
    try:
        loaded = json.loads((cache_dir() / VERDICTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def recorded(directory: Path) -> LibraryCheck | None:
    """The stored verdict on the build in `directory` on this CPU, if one was made."""
    entry = _load_verdicts().get(library_key(directory))
    return LibraryCheck.model_validate(entry) if entry else None


def record(directory: Path, check: LibraryCheck) -> None:
    """Store a verdict (atomically; a cache that cannot be written is only a lost shortcut)."""
    verdicts = _load_verdicts()
    verdicts[library_key(directory)] = check.model_dump()
    target = cache_dir() / VERDICTS
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(verdicts, indent=1), encoding="utf-8")
        partial.replace(target)
    except OSError:
        pass


def smoke_decode(model_path: Path, directory: Path, *, timeout_s: float = SMOKE_TIMEOUT_S,
                 hint: str = REBUILD_HINT) -> LibraryCheck:
    """Decode a short greedy batch with `model_path` in a subprocess and judge the result;
    a failure's detail ends with `hint`, the fix."""
    where = f"llama.cpp in {directory}"
    try:
        done = subprocess.run([*DECODER, str(model_path)],
                              capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return LibraryCheck(ok=False, detail=f"{where} did not finish a test decode in "
                                             f"{timeout_s:.0f} s; {hint}")
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        return LibraryCheck(ok=False, detail=f"{where} crashed with {name} in a test decode "
                                             f"(built for instructions this CPU lacks?); "
                                             f"{hint}")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return LibraryCheck(ok=False, detail=f"{where} failed a test decode: {last}")
    try:
        texts = [str(text) for text in json.loads(done.stdout)]
    except (ValueError, TypeError):
        texts = [done.stdout[-200:]]
    # An embedded model must write the expected code; any other model must at least decode
    # the same non-empty text for both greedy samples of the batch.
    embedded = any(model_path.name == spec.filename for spec in EMBEDDED_MODELS.values())
    expected = EXPECTED if embedded else ""
    if len(set(texts)) != 1 or not texts[0].strip() or expected not in texts[0]:
        return LibraryCheck(ok=False, detail=f"{where} decodes wrong text (greedy samples "
                                             f"{texts!r}, expected {expected!r} in each); "
                                             f"{hint}")
    found = f"writing {expected!r}" if expected else "the same text"
    return LibraryCheck(ok=True, detail=f"{where}: both greedy samples of a batch decode {found}")


def check_library(model_path: Path, *, fresh: bool = False, built_with: str | None = None,
                  hint: str = REBUILD_HINT) -> LibraryCheck:
    """The verdict on the installed llama.cpp: the stored one, or a new smoke decode
    (always with `fresh`), which is then stored with the flags of the build: `built_with`
    for one codescale has just made, else those stored for the same build."""
    directory = library_dir()
    if directory is None:
        return LibraryCheck(ok=False, detail="llama-cpp-python is not installed; "
                                             "run: codescale models setup")
    known = recorded(directory)
    if known is not None and not fresh:
        return known
    check = smoke_decode(model_path, directory, hint=hint)
    flags = built_with or (known.cmake_args if known is not None else None)
    check = check.model_copy(update={"cmake_args": flags})
    record(directory, check)
    return check


def ensure_library_runs(model_path: Path) -> None:
    """Raise BackendUnavailable (one line) unless the installed llama.cpp passed its check."""
    check = check_library(model_path)
    if not check.ok:
        raise BackendUnavailable(check.detail)


def _decode(model_path: str) -> list[str]:
    """Two greedy samples of PROMPT, decoded together by the backend's own engine."""
    from codescale.llm.llamacpp_engine import LlamaCppEngine, SampleJob
    from codescale.llm.protocol import ChatMessage, SamplingParams

    engine = LlamaCppEngine(model_path, n_ctx=512, n_threads=None, n_seq_max=2)
    prompt = engine.prompt_tokens([ChatMessage(role="user", content=PROMPT)])
    # 128 tokens: the requantized 0.5B writes a docstring before `return a + b`
    params = SamplingParams(n=2, temperature=0.0, max_tokens=128)
    results = dict(engine.run([SampleJob(prompt=prompt, params=params, seeds=[0, 1])]))
    return [completion.text for completion in results[0]]


if __name__ == "__main__":
    print(json.dumps(_decode(sys.argv[1])))
