"""Model answers become changed files and git-apply-able diffs; tests are never edited."""

import subprocess
from pathlib import Path

from codescale.fix.diffs import apply_diff, unified_diff
from codescale.fix.edits import answer_changes
from codescale.fix.functions import index, is_test_file
from codescale.fix.snapshot import Snapshot
from tests.fix.conftest import REPOS

FIXED_AVERAGE = ("def average(values):\n    if not values:\n        return 0.0\n"
                 "    return sum(values) / len(values)\n")


def _snapshot() -> tuple[Snapshot, list]:
    snapshot = Snapshot.read(REPOS / "missing_edge_case")
    functions = [f for f in index(snapshot) if not is_test_file(f.path)]
    return snapshot, functions


def test_whole_function_replacement_makes_a_git_applicable_diff(tmp_path: Path) -> None:
    snapshot, functions = _snapshot()
    answer = f"The bug is the empty list.\n```python\n{FIXED_AVERAGE}```\n"
    changes = answer_changes(snapshot, answer, (), functions)
    assert changes is not None and list(changes) == ["stats.py"]
    assert FIXED_AVERAGE in changes["stats.py"]
    assert "def spread(values):" in changes["stats.py"]  # the rest of the file is kept
    diff = unified_diff(snapshot, changes)

    for path, content in snapshot.files.items():
        (tmp_path / path).write_bytes(content)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "apply", "-"], input=diff.encode(), check=True)
    assert (tmp_path / "stats.py").read_text() == changes["stats.py"]


def test_method_is_replaced_at_its_indentation() -> None:
    snapshot = Snapshot(root=Path("."), files={"shapes.py": (
        b"class Box:\n    def area(self):\n        return self.w + self.h\n\n"
        b"    def name(self):\n        return 'box'\n")})
    functions = index(snapshot)
    answer = "```python\ndef area(self):\n    return self.w * self.h\n```"
    changes = answer_changes(snapshot, answer, (), functions)
    assert changes == {"shapes.py": "class Box:\n    def area(self):\n        return self.w * "
                                     "self.h\n\n    def name(self):\n        return 'box'\n"}


def test_diff_with_wrong_line_numbers_is_placed_by_content() -> None:
    snapshot, functions = _snapshot()
    answer = ("```diff\n--- a/stats.py\n+++ b/stats.py\n@@ -40,2 +40,4 @@\n"
              '     """Return the mean of values, or 0.0 for an empty list."""\n'
              "+    if not values:\n+        return 0.0\n"
              "     return sum(values) / len(values)\n```")
    changes = answer_changes(snapshot, answer, (), functions)
    assert changes is not None
    assert "    if not values:\n        return 0.0\n    return sum(values)" in changes["stats.py"]


def test_diff_whose_old_lines_are_absent_is_unusable() -> None:
    snapshot, _ = _snapshot()
    diff = "--- a/stats.py\n+++ b/stats.py\n@@ -1,1 +1,1 @@\n-nothing like this\n+x = 1\n"
    assert apply_diff(snapshot, diff) is None


def test_answers_that_edit_tests_or_change_nothing_are_refused() -> None:
    snapshot, functions = _snapshot()
    cheat = ("```diff\n--- a/test_stats.py\n+++ b/test_stats.py\n@@ -9,2 +9,2 @@\n"
             " def test_average_of_nothing():\n-    assert average([]) == 0.0\n+    pass\n```")
    assert answer_changes(snapshot, cheat, (), functions) is None
    unchanged = f"```python\n{snapshot.text('stats.py')}```"
    assert answer_changes(snapshot, unchanged, (), functions) is None
    assert answer_changes(snapshot, "I cannot help with that.", (), functions) is None


def test_file_without_final_newline_diffs_cleanly() -> None:
    snapshot = Snapshot(root=Path("."), files={"m.py": b"def f():\n    return 1"})
    diff = unified_diff(snapshot, {"m.py": "def f():\n    return 2\n"})
    assert "\\ No newline at end of file\n" in diff
    assert diff.endswith("+    return 2\n")
