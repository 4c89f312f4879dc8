"""What the model is shown: the failing tests with their tracebacks and bodies, and the
functions most likely at fault (named in the tracebacks, or called by the failing tests)."""

import ast
import re
import textwrap

from codescale.fix.functions import FunctionSource, enclosing, index, is_test_file
from codescale.fix.models import TestOutcome
from codescale.fix.snapshot import Snapshot
from codescale.models import Frozen

MAX_SUSPECTS = 4
MAX_FAILURES = 5
# `path.py:12: in name` / `path.py:12: Error` (pytest) and `File "path.py", line 12` (Python)
_LOCATION = re.compile(r'^(?:\s*File "([^"]+\.py)", line (\d+)|([^\s:]+\.py):(\d+):)', re.M)


class FixContext(Frozen):
    """The failing tests and the source the model may change."""

    failures: tuple[TestOutcome, ...]
    test_bodies: tuple[FunctionSource, ...]
    suspects: tuple[FunctionSource, ...]


def _repo_path(raw: str, known: set[str]) -> str | None:
    """A traceback's file name as a repository path (sandbox prefixes removed), if it is one."""
    path = raw.split("/repo/", 1)[1] if "/repo/" in raw else raw.removeprefix("./")
    return path if path in known else None


def _traceback_functions(failure: TestOutcome, functions: list[FunctionSource],
                         known: set[str]) -> list[FunctionSource]:
    found = []
    for match in _LOCATION.finditer(failure.text):
        path = _repo_path(match.group(1) or match.group(3), known)
        line = int(match.group(2) or match.group(4))
        function = enclosing(functions, path, line) if path else None
        if function is not None:
            found.append(function)
    return found


def _test_body(failure: TestOutcome, functions: list[FunctionSource]) -> FunctionSource | None:
    """The test function a node id names (`file::Class::test_x[param]`)."""
    parts = failure.id.split("[", 1)[0].split("::")
    qualname = ".".join(parts[1:])
    return next((f for f in functions if f.path == parts[0] and f.qualname == qualname), None)


def _called_names(source: str) -> set[str]:
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func
            names.add(target.attr if isinstance(target, ast.Attribute)
                      else getattr(target, "id", ""))
    return names


def gather(snapshot: Snapshot, failing: tuple[TestOutcome, ...]) -> FixContext:
    """The context of a fix: failures (at most MAX_FAILURES), their test bodies and the
    suspected functions of non-test files, the most likely first."""
    functions = index(snapshot)
    known = set(snapshot.files)
    failures = failing[:MAX_FAILURES]
    bodies = [body for f in failures if (body := _test_body(f, functions)) is not None]
    code = [f for f in functions if not is_test_file(f.path)]
    suspects = [f for failure in failures for f in _traceback_functions(failure, code, known)]
    called = set().union(*(_called_names(body.source) for body in bodies)) if bodies else set()
    suspects += [f for f in code if f.name in called]
    if not suspects:  # nothing points anywhere: a small repository is shown whole
        suspects = code
    unique = list({(f.path, f.qualname): f for f in suspects}.values())
    return FixContext(failures=failures, test_bodies=tuple(dict.fromkeys(bodies)),
                      suspects=tuple(unique[:MAX_SUSPECTS]))
