"""Which scorer judges a problem: the one registered for its source.

Every module of this package is imported once, at the first look-up, so a scorer module
registers itself just by being here.
"""


from codescale.models import Problem
from codescale.plugins import discover
from codescale.scoring.checker import CHECKER
from codescale.scoring.humaneval import CHECK
from codescale.scoring.plain import PLAIN
from codescale.scoring.scorer import Scorer, registered


def scorer_for(problem: Problem) -> Scorer:
    """The scorer registered for `problem.source`. A problem from any other source (problem
    files, CodeContests) is judged on its hidden test cases, by its check program or by its
    checker when it carries one."""
    discover("codescale.scoring")
    found = registered(problem.source)
    if found is not None:
        return found
    if problem.check_code is not None:
        return CHECK
    return CHECKER if problem.checker_code is not None else PLAIN


def has_hidden_verdict(problem: Problem) -> bool:
    """True when the problem's scorer can judge it (it has hidden tests or a check program)."""
    return scorer_for(problem).has_verdict(problem)
