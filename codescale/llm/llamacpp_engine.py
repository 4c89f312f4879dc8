"""Parallel sampling on llama.cpp: many samples, of one prompt or several, decode as one batch.

The samples of a batch of requests are packed into groups that fit the context: at most
`n_seq_max` sequences, and prompt plus `max_tokens` cells per sequence within `n_ctx`. In a
group each prompt is evaluated once, on its first sequence, and its KV cells are shared
with that request's other samples (the KV cache is unified, so sharing tags cells instead
of copying tensors). A prompt that begins like one evaluated earlier in the group (revision
and judge prompts repeat their problem's statement) shares that prefix's cells too and
evaluates only the rest. Every step then decodes the next token of all live sequences in one
`llama_decode`, which on a CPU turns many matrix-vector products into one matrix product.

Built on llama-cpp-python's low-level bindings (`llama_cpp`, `llama_cpp._internals`); the
chat template is the GGUF's own, rendered by llama-cpp-python's Jinja2 formatter.
"""

import importlib
import itertools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from codescale.llm.errors import BackendUnavailable, LLMError, ModelFileError
from codescale.llm.protocol import ChatMessage, Completion, SamplingParams
from codescale.llm.token_sampling import TokenSampler, next_tokens

PROMPT_CHUNK = 512
SHARED_PREFIX_MIN = 16
"""Shorter common prefixes (the chat template's opening) are evaluated again, not shared."""


@contextmanager
def prefix_sharing_off() -> Iterator[None]:
    """Within it, no prompt shares a prefix with another prompt (a prompt's samples still
    share it): the baseline that benchmarks measure prefix sharing against."""
    global SHARED_PREFIX_MIN
    kept, SHARED_PREFIX_MIN = SHARED_PREFIX_MIN, 1 << 30
    try:
        yield
    finally:
        SHARED_PREFIX_MIN = kept


def import_llama_cpp() -> tuple[Any, Any, Any]:
    """`llama_cpp`, its `_internals` and `llama_chat_format`, or a clear error."""
    try:
        llama, internals, chat_format = (importlib.import_module(name) for name in (
            "llama_cpp", "llama_cpp._internals", "llama_cpp.llama_chat_format"))
    except ImportError as error:
        raise BackendUnavailable(f"the llamacpp backend needs llama-cpp-python ({error}); "
                                 f"run: pip install 'codescale[cpu]'") from None
    importlib.import_module("llama_cpp._logger").set_verbose(False)
    return llama, internals, chat_format


@dataclass(frozen=True)
class SampleJob:
    """One request's prompt tokens, sampling settings and one seed per sample."""

    prompt: list[int]
    params: SamplingParams
    seeds: list[int]


@dataclass
class _Sequence:
    """One sample being decoded."""

    job: int
    sample: int
    seq_id: int
    sampler: TokenSampler
    params: SamplingParams
    position: int
    text: bytearray = field(default_factory=bytearray)
    tokens: int = 0
    finish_reason: str | None = None
    last: int = 0

    def accept(self, piece: bytes) -> None:
        """Append one sampled token's bytes; finish at a stop string or at max_tokens."""
        self.tokens += 1
        stops = [stop.encode("utf-8") for stop in self.params.stop if stop]
        start = max(0, len(self.text) - max((len(stop) for stop in stops), default=0))
        self.text += piece
        for stop in stops:
            at = self.text.find(stop, start)
            if at >= 0:
                del self.text[at:]
                self.finish_reason = "stop"
                return
        if self.tokens >= self.params.max_tokens:
            self.finish_reason = "length"

    def completion(self) -> Completion:
        """The finished sample."""
        return Completion(text=self.text.decode("utf-8", errors="ignore"),
                          finish_reason=self.finish_reason or "length",
                          completion_tokens=self.tokens)


