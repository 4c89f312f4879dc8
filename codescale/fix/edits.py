"""Turn a model answer into changed files: whole-function replacements (preferred), or a
unified diff."""

import re
import textwrap

from codescale.fix.diffs import apply_diff, looks_like_diff
from codescale.fix.functions import FunctionSource, functions_in, is_test_file
from codescale.fix.snapshot import Snapshot
from codescale.models import Problem
from codescale.scaling.extract import extract_code

_DIFF_BLOCK = re.compile(r"```(?:diff|patch|udiff)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


def _target(new: FunctionSource, suspects: tuple[FunctionSource, ...],
            functions: list[FunctionSource]) -> FunctionSource | None:
    """The repository function an answer's function replaces: a suspect of the same dotted
    name, else of the same bare name, else the only repository function of that name."""
    for candidates in (suspects, functions):
        for same in (lambda f: f.qualname == new.qualname, lambda f: f.name == new.name):
            matching = [f for f in candidates if same(f)]
            if len(matching) == 1:
                return matching[0]
    return None


def _replaced(text: str, replacements: list[tuple[FunctionSource, str]]) -> str:
    """`text` with each function's lines replaced by new source, last first."""
    lines = text.splitlines(keepends=True)
    for old, source in sorted(replacements, key=lambda pair: -pair[0].start):
        body = textwrap.indent(textwrap.dedent(source), old.indent, lambda line: bool(line.strip()))
        lines[old.start - 1:old.end] = [body if body.endswith("\n") else body + "\n"]
    return "".join(lines)


def function_changes(snapshot: Snapshot, answer: str, suspects: tuple[FunctionSource, ...],
                     functions: list[FunctionSource]) -> dict[str, str] | None:
    """Files changed by replacing repository functions with the answer's versions of them."""
    entry = suspects[0].name if suspects else "solution"
    code = extract_code(answer, Problem(id="fix", statement="fix", io="call", entry_point=entry))
    if code is None:
        return None
    by_file: dict[str, list[tuple[FunctionSource, str]]] = {}
    for new in functions_in("answer.py", code):
        old = _target(new, suspects, functions)
        if old is not None:
            by_file.setdefault(old.path, []).append((old, new.source))
    changes = {path: _replaced(snapshot.text(path) or "", pairs) for path, pairs in by_file.items()}
    return {path: text for path, text in changes.items() if text != snapshot.text(path)} or None


def answer_changes(snapshot: Snapshot, answer: str, suspects: tuple[FunctionSource, ...],
                   functions: list[FunctionSource]) -> dict[str, str] | None:
    """The files an answer changes (path -> new text), None when it changes nothing usable.

    A unified diff (fenced as `diff`, or bare) is applied; otherwise every function in the
    answer's Python code replaces the repository function it names (`functions`: those of
    the non-test files). Answers that touch test files are refused."""
    blocks = _DIFF_BLOCK.findall(answer)
    diff = next((block for block in blocks if looks_like_diff(block)), None)
    if diff is None and looks_like_diff(answer) and "```python" not in answer:
        diff = answer
    changes = apply_diff(snapshot, diff) if diff is not None else \
        function_changes(snapshot, answer, suspects, functions)
    if changes is None or any(is_test_file(path) for path in changes):
        return None  # a fix never edits the tests it has to pass
    return changes
