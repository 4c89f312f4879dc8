"""Every prompt the pipeline sends: sampling, revision, input synthesis, adjudication, judging."""

from collections.abc import Sequence

from codescale.llm.protocol import ChatMessage
from codescale.models import Execution, Problem, Status, TestCase

SYSTEM = ("You are an expert competitive programmer. You write correct, efficient Python 3 "
          "programs and answer with a single ```python code block.")

_STDIN_TASK = ("Write a complete Python 3 program that reads the input from standard input "
               "and prints the answer to standard output.")
_CALL_TASK = ("Implement `{entry}` in Python 3. Keep the given signature; the function is "
              "called directly with the arguments, and its return value is checked. "
              "Do not read input or print.")
_CLASS_TASK = ("Implement the method `{method}` of `class {owner}` in Python 3, starting "
               "from the code below. An instance is created and the method is called with "
               "the arguments; its return value is checked. Do not read input or print.")


def truncate(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, keeping head and tail, saying what was cut."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n... [{len(text) - 2 * half} characters omitted] ...\n{text[-half:]}"


def _task(problem: Problem) -> str:
    if problem.io == "stdin":
        return _STDIN_TASK
    owner, _, method = (problem.entry_point or "").rpartition(".")
    if owner:
        return _CLASS_TASK.format(owner=owner, method=method)
    return _CALL_TASK.format(entry=problem.entry_point)


def _examples(problem: Problem, limit: int = 800) -> str:
    label = "Input" if problem.io == "stdin" else "Arguments (JSON array)"
    shown = [f"{label}:\n{truncate(t.input, limit)}\nExpected output:\n"
             f"{truncate(t.expected or '', limit)}" for t in problem.public_tests]
    return "\n\n".join(shown)


def describe(problem: Problem) -> str:
    """The statement, the calling convention, starter code and the public examples."""
    parts = [problem.statement.strip(), _task(problem)]
    if problem.starter_code.strip():
        parts.append(f"Starter code:\n```python\n{problem.starter_code.rstrip()}\n```")
    if problem.public_tests:
        parts.append(f"Examples:\n{_examples(problem)}")
    return "\n\n".join(parts)


def sample_messages(problem: Problem) -> tuple[ChatMessage, ...]:
    """The prompt that samples candidate programs."""
    return (ChatMessage(role="system", content=SYSTEM),
            ChatMessage(role="user", content=describe(problem)))


def failure_report(problem: Problem, test: TestCase, execution: Execution, limit: int) -> str:
    """What went wrong on one public test: input, expected and actual output, or the error."""
    lines = [f"Input:\n{truncate(test.input, limit)}",
             f"Expected output:\n{truncate(test.expected or '', limit)}"]
    if execution.status == Status.WRONG_ANSWER:
        lines.append(f"Your output:\n{truncate(execution.stdout, limit)}")
    elif execution.status == Status.TIMEOUT:
        lines.append(f"Your program exceeded the time limit of {problem.time_limit_s} s.")
    elif execution.status == Status.MEMORY_LIMIT:
        lines.append(f"Your program exceeded the memory limit of {problem.memory_limit_mb} MB.")
    elif execution.status == Status.OUTPUT_LIMIT:
        lines.append("Your program printed far too much output.")
    else:
        lines.append(f"Your program failed ({execution.status.value}):\n"
                     f"{truncate(execution.stderr or execution.stdout, limit)}")
    return "\n".join(lines)


def revision_messages(problem: Problem, code: str, report: str) -> tuple[ChatMessage, ...]:
    """The prompt that asks for a fixed program, given a failing public test."""
    return sample_messages(problem) + (
        ChatMessage(role="assistant", content=f"```python\n{code.rstrip()}\n```"),
        ChatMessage(role="user", content="Your program fails a public test.\n\n"
                    f"{report}\n\nFind the bug and answer with the complete corrected program."),
    )


def synthesis_messages(problem: Problem, count: int) -> tuple[ChatMessage, ...]:
    """The prompt that asks for inputs likely to separate subtly wrong programs from right ones."""
    shape = ("the input is the complete text given on standard input, as a JSON string"
             if problem.io == "stdin" else
             "the input is a JSON array of the positional arguments")
    ask = (f"Propose {count} new test inputs for this problem that are likely to expose "
           "incorrect solutions: edge cases, boundary values, tricky and larger cases. "
           "Every input must satisfy the problem's constraints. Answer with one JSON list "
           "in a ```json code block; each item is an object {\"input\": ..., \"output\": ...} "
           f"where {shape} and the output is the correct answer for it.")
    return (ChatMessage(role="system", content="You are an expert at testing programs."),
            ChatMessage(role="user", content=f"{describe(problem)}\n\n{ask}"))


def adjudication_messages(problem: Problem, test_input: str, output_a: str,
                          output_b: str, limit: int) -> tuple[ChatMessage, ...]:
    """The S* comparison prompt: which of two outputs is correct for this input."""
    label = "Input" if problem.io == "stdin" else "Arguments (JSON array)"
    shown = [truncate(text.rstrip("\n"), limit) for text in (test_input, output_a, output_b)]
    ask = (f"Two programs disagree on this input.\n\n{label}:\n{shown[0]}\n\n"
           f"Output A:\n{shown[1]}\n\nOutput B:\n{shown[2]}\n\n"
           "Work out the correct output for this input step by step, then end with a line "
           "`Answer: A` or `Answer: B` naming the correct output.")
    return (ChatMessage(role="system", content="You are a careful judge of program outputs."),
            ChatMessage(role="user", content=f"{describe(problem)}\n\n{ask}"))


def verdict_retry_messages(messages: Sequence[ChatMessage], answer: str
                           ) -> tuple[ChatMessage, ...]:
    """The follow-up to a judge answer that named no output: ask for the verdict line alone."""
    return (*messages, ChatMessage(role="assistant", content=answer),
            ChatMessage(role="user", content="End your judgement now: reply with exactly one "
                                             "line, `Answer: A` or `Answer: B`."))


def judge_messages(problem: Problem, programs: Sequence[str],
                   limit: int) -> tuple[ChatMessage, ...]:
    """The execution-free judge prompt: which numbered program is correct."""
    listing = "\n\n".join(f"Program {i + 1}:\n```python\n{truncate(code.rstrip(), limit)}\n```"
                          for i, code in enumerate(programs))
    ask = (f"{listing}\n\nWhich of these {len(programs)} programs solves the problem correctly? "
           "Reason briefly, then end with a line `Answer: <number>`.")
    return (ChatMessage(role="system", content="You are a careful reviewer of programs."),
            ChatMessage(role="user", content=f"{describe(problem)}\n\n{ask}"))
