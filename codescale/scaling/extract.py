"""Pull the program out of a model's answer, and normalise programs for deduplication."""

import ast
import re

from codescale.models import Problem

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)",
                    re.DOTALL | re.MULTILINE)
_MAX_STARTS = 5  # code-like lines tried as the program's first line
_MAX_TRIMMED = 40  # trailing lines of prose cut at most
_PYTHON_TAGS = {"", "python", "python3", "py", "py3"}
_CODE_START = re.compile(r"^(def |class |import |from |async def |@|if __name__|#!|[A-Za-z_]\w*"
                         r"(\s*,\s*[A-Za-z_]\w*)*\s*=[^=]|for |while |print\(|[A-Za-z_][\w.]*\()")


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def _fenced_blocks(text: str) -> list[str]:
    """Code blocks in order; an unterminated last fence runs to the end of the text."""
    blocks = []
    for match in _FENCE.finditer(text):
        if match.group(2).lower() in _PYTHON_TAGS and match.group(3).strip():
            blocks.append(match.group(3).rstrip() + "\n")
    return blocks


def _unfenced_code(text: str) -> str | None:
    """The longest code-looking run of lines: from the first code-like line, trailing prose cut."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _CODE_START.match(line)]
    for start in starts[:_MAX_STARTS]:
        for end in range(len(lines), max(start, len(lines) - _MAX_TRIMMED), -1):
            code = "\n".join(lines[start:end]).strip("\n")
            if code and _parses(code):
                return code + "\n"
    return None


def _defines(code: str, entry_point: str) -> bool:
    """True when `code` defines `entry_point` (`name` or `Class.method`)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    owner, _, name = entry_point.rpartition(".")
    for node in tree.body:
        if not owner and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.name == name:
            return True
        if owner and isinstance(node, ast.ClassDef) and node.name == owner:
            return any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and item.name == name for item in node.body)
    return False


def extract_code(text: str, problem: Problem) -> str | None:
    """The program in a model answer, or None when the answer holds no Python code.

    Among several fenced blocks it prefers, last first, one that defines the entry point
    (call problems), then one that parses, then the last block as written.
    """
    blocks = _fenced_blocks(text)
    if not blocks:
        return _unfenced_code(text)
    complete = [block for block in blocks if _parses(block)]
    if problem.entry_point:
        defining = [block for block in complete if _defines(block, problem.entry_point)]
        if defining:
            return defining[-1]
    return complete[-1] if complete else blocks[-1]


def normalise(code: str) -> str:
    """A canonical form for deduplication: ast round-trip, else comments and blank lines dropped."""
    try:
        return ast.unparse(ast.parse(code))
    except (SyntaxError, ValueError):
        kept = (line.split("#", 1)[0].rstrip() for line in code.splitlines())
        return "\n".join(line for line in kept if line)
