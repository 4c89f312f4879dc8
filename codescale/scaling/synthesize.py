"""Stage 3: inputs that may separate the survivors, from the LLM and from fuzzing, run on all."""

import ast
import json
import re
from typing import Any

from codescale.llm.protocol import GenerationRequest, SamplingParams
from codescale.models import Execution, Problem, Stage, TestCase
from codescale.scaling.constraints import admissible
from codescale.scaling.fuzz import fuzz_inputs
from codescale.scaling.pool import ProblemPool
from codescale.scaling.prompts import synthesis_messages
from codescale.scaling.runner import Runner

_BLOCK = re.compile(r"```[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


def _literal_list(text: str) -> list[Any] | None:
    """The outermost `[...]` in `text` read as JSON or a Python literal, else None."""
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        return None
    body = text[start:end + 1]
    for reader in (json.loads, ast.literal_eval):
        try:
            value = reader(body)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(value, list):
            return value
    return None


def _as_stdin(item: Any) -> str | None:
    if isinstance(item, (str, int, float)) and not isinstance(item, bool):
        text = str(item)
        return text if text.endswith("\n") else text + "\n"
    return None


def _as_call(item: Any, arity: int | None) -> str | None:
    if arity == 1 and not (isinstance(item, list) and len(item) == 1):
        item = [item]
    if not isinstance(item, list) or (arity is not None and len(item) != arity):
        return None
    try:
        return json.dumps(item)
    except (TypeError, ValueError):
        return None


def _output(value: Any, problem: Problem) -> str | None:
    """A predicted output in the form programs print it (text, or JSON for call problems)."""
    if value is None:
        return None
    if problem.io == "stdin":
        return _as_stdin(value)
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return None


def _arity(problem: Problem) -> int | None:
    try:
        arities = {len(json.loads(t.input)) for t in problem.public_tests}
    except (json.JSONDecodeError, TypeError):
        return None
    return arities.pop() if len(arities) == 1 else None


def _test(item: Any, problem: Problem, arity: int | None) -> TestCase | None:
    """An item as a test: `{"input": .., "output": ..}` or a bare input; None if misshapen."""
    given, output = (item.get("input"), item.get("output")) if isinstance(item, dict) \
        else (item, None)
    text = _as_stdin(given) if problem.io == "stdin" else _as_call(given, arity)
    return None if text is None else TestCase(input=text, expected=_output(output, problem))


def parse_inputs(text: str, problem: Problem) -> list[TestCase]:
    """The inputs in an LLM answer, each with the output the LLM predicted when it gave one.

    Reads a JSON or Python list, fenced or not, of `{"input", "output"}` objects or bare
    inputs; stdin answers may instead give one fenced block per input. Misshapen items are
    skipped, repeated inputs kept once.
    """
    blocks = _BLOCK.findall(text)
    items = next((found for found in map(_literal_list, [*blocks, text]) if found is not None),
                 None)
    if items is None:
        items = blocks if problem.io == "stdin" else []
    arity = _arity(problem)
    unique: dict[str, TestCase] = {}
    for item in items:
        test = _test(item, problem, arity)
        if test is not None:
            unique.setdefault(test.input, test)
    return list(unique.values())


def _llm_request(runner: Runner, problem: Problem) -> GenerationRequest:
    config = runner.config
    return GenerationRequest(messages=synthesis_messages(problem, config.llm_inputs),
                             params=SamplingParams(temperature=config.judge_temperature,
                                                   max_tokens=config.max_tokens, seed=config.seed))


def _propose(runner: Runner, pools: list[ProblemPool]) -> dict[str, list[TestCase]]:
    """New inputs per problem id (recorded ones reused); LLM requests go out as one batch.

    Each input's `expected` holds the LLM's predicted output, if any (only CodeT reads it).
    Inputs the statement's constraints rule out (`constraints.admissible`) are dropped."""
    config, store = runner.config, runner.store
    proposed: dict[str, list[TestCase]] = {}
    todo = []
    for pool in pools:
        recorded = store.step(f"synth:{pool.problem.id}")
        if recorded is None:
            todo.append(pool)
        else:
            proposed[pool.problem.id] = [TestCase.model_validate(t) for t in recorded]
    asking = [pool for pool in todo if config.llm_inputs]
    results = runner.generate(Stage.SYNTHESIZE,
                              [(pool.problem.id, _llm_request(runner, pool.problem))
                               for pool in asking])
    answered = {pool.problem.id: parse_inputs(result.completions[0].text, pool.problem)
                [:config.llm_inputs] for pool, result in zip(asking, results, strict=True)
                if result is not None and result.completions}
    for pool in todo:
        problem = pool.problem
        public = {test.input for test in problem.public_tests}
        fresh = [t for t in answered.get(problem.id, [])
                 if t.input not in public and admissible(problem, t.input)]
        seen = {t.input for t in fresh}
        fuzzed = [TestCase(input=text) for text in
                  fuzz_inputs(problem, config.hypothesis_inputs, config.seed, at_bound=True)
                  if text not in seen]
        proposed[problem.id] = fresh + fuzzed
        if problem.id in answered or not config.llm_inputs:  # else the LLM part is still owed
            store.mark_step(f"synth:{problem.id}", [t.model_dump() for t in proposed[problem.id]])
    return proposed


def synthesize(runner: Runner, pools: list[ProblemPool]) -> None:
    """Give each problem with two or more survivors its distinguishing inputs and the behaviour
    table of its survivors on them; inputs on which every survivor crashes are dropped."""
    contested = [pool for pool in pools if len(pool.survivors()) > 1]
    run_survivors(runner, contested, _propose(runner, contested))


def run_survivors(runner: Runner, pools: list[ProblemPool],
                  proposed: dict[str, list[TestCase]]) -> None:
    """Run each pool's survivors on its proposed inputs (all problems in one batch) and keep
    the behaviour table of the inputs at least one survivor handles."""
    jobs = [(pool, entry.candidate) for pool in pools for entry in pool.survivors()
            if proposed[pool.problem.id]]
    tests = {pid: [TestCase(input=t.input) for t in found] for pid, found in proposed.items()}
    results = runner.execute(Stage.SYNTHESIZED_RUNS,
                             [(pool.problem, c.id, c.code, tests[pool.problem.id])
                              for pool, c in jobs])
    table: dict[str, dict[str, list[Execution]]] = {}
    for (pool, candidate), executions in zip(jobs, results, strict=True):
        if executions is not None:
            table.setdefault(pool.problem.id, {})[candidate.id] = executions
    for pool in pools:
        _keep_valid(pool, proposed[pool.problem.id], table.get(pool.problem.id, {}))


def _keep_valid(pool: ProblemPool, inputs: list[TestCase],
                runs: dict[str, list[Execution]]) -> None:
    """Record the inputs at least one survivor handles, with every survivor's executions.

    Survivors the budget left unrun on the inputs are left out of the behaviour table."""
    if not runs:
        return
    valid = [i for i in range(len(inputs)) if any(r[i].status.ran_cleanly for r in runs.values())]
    pool.inputs = [inputs[i].input for i in valid]
    pool.predicted = {test.input: expected for test in (inputs[i] for i in valid)
                      if (expected := test.expected) is not None}
    pool.behaviour = {cid: [r[i] for i in valid] for cid, r in runs.items()}
