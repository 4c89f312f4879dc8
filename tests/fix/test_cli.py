"""`codescale fix` on the command line with the real sandbox: green suites, commands that
cannot run, and the safety rules of --apply. None of these needs a model."""

import shutil
import subprocess
from pathlib import Path

import pytest

from codescale.execution.pool import WorkerPool
from codescale.fix.errors import FixError
from codescale.fix.worktree import apply_patch, ensure_clean
from tests.fix.conftest import REPOS, fix_config, run_fix
from tests.fix.test_bot import RIGHT, fenced
from tests.scaling.doubles import ScriptedGenerator


def codescale_fix(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`codescale fix` run from `where`, so its default run directory lands there."""
    return subprocess.run(["codescale", "fix", *args, "--sandbox", "local"], cwd=where,
                          capture_output=True, text=True, timeout=300)


def git_copy(name: str, tmp_path: Path) -> Path:
    """A committed git repository holding a fixture repository."""
    root = tmp_path / name
    shutil.copytree(REPOS / name, root)
    for command in (["init", "-q"], ["add", "."],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed"]):
        subprocess.run(["git", "-C", str(root), *command], check=True)
    return root


def test_passing_suite_says_so_and_exits_zero(tmp_path: Path) -> None:
    done = codescale_fix(tmp_path, str(REPOS / "all_passing"), "--summary", str(tmp_path / "s.md"))
    assert done.returncode == 0, done.stderr
    assert "## codescale fix: tests already pass" in done.stdout
    assert "All 1 tests pass; nothing to fix." in done.stdout
    assert (tmp_path / "s.md").read_text() == done.stdout.removesuffix("\n")


def test_missing_test_tool_is_one_clear_error(tmp_path: Path) -> None:
    done = codescale_fix(tmp_path, str(REPOS / "all_passing"), "--test-cmd", "tox -e py311")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: the test command `tox -e py311` cannot run in the sandbox: "
        "sh: 1: tox: not found"]


def test_apply_refuses_a_dirty_tree_before_running_anything(tmp_path: Path) -> None:
    root = git_copy("off_by_one", tmp_path)
    (root / "series.py").write_text("# local edit\n")
    done = codescale_fix(tmp_path, str(root), "--apply")
    assert done.returncode == 1
    assert "--apply refuses a dirty work tree (1 changed files, first: series.py)" in done.stderr
    assert (root / "series.py").read_text() == "# local edit\n"


def test_apply_needs_a_git_work_tree(tmp_path: Path) -> None:
    shutil.copytree(REPOS / "off_by_one", tmp_path / "plain")
    done = codescale_fix(tmp_path, str(tmp_path / "plain"), "--apply")
    assert done.returncode == 1 and "--apply needs a git work tree" in done.stderr


def test_bad_flag_value_is_one_line(tmp_path: Path) -> None:
    done = codescale_fix(tmp_path, str(REPOS / "all_passing"), "--n", "0")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: scaling.n: Input should be greater than or equal to 1"


def test_the_bot_leaves_the_tree_alone_and_its_patch_applies(tmp_path: Path,
                                                            local_sandbox: WorkerPool) -> None:
    root = git_copy("missing_edge_case", tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    generator = ScriptedGenerator(sample=lambda request: [fenced(RIGHT)] * 2)
    report = run_fix(root, generator, local_sandbox, tmp_path / "run", fix_config(n=2))
    assert report.status == "fixed"
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before

    ensure_clean(root)
    apply_patch(root, report.selection.chosen.diff)
    assert (root / "stats.py").read_text() == report.selection.chosen.files["stats.py"]
    with pytest.raises(FixError, match="dirty work tree"):
        ensure_clean(root)
    with pytest.raises(FixError, match="git apply failed"):
        apply_patch(root, report.selection.chosen.diff)
