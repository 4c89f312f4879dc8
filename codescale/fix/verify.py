"""Judging a patch's test run against the run of the unpatched repository."""

from codescale.fix.models import TestRun, Verification


def verify(patch_id: str, baseline: TestRun, run: TestRun) -> Verification:
    """Which failing tests the patch fixed, which still fail, and which passing tests it broke.

    A test missing from the patched run (its module no longer imports, say) counts as failing.
    """
    passing = run.passing_ids
    failing = [t.id for t in baseline.failing]
    return Verification(patch_id=patch_id, run=run,
                        fixed=tuple(t for t in failing if t in passing),
                        still_failing=tuple(t for t in failing if t not in passing),
                        broken=tuple(sorted(baseline.passing_ids - passing)))
