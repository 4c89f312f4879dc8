"""Stage 1: sample candidate programs for every problem in one batch."""

import hashlib

from codescale.llm.protocol import GenerationRequest, GenerationResult, SamplingParams
from codescale.models import Candidate, Stage
from codescale.scaling.extract import extract_code
from codescale.scaling.pool import ProblemPool
from codescale.scaling.prompts import sample_messages
from codescale.scaling.runner import Runner


def candidate_id(problem_id: str, round_: int, index: int, parent_id: str | None) -> str:
    """A deterministic id, so that a rerun recognises the candidates it already has."""
    raw = f"{problem_id}\0{round_}\0{index}\0{parent_id or ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def sampling_params(runner: Runner, n: int, seed: int | None = None) -> SamplingParams:
    """The configured sampling settings for `n` completions (seeded `seed`, `seed+1`, ...;
    by default from the configured seed)."""
    config = runner.config
    return SamplingParams(n=n, temperature=config.temperature, top_p=config.top_p,
                          max_tokens=config.max_tokens,
                          seed=config.seed if seed is None else seed)


def admit(runner: Runner, pool: ProblemPool, result: GenerationResult, round_: int,
          parent_id: str | None, step: str, first: int = 0) -> None:
    """Turn completions into candidates, deduplicated into the pool, and record them together
    with `step` (payload: the ids the completions landed in) in one transaction, so that a
    crash cannot leave half a step behind. The prompt's tokens count once, on the first
    completion; `first` is the sample index of that completion (waves continue the count)."""
    landed: list[str] = []
    for index, completion in enumerate(result.completions, start=first):
        code = extract_code(completion.text, pool.problem)
        if code is None:
            continue
        candidate = Candidate(id=candidate_id(pool.problem.id, round_, index, parent_id),
                              problem_id=pool.problem.id, code=code, parent_id=parent_id,
                              round=round_,
                              prompt_tokens=result.prompt_tokens if index == first else 0,
                              completion_tokens=completion.completion_tokens)
        landed.append(pool.add(candidate).candidate.id)
    touched = [pool.entry(cid) for cid in dict.fromkeys(landed)]
    runner.store.put_candidates([(e.candidate, e.copies) for e in touched], (step, landed))


def sample_requests(runner: Runner, pool: ProblemPool, first: int = 0,
                    count: int | None = None) -> list[GenerationRequest]:
    """The requests for samples `first` .. `first + count - 1` of a problem (by default all
    `n`): sample 0 greedy when configured (and the temperature is not 0 already), the others
    at the configured temperature, seeded so that samples drawn in waves are the samples one
    request for all `n` would draw."""
    config, messages = runner.config, sample_messages(pool.problem)
    count = config.n - first if count is None else count
    greedy = config.greedy_sample and config.temperature != 0
    requests = []
    if greedy and first == 0:
        params = sampling_params(runner, 1).model_copy(update={"temperature": 0.0})
        requests.append(GenerationRequest(messages=messages, params=params))
        first, count = 1, count - 1
    if count > 0:
        params = sampling_params(runner, count, config.seed + first - int(greedy))
        requests.append(GenerationRequest(messages=messages, params=params))
    return requests


def _merged(results: list[GenerationResult | None]) -> GenerationResult | None:
    """One result holding the completions of a problem's sampling requests, in order."""
    found = [result for result in results if result is not None]
    if not found:
        return None
    return GenerationResult(completions=tuple(c for r in found for c in r.completions),
                            prompt_tokens=sum(r.prompt_tokens for r in found))


Asked = tuple[ProblemPool, int, str, list[GenerationRequest]]
"""A problem's sampling: its pool, the index of its first sample, its step and its requests."""


def _whole(runner: Runner, asked: list[Asked]) -> tuple[list[Asked], str | None]:
    """The problems whose requests all fit the call cap, in order, and why the others were
    left out: a problem is sampled whole or not at all, so that its recorded step holds every
    sample it asked for."""
    left = runner.budget.calls_left()
    if left is None:
        return asked, None
    for kept, (pool, _, _, requests) in enumerate(asked):
        if len(requests) > left:
            return asked[:kept], (f"LLM call budget reached ({left} calls left, "
                                  f"{len(requests)} needed to sample {pool.problem.id})")
        left -= len(requests)
    return asked, None


def sample_batch(runner: Runner, wanted: list[tuple[ProblemPool, int, int, str]]) -> None:
    """Draw `(pool, first, count, step)` samples, all problems in one batch; each problem's
    samples are admitted and recorded under its `step` as they come back."""
    asked, left_out = _whole(runner, [(pool, first, step, sample_requests(
        runner, pool, first, count)) for pool, first, count, step in wanted])
    results = iter(runner.generate(Stage.SAMPLE, [(pool.problem.id, request)
                                              for pool, _, _, requests in asked
                                              for request in requests]))
    for pool, first, step, requests in asked:
        result = _merged([next(results) for _ in requests])
        if result is not None:
            admit(runner, pool, result, 0, None, step, first)
    if left_out is not None and not runner.budget.exhausted():  # a reached cap says so itself
        runner.budget.shortfall(left_out)


def sample(runner: Runner, pools: list[ProblemPool]) -> None:
    """Sample `n` programs for each problem not sampled yet, all problems in one batch."""
    sample_batch(runner, [(pool, 0, runner.config.n, f"sample:{pool.problem.id}")
                          for pool in pools
                          if runner.store.step(f"sample:{pool.problem.id}") is None])
