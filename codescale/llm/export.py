"""Exporting a GGUF model to a Hugging Face directory (`config.json`, safetensors weights, the
tokenizer and its chat template) that transformers and vLLM load.

The `gguf` package reads and dequantizes the tensors, through transformers' GGUF reader, which
also maps their names, reads the config and builds the tokenizer; they are loaded into a plain
(unquantized) model of that config, and the chat template is copied from the GGUF's metadata.
Quantization is not undone: the weights are the quantized values, widened."""

from pathlib import Path
from typing import Literal, get_args

from codescale.llm.errors import BackendUnavailable, ModelFileError

ExportDtype = Literal["bfloat16", "float16", "float32"]
EXPORT_DTYPES: tuple[str, ...] = get_args(ExportDtype)
CHAT_TEMPLATE_KEY = "tokenizer.chat_template"


def gguf_chat_template(path: Path) -> str | None:
    """The chat template a GGUF file carries in its metadata, if any."""
    from gguf import GGUFReader

    field = GGUFReader(path).fields.get(CHAT_TEMPLATE_KEY)
    if field is None:
        return None
    return bytes(field.parts[field.data[0]]).decode("utf-8")


def export_gguf(gguf_path: Path, out: Path, dtype: ExportDtype = "bfloat16") -> Path:
    """Write the model in `gguf_path` to the directory `out` (new or empty) in Hugging Face
    format, its weights dequantized to `dtype`; returns `out`."""
    if not gguf_path.is_file():
        raise ModelFileError(f"{gguf_path}: no such GGUF file")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ModelFileError(f"{out}: exists and is not an empty directory")
    try:
        import gguf  # noqa: F401 - transformers' GGUF loader needs it
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
        from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint
    except ImportError as error:
        raise BackendUnavailable(f"exporting needs {error.name}: "
                                 "pip install 'codescale[export]'") from None
    config = AutoConfig.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    tensors = load_gguf_checkpoint(str(gguf_path), return_tensors=True,
                                   model_to_load=model)["tensors"]
    loaded = model.load_state_dict(tensors, strict=False)
    if loaded.missing_keys:
        raise ModelFileError(f"{gguf_path}: no tensors for {', '.join(loaded.missing_keys[:3])}")
    model = model.to(getattr(torch, dtype))
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    template = gguf_chat_template(gguf_path)
    if template is not None:
        tokenizer.chat_template = template
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out
