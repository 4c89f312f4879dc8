"""Clustering survivors by behaviour, and breaking ties between clusters without the judge."""

from codescale.models import Candidate, Execution, Problem, Status, TestCase
from codescale.scaling.cluster import Cluster, bracket, clusters, entrant
from codescale.scaling.contest import Entrant, Match, tie_break
from codescale.scaling.pool import PoolEntry, ProblemPool

PROBLEM = Problem(id="p", statement="s", io="stdin",
                  public_tests=(TestCase(input="1\n", expected="1\n"),
                                TestCase(input="2\n", expected="2\n")))
INPUTS = ["a\n", "b\n"]


def _pool(outputs: dict[str, tuple[list[str | Status], int]]) -> ProblemPool:
    """Survivors named by id, each with its outputs on INPUTS and its copy count."""
    pool = ProblemPool(problem=PROBLEM, inputs=INPUTS)
    for name, (results, copies) in outputs.items():
        pool.entries.append(PoolEntry(candidate=Candidate(id=name, problem_id="p",
                                                          code=f"# {name}"), copies=copies))
        pool.public[name] = [Execution(candidate_id=name, input=t.input, status=Status.PASSED)
                             for t in PROBLEM.public_tests]
        pool.behaviour[name] = [
            Execution(candidate_id=name, input=i, status=r) if isinstance(r, Status) else
            Execution(candidate_id=name, input=i, status=Status.COMPLETED, stdout=r)
            for i, r in zip(INPUTS, results, strict=True)]
    return pool


def _ids(found: list[Cluster]) -> list[list[str]]:
    return [[m.candidate.id for m in c.members] for c in found]


def test_outputs_that_match_by_the_comparison_rule_cluster_together() -> None:
    pool = _pool({"x": (["1.0\n", "2 3\n"], 1), "y": (["1.0000000001", "2  3\n\n"], 2),
                  "z": (["1.5\n", "2 3\n"], 1)})
    found = clusters(pool)
    assert _ids(found) == [["x", "y"], ["z"]]
    assert found[0].size == 3 and found[0].representative.candidate.id == "y"


def test_failures_cluster_by_status() -> None:
    pool = _pool({"t1": ([Status.TIMEOUT, "0\n"], 1), "t2": ([Status.TIMEOUT, "0\n"], 1),
                  "e": ([Status.RUNTIME_ERROR, "0\n"], 1), "ok": (["5\n", "0\n"], 1)})
    assert _ids(clusters(pool)) == [["t1", "t2"], ["e"], ["ok"]]


def test_clusters_ordered_by_size_then_public_record_then_sample_order() -> None:
    pool = _pool({"small": (["1\n", "1\n"], 1), "early": (["2\n", "2\n"], 2),
                  "big": (["3\n", "3\n"], 3), "late": (["4\n", "4\n"], 2)})
    assert _ids(clusters(pool)) == [["big"], ["early"], ["late"], ["small"]]


def test_no_synthesized_inputs_one_cluster_of_all_survivors() -> None:
    pool = _pool({"a": (["1\n", "1\n"], 1), "b": (["2\n", "2\n"], 1)})
    pool.behaviour = {}
    assert _ids(clusters(pool)) == [["a", "b"]]


def test_tie_break_prefers_size_then_public_record_then_earlier_cluster() -> None:
    pool = _pool({"a": (["1\n", "1\n"], 1), "b": (["2\n", "2\n"], 3), "c": (["3\n", "3\n"], 1)})
    pool.public["c"] = pool.public["c"][:1] + [pool.public["c"][1].model_copy(
        update={"status": Status.WRONG_ANSWER})]
    a, b, c = (entrant(pool, Cluster(members=(pool.entry(name),))) for name in "abc")

    def match(x: Entrant, y: Entrant) -> Match:
        return Match(bracket=bracket(pool), a=x, b=y)

    by_size = tie_break(match(a, b), "judge answer unreadable", 0)
    assert (by_size.winner, by_size.decided_by) == ("b", "majority")
    assert by_size.input == "a\n" and (by_size.output_a, by_size.output_b) == ("1\n", "2\n")
    by_record = tie_break(match(c, a), "budget reached before judging", 0)
    assert (by_record.winner, by_record.decided_by) == ("b", "public_tests")
    assert by_record.rationale.startswith("budget reached")
    assert tie_break(match(a, a), "x", None).winner == "a"
