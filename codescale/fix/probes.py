"""Distinguishing inputs for verified patches: the changed functions as call problems, their
example calls from the tests, and new argument lists from the LLM and from hypothesis."""

import ast
import json
import textwrap
from typing import Any

from codescale.fix.context import FixContext
from codescale.fix.functions import FunctionSource, functions_in
from codescale.fix.models import REPOSITORY, Patch
from codescale.fix.snapshot import Snapshot
from codescale.llm.protocol import GenerationRequest, SamplingParams
from codescale.models import Frozen, Problem, Stage, TestCase
from codescale.scaling.fuzz import fuzz_inputs
from codescale.scaling.prompts import synthesis_messages
from codescale.scaling.runner import Runner
from codescale.scaling.synthesize import parse_inputs


class Probe(Frozen):
    """A function some verified patches change, described as a `call` problem."""

    function: FunctionSource
    problem: Problem

    @property
    def label(self) -> str:
        """`module.function`."""
        return f"{self.function.module}.{self.function.name}"


def _literal(node: ast.expr) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def _call_args(call: ast.Call) -> str | None:
    """A call's positional arguments as a JSON array, when all are JSON literals."""
    if call.keywords:
        return None
    values = [_literal(arg) for arg in call.args]
    if not all(ok for ok, _ in values):
        return None
    try:
        return json.dumps([value for _, value in values])
    except (TypeError, ValueError):
        return None


def _expected(node: ast.AST, call: ast.Call) -> str | None:
    """The literal a test compares a call's result with (`assert f(x) == 3`), as JSON."""
    if isinstance(node, ast.Compare) and node.left is call and len(node.ops) == 1 \
            and isinstance(node.ops[0], ast.Eq):
        ok, value = _literal(node.comparators[0])
        if ok:
            try:
                return json.dumps(value)
            except (TypeError, ValueError):
                return None
    return None


def example_calls(name: str, bodies: list[str]) -> tuple[TestCase, ...]:
    """Calls of `name` with literal arguments in the test bodies, with the expected value when
    the test compares the result with a literal."""
    found: dict[str, TestCase] = {}
    for body in bodies:
        try:
            tree = ast.parse(textwrap.dedent(body))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Call) and getattr(child.func, "id", None) == name:
                    args = _call_args(child)
                    if args is not None and (args not in found or found[args].expected is None):
                        found[args] = TestCase(input=args, expected=_expected(node, child))
    return tuple(found.values())


def probes(snapshot: Snapshot, patches: list[Patch], context: FixContext) -> list[Probe]:
    """The module-level functions of non-test files that at least one patch changes."""
    changed: dict[tuple[str, str], FunctionSource] = {}
    for patch in patches:
        for path, text in patch.files.items():
            before = {f.qualname: f for f in functions_in(path, snapshot.text(path) or "")}
            after = {f.qualname: f.source for f in functions_in(path, text)}
            for qualname, function in before.items():
                if function.top_level and after.get(qualname) != function.source:
                    changed[(path, qualname)] = function
    bodies = [body.source for body in context.test_bodies]
    tests = "\n\n".join(f"```python\n{body.rstrip()}\n```" for body in bodies)
    return [Probe(function=function, problem=Problem(
        id=f"{function.module}.{function.name}", io="call", entry_point=function.name,
        statement=f"Implement this function from `{function.path}` correctly; these tests "
                  f"must pass:\n{tests}\n\nThe current version:\n```python\n"
                  f"{function.source.rstrip()}\n```",
        public_tests=example_calls(function.name, bodies)))
        for function in changed.values()]


def inputs_for(runner: Runner, found: list[Probe]) -> list[list[str]]:
    """New argument lists per probe: the LLM's (one batch for all probes, recorded so a resumed
    run does not ask again), then fuzzed ones shaped like the example calls; the example
    calls themselves are left out."""
    config, store = runner.config, runner.store
    params = SamplingParams(temperature=config.judge_temperature, max_tokens=config.max_tokens,
                            seed=config.seed)
    proposed = {probe.label: recorded for probe in found
                if (recorded := store.step(f"fix:inputs:{probe.label}")) is not None}
    asked = [probe for probe in found if config.llm_inputs and probe.label not in proposed]
    results = runner.generate(Stage.SYNTHESIZE, [(REPOSITORY, GenerationRequest(
        messages=synthesis_messages(probe.problem, config.llm_inputs), params=params))
        for probe in asked])
    for probe, result in zip(asked, results, strict=True):
        if result is not None and result.completions:
            proposed[probe.label] = [t.input for t in parse_inputs(
                result.completions[0].text, probe.problem)][:config.llm_inputs]
            store.mark_step(f"fix:inputs:{probe.label}", proposed[probe.label])
    chosen = []
    for probe in found:
        known = {test.input for test in probe.problem.public_tests}
        texts = proposed.get(probe.label, []) + fuzz_inputs(probe.problem,
                                                            config.hypothesis_inputs, config.seed)
        chosen.append([text for text in dict.fromkeys(texts) if text not in known])
    return chosen
