"""`codescale models export`: the embedded GGUF as a Hugging Face model that transformers
loads and that follows the GGUF's own greedy completions; bad input in one line."""

import json
import subprocess
from pathlib import Path

import pytest

from codescale.llm.export_check import agreement
from codescale.llm.model_file import EMBEDDED, embedded_model_path

pytest.importorskip("transformers")
pytest.importorskip("gguf")

PROMPTS = ("Write a Python function that returns the n-th Fibonacci number.",
           "Write a Python function is_leap(year) that says whether a year is a leap year.")


def export(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["codescale", "models", "export", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.mark.model
def test_the_exported_model_follows_the_gguf(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    result = export(str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    config = json.loads((out / "config.json").read_text())
    assert (config["model_type"], config["num_hidden_layers"], config["hidden_size"]) == (
        "qwen2", 24, 896)
    assert list(out.glob("*.safetensors")) and (out / "tokenizer.json").is_file()
    saved = (out / "tokenizer_config.json").read_text() + "".join(
        path.read_text() for path in out.glob("chat_template*"))
    assert "<|im_start|>" in saved  # the GGUF's chat template came along

    report = agreement(out, embedded_model_path(EMBEDDED), PROMPTS, max_tokens=48)
    assert all(prompt.positions >= 10 for prompt in report)
    agreed = sum(prompt.agreed for prompt in report) / sum(p.positions for p in report)
    assert agreed >= 0.9, report


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    missing = export(str(tmp_path / "out"), "--gguf", str(tmp_path / "none.gguf"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"error: {tmp_path / 'none.gguf'}: no such GGUF file"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    (tmp_path / "some.gguf").write_bytes(b"GGUF")
    taken = export(str(tmp_path / "full"), "--gguf", str(tmp_path / "some.gguf"))
    assert taken.returncode == 1
    assert taken.stderr.strip() == f"error: {tmp_path / 'full'}: exists and is not an empty " \
                                   "directory"
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    unknown = export(str(tmp_path / "x"), "--dtype", "int3")
    assert unknown.stderr.strip() == ("error: unknown dtype 'int3'; use bfloat16, float16 "
                                      "or float32")
