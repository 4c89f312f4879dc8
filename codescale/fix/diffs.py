"""Unified diffs: written for `git apply`, and read leniently from model answers."""

import difflib
import re
from collections.abc import Mapping

from codescale.fix.snapshot import Snapshot

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")
_NOT_HUNK_BODY = ("--- ", "diff --git ", "index ", "\\")
_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(snapshot: Snapshot, changes: Mapping[str, str]) -> str:
    """A `git apply`-able diff from the snapshot to `changes` (path -> new text), by path."""
    parts = []
    for path in sorted(changes):
        before = snapshot.text(path) or ""
        lines = difflib.unified_diff(_lines(before), _lines(changes[path]),
                                     fromfile=f"a/{path}", tofile=f"b/{path}", n=3)
        parts.append("".join(_marked(line) for line in lines))
    return "".join(parts)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _marked(line: str) -> str:
    """A diff line; a last line without newline gets git's marker after it."""
    return line if line.endswith("\n") else f"{line}\n{_NO_NEWLINE}"


def looks_like_diff(text: str) -> bool:
    """True when the text holds a unified diff (file headers and a hunk)."""
    return bool(re.search(r"^--- .*\n\+\+\+ .*\n@@ ", text, re.MULTILINE))


def apply_diff(snapshot: Snapshot, text: str) -> dict[str, str] | None:
    """The files a unified diff changes, with their new text; None when any hunk's old lines
    cannot be found in the file. Hunks are placed by content, nearest to their stated line,
    because models get line numbers wrong."""
    changes: dict[str, str] = {}
    for path, hunks in _file_hunks(text):
        original = changes.get(path, snapshot.text(path))
        if original is None:
            return None
        lines = original.splitlines()
        for start, old, new in hunks:
            at = _locate(lines, old, start - 1)
            if at is None:
                return None
            lines[at:at + len(old)] = new
        changes[path] = "\n".join(lines) + ("\n" if original.endswith("\n") or not lines else "")
    return {path: text for path, text in changes.items() if text != snapshot.text(path)} or None


def _file_hunks(text: str) -> list[tuple[str, list[tuple[int, list[str], list[str]]]]]:
    """(path, [(stated start, old lines, new lines)]) per file of a diff."""
    files: list[tuple[str, list[tuple[int, list[str], list[str]]]]] = []
    lines = text.rstrip().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("+++ ") and i and lines[i - 1].startswith("--- "):
            path = line[4:].split("\t")[0].strip()
            files.append((path[2:] if path.startswith("b/") else path, []))
        elif (match := _HUNK.match(line)) and files:
            files[-1][1].append((int(match.group(1)), [], []))
        elif files and files[-1][1] and not line.startswith(_NOT_HUNK_BODY):
            _, old, new = files[-1][1][-1]
            sign, body = (line[:1], line[1:]) if line[:1] in " +-" else (" ", line)
            if sign in " -":
                old.append(body)
            if sign in " +":
                new.append(body)
    return files


def _locate(lines: list[str], block: list[str], near: int) -> int | None:
    """Where `block` occurs in `lines` (the occurrence nearest to `near`), else None."""
    size = len(block)
    found = [i for i in range(len(lines) - size + 1)
             if [line.rstrip() for line in lines[i:i + size]] == [b.rstrip() for b in block]]
    return min(found, key=lambda i: abs(i - near), default=None)
