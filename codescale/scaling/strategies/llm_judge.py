"""`llm_judge`: without running anything, the model reads the samples and names the right one."""

import re

from codescale.llm.protocol import GenerationRequest, SamplingParams
from codescale.models import Answer, Stage
from codescale.scaling.answer import abstain, choose, share
from codescale.scaling.pool import ProblemPool
from codescale.scaling.prompts import judge_messages
from codescale.scaling.registry import SAMPLING, strategy
from codescale.scaling.runner import Runner

_CHOICE = re.compile(r"answer\W{0,5}(?:is\W{0,3})?(?:program\s+)?#?(\d+)", re.IGNORECASE)


def parse_choice(text: str, count: int) -> int | None:
    """The 0-based program index of the judge's last `Answer: <number>`, if in range."""
    found = _CHOICE.findall(text)
    if not found:
        return None
    number = int(found[-1])
    return number - 1 if 1 <= number <= count else None


def _ask(runner: Runner, pools: list[ProblemPool]) -> dict[str, str]:
    """The judge's reply per problem id with more than one sampled program, in one batch;
    replies are recorded as steps, so a resumed run does not ask again."""
    config, store = runner.config, runner.store
    replies = {pool.problem.id: recorded for pool in pools
               if (recorded := store.step(f"judge:{pool.problem.id}")) is not None}
    asking = [pool for pool in pools if len(pool.sampled()) > 1 and pool.problem.id not in replies]
    results = runner.generate(Stage.LLM_JUDGE, [
        (pool.problem.id, GenerationRequest(
            messages=judge_messages(pool.problem, [e.candidate.code for e in pool.sampled()],
                                    config.feedback_chars),
            params=SamplingParams(temperature=config.judge_temperature,
                                  max_tokens=config.max_tokens, seed=config.seed)))
        for pool in asking])
    for pool, result in zip(asking, results, strict=True):
        if result is not None and result.completions:
            replies[pool.problem.id] = result.completions[0].text
            store.mark_step(f"judge:{pool.problem.id}", result.completions[0].text)
    return replies


@strategy("llm_judge", SAMPLING | {Stage.LLM_JUDGE}, order=6)
def llm_judge(runner: Runner, pools: list[ProblemPool]) -> list[Answer]:
    """For each problem, ask the LLM (one batch for all problems) which sampled program is right."""
    replies = _ask(runner, pools)
    answers = []
    for pool in pools:
        sampled = pool.sampled()
        if not sampled:
            answers.append(abstain(pool, "llm_judge", "no sample contained a program"))
            continue
        reply = replies.get(pool.problem.id)
        index = parse_choice(reply, len(sampled)) if reply is not None else None
        reason = (f"judge chose program {index + 1} of {len(sampled)}" if index is not None else
                  "only one program" if len(sampled) == 1 else
                  "judge answer unreadable; first sample kept" if reply is not None else
                  "budget reached before judging; first sample kept")
        entry = sampled[index or 0]
        confidence = share(1, len(sampled)) if index is None else 1.0 - share(1, len(sampled) + 1)
        answers.append(choose(pool, "llm_judge", entry, confidence, reason))
    return answers
