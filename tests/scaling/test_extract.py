"""Code extraction from model answers, and the normal form used for deduplication."""

from codescale.models import Problem, TestCase
from codescale.scaling.extract import extract_code, normalise

STDIN = Problem(id="s", statement="sum", io="stdin")
CALL = Problem(id="c", statement="add", io="call", entry_point="add",
               public_tests=(TestCase(input="[1, 2]", expected="3"),))
METHOD = Problem(id="m", statement="add", io="call", entry_point="Solution.add",
                 starter_code="class Solution:\n    def add(self, a, b):\n        pass\n")


def test_fenced_block_with_language_tag_and_prose() -> None:
    text = ("Sure! Here it is:\n```python\nprint(sum(map(int, input().split())))\n```\n"
            "Hope it helps.")
    assert extract_code(text, STDIN) == "print(sum(map(int, input().split())))\n"


def test_fence_without_tag_and_tilde_fence() -> None:
    assert extract_code("```\nx = 1\nprint(x)\n```", STDIN) == "x = 1\nprint(x)\n"
    assert extract_code("~~~py\nprint(2)\n~~~", STDIN) == "print(2)\n"


def test_other_languages_are_ignored() -> None:
    text = "Run:\n```bash\npython main.py\n```\nCode:\n```python\nprint(1)\n```"
    assert extract_code(text, STDIN) == "print(1)\n"


def test_unterminated_fence_runs_to_the_end() -> None:
    text = "```python\nimport sys\nprint(len(sys.stdin.read()))\n"
    assert extract_code(text, STDIN) == "import sys\nprint(len(sys.stdin.read()))\n"


def test_missing_fences_with_prose_before_and_after() -> None:
    text = ("The idea is to add the numbers.\n\ndef add(a, b):\n    return a + b\n\n"
            "This runs in constant time.")
    assert extract_code(text, CALL) == "def add(a, b):\n    return a + b\n"


def test_several_blocks_prefer_the_one_defining_the_entry_point() -> None:
    text = ("First a helper:\n```python\ndef helper(x):\n    return x\n```\n"
            "Solution:\n```python\ndef add(a, b):\n    return a + b\n```\n"
            "Usage:\n```python\nprint(add(1, 2))\n```")
    assert extract_code(text, CALL) == "def add(a, b):\n    return a + b\n"


def test_solution_class_method_counts_as_the_entry_point() -> None:
    text = ("```python\nclass Other:\n    def add(self):\n        pass\n```\n"
            "```python\nclass Solution:\n    def add(self, a, b):\n        return a + b\n```\n"
            "```python\nprint(Solution().add(1, 2))\n```")
    assert "class Solution" in (extract_code(text, METHOD) or "")


def test_several_blocks_prefer_the_last_complete_one() -> None:
    text = ("```python\nprint(1)\n```\nbetter:\n```python\nprint(2)\n```\n"
            "broken:\n```python\nprint(\n```")
    assert extract_code(text, STDIN) == "print(2)\n"


def test_no_code_gives_none() -> None:
    assert extract_code("I am not sure how to solve this.", STDIN) is None
    assert extract_code("", STDIN) is None


def test_normalise_ignores_comments_and_layout_but_not_logic() -> None:
    a = "def f(x):\n    # double it\n    return x*2\n"
    b = "def f( x ):\n\n    return x * 2   # doubled\n"
    assert normalise(a) == normalise(b)
    assert normalise(a) != normalise("def f(x):\n    return x * 3\n")


def test_normalise_of_unparsable_code_drops_comments_and_blank_lines() -> None:
    assert normalise("print(  # oops\n\n") == normalise("print(\n")