class LlamaCppEngine:
    """A GGUF model and one context with room for `n_seq_max` parallel sequences."""

    def __init__(self, model_path: str, *, n_ctx: int, n_threads: int | None,
                 n_seq_max: int) -> None:
        self._lib, internals, chat_format = import_llama_cpp()
        try:
            self._model = internals.LlamaModel(
                path_model=model_path, params=self._lib.llama_model_default_params(),
                verbose=False)
        except ValueError as error:
            raise ModelFileError(f"cannot load {model_path} as a GGUF model: {error}") from None
        self.n_seq_max = max(1, min(n_seq_max, self._lib.llama_max_parallel_sequences()))
        params = self._lib.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = params.n_ubatch = PROMPT_CHUNK
        params.n_seq_max = self.n_seq_max
        params.kv_unified = True
        params.n_threads = params.n_threads_batch = n_threads or os.cpu_count() or 1
        self._ctx = internals.LlamaContext(model=self._model, params=params, verbose=False)
        self.n_ctx: int = self._ctx.n_ctx()
        self.evaluated_prompt_tokens = 0
        """Prompt tokens decoded so far (shared prefixes and samples' copies not counted)."""
        self._batch = internals.LlamaBatch(n_tokens=max(PROMPT_CHUNK, self.n_seq_max), embd=0,
                                           n_seq_max=1, verbose=False)
        self._formatter = self._chat_formatter(chat_format, model_path)

    def _chat_formatter(self, chat_format: Any, model_path: str) -> Any:
        template = self._model.metadata().get("tokenizer.chat_template")
        if not template:
            raise ModelFileError(f"{model_path} has no chat template in its GGUF metadata")
        eos, bos = self._model.token_eos(), self._model.token_bos()
        return chat_format.Jinja2ChatFormatter(
            template=template, eos_token=self._model.token_get_text(eos) if eos != -1 else "",
            bos_token=self._model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos])

    def prompt_tokens(self, messages: Sequence[ChatMessage]) -> list[int]:
        """The messages rendered by the GGUF's chat template, tokenized."""
        rendered = self._formatter(messages=[message.model_dump() for message in messages])
        tokens: list[int] = self._model.tokenize(rendered.prompt.encode("utf-8"),
                                                 add_bos=not rendered.added_special,
                                                 special=True)
        return tokens

    def run(self, jobs: Sequence[SampleJob]) -> Iterator[tuple[int, list[Completion]]]:
        """Yield `(job index, its completions in seed order)` as each job finishes."""
        for job in jobs:
            if len(job.prompt) >= self.n_ctx:
                raise LLMError(f"prompt of {len(job.prompt)} tokens does not fit the context "
                               f"window of {self.n_ctx} tokens; raise llm.n_ctx")
        found: dict[int, dict[int, Completion]] = {}
        for group in self._groups(jobs):
            for sequence in self._decode_group(jobs, group):
                samples = found.setdefault(sequence.job, {})
                samples[sequence.sample] = sequence.completion()
                if len(samples) == len(jobs[sequence.job].seeds):
                    yield sequence.job, [samples[k] for k in range(len(samples))]

    def _groups(self, jobs: Sequence[SampleJob]) -> Iterator[list[tuple[int, int]]]:
        """`(job, sample)` pairs packed so each group fits the sequences and the KV cells (a
        prompt's cells counted once, less the prefix it shares with an earlier prompt)."""
        group: list[tuple[int, int]] = []
        prompts: list[tuple[list[int], int]] = []
        cells = 0
        for index, job in enumerate(jobs):
            for sample in range(len(job.seeds)):
                opens = not group or group[-1][0] != index
                prompt = len(job.prompt) - _shared(job.prompt, prompts)[0] if opens else 0
                if group and (len(group) == self.n_seq_max
                              or cells + job.params.max_tokens + prompt > self.n_ctx):
                    yield group
                    group, prompts, cells = [], [], 0
                    prompt = len(job.prompt)
                if opens or not prompts:
                    prompts.append((job.prompt, index))
                group.append((index, sample))
                cells += job.params.max_tokens + prompt
        if group:
            yield group

    def _decode_group(self, jobs: Sequence[SampleJob],
                      group: list[tuple[int, int]]) -> list[_Sequence]:
        self._ctx.kv_cache_clear()
        sequences: list[_Sequence] = []
        evaluated: list[tuple[list[int], int]] = []  # (prompt, the sequence holding it)
        for index, pairs in itertools.groupby(group, key=lambda pair: pair[0]):
            job, first = jobs[index], len(sequences)
            shared = self._share_prefix(job.prompt, evaluated, first)
            logits_index = self._evaluate_prompt(job.prompt, first, shared)
            evaluated.append((job.prompt, first))
            members = [_Sequence(job=index, sample=sample, seq_id=first + offset,
                                 sampler=TokenSampler.seeded(job.params.temperature,
                                                             job.params.top_p,
                                                             job.seeds[sample]),
                                 params=job.params, position=len(job.prompt))
                       for offset, (_, sample) in enumerate(pairs)]
            for member in members[1:]:
                self._ctx.kv_cache_seq_cp(first, member.seq_id, 0, len(job.prompt))
            row = self._logits(logits_index, 1)
            self._advance(members, next_tokens(np.broadcast_to(row, (len(members), row.shape[1])),
                                               [member.sampler for member in members]))
            sequences.extend(members)
        live = [sequence for sequence in sequences if sequence.finish_reason is None]
        while live:
            self._decode([(s.last, s.position, s.seq_id, True) for s in live])
            for sequence in live:
                sequence.position += 1
            self._advance(live, next_tokens(self._logits(0, len(live)),
                                            [sequence.sampler for sequence in live]))
            live = [sequence for sequence in live if sequence.finish_reason is None]
        return sequences

    def _logits(self, index: int, rows: int) -> np.ndarray:
        """The last decode's logits for batch entry `index` and the `rows - 1` entries after
        it (entries that all asked for logits: their rows are consecutive), read in place."""
        pointer = self._lib.llama_get_logits_ith(self._ctx.ctx, index)
        if not pointer:
            raise LLMError(f"llama.cpp kept no logits for batch entry {index}")
        return np.ctypeslib.as_array(pointer, shape=(rows, self._model.n_vocab()))

    def _advance(self, sequences: list[_Sequence], tokens: list[int]) -> None:
        """Record each sequence's sampled next token."""
        for sequence, token in zip(sequences, tokens, strict=True):
            if self._lib.llama_vocab_is_eog(self._model.vocab, token):
                sequence.finish_reason = "stop"
                continue
            sequence.last = token
            sequence.accept(self._model.detokenize([token]))
            if sequence.finish_reason is None and sequence.position >= self.n_ctx:
                sequence.finish_reason = "length"

    def _share_prefix(self, prompt: list[int], evaluated: list[tuple[list[int], int]],
                      seq_id: int) -> int:
        """Give `seq_id` the cells of the longest prefix `prompt` shares with a prompt already
        evaluated in this group (see `_shared`); returns how many tokens are shared."""
        length, holder = _shared(prompt, evaluated)
        if length:
            self._ctx.kv_cache_seq_cp(holder, seq_id, 0, length)
        return length

    def _evaluate_prompt(self, prompt: list[int], seq_id: int, start_at: int = 0) -> int:
        """Decode a prompt on one sequence from position `start_at` (the cells before it are
        already there); the batch index of the logits that follow it."""
        self.evaluated_prompt_tokens += len(prompt) - start_at
        for start in range(start_at, len(prompt), PROMPT_CHUNK):
            chunk = prompt[start:start + PROMPT_CHUNK]
            self._decode([(token, start + offset, seq_id, offset == len(chunk) - 1)
                          for offset, token in enumerate(chunk)])
        return len(chunk) - 1

    def _decode(self, entries: list[tuple[int, int, int, bool]]) -> None:
        """One llama_decode of `(token, position, sequence, wants logits)` entries."""
        batch = self._batch.batch
        batch.n_tokens = len(entries)
        for index, (token, position, seq_id, logits) in enumerate(entries):
            batch.token[index] = token
            batch.pos[index] = position
            batch.n_seq_id[index] = 1
            batch.seq_id[index][0] = seq_id
            batch.logits[index] = logits
        try:
            self._ctx.decode(self._batch)
        except RuntimeError as error:
            raise LLMError(f"llama.cpp could not decode ({error}); the context window of "
                           f"{self.n_ctx} tokens may be too small: raise llm.n_ctx") from None


def _common_prefix(a: list[int], b: list[int], limit: int) -> int:
    """How many leading tokens `a` and `b` share, at most `limit`."""
    count = 0
    for x, y in zip(a[:limit], b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _shared(prompt: list[int], earlier: Sequence[tuple[list[int], int]]) -> tuple[int, int]:
    """(how many leading tokens `prompt` can share, the sequence holding them) for the earlier
    prompt it begins like most: all but its last token at most, whose logits are needed;
    (0, -1) when no prefix reaches SHARED_PREFIX_MIN."""
    best, holder = 0, -1
    for tokens, sequence in earlier:
        common = _common_prefix(prompt, tokens, limit=len(prompt) - 1)
        if common > best:
            best, holder = common, sequence
    return (best, holder) if best >= SHARED_PREFIX_MIN else (0, -1)
