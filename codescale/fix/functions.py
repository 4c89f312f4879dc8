"""The functions of a repository's Python files: where each one is and its source."""

import ast
import re
from pathlib import PurePosixPath

from codescale.fix.snapshot import Snapshot
from codescale.models import Frozen

_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


class FunctionSource(Frozen):
    """One function or method: file, dotted name inside the module, lines (1-based, decorators
    included), indentation and source text."""

    path: str
    qualname: str
    start: int
    end: int
    indent: str
    source: str

    @property
    def name(self) -> str:
        """The bare function name."""
        return self.qualname.rpartition(".")[2]

    @property
    def module(self) -> str:
        """The dotted module name, as imported from the repository root."""
        return PurePosixPath(self.path).with_suffix("").as_posix().replace("/", ".")

    @property
    def top_level(self) -> bool:
        """True for a module-level function (importable and callable on its own)."""
        return "." not in self.qualname


def is_test_file(path: str) -> bool:
    """pytest's default test file names, and conftest.py."""
    return _TEST_FILE.search(path) is not None or path.startswith("tests/") or "/tests/" in path


def functions_in(path: str, text: str) -> list[FunctionSource]:
    """Module-level functions and methods of module-level classes, in file order."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = text.splitlines(keepends=True)
    found = []
    for node in tree.body:
        for function, owner in _members(node):
            start = min([function.lineno, *(d.lineno for d in function.decorator_list)])
            end = function.end_lineno or function.lineno
            first = lines[start - 1]
            found.append(FunctionSource(path=path, qualname=owner + function.name, start=start,
                                        end=end, indent=first[:len(first) - len(first.lstrip())],
                                        source="".join(lines[start - 1:end])))
    return found


def _members(node: ast.stmt) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """A module-level statement's functions, each with its owner prefix (`Class.` or none)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [(node, "")]
    if isinstance(node, ast.ClassDef):
        return [(item, f"{node.name}.") for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return []


def index(snapshot: Snapshot) -> list[FunctionSource]:
    """Every function of every Python file that parses."""
    return [function for path in snapshot.python_files()
            for function in functions_in(path, snapshot.text(path) or "")]


def enclosing(functions: list[FunctionSource], path: str, line: int) -> FunctionSource | None:
    """The innermost listed function of `path` spanning `line`."""
    spanning = [f for f in functions if f.path == path and f.start <= line <= f.end]
    return min(spanning, key=lambda f: f.end - f.start, default=None)
