"""The prompts of the CI bot: propose a fix, and revise one that still fails."""

from codescale.fix.context import FixContext
from codescale.fix.models import TestOutcome, Verification
from codescale.llm.protocol import ChatMessage
from codescale.scaling.prompts import truncate

SYSTEM = ("You are an expert Python developer who fixes bugs. You never change tests; you "
          "answer with the complete corrected function(s) in a single ```python code block.")


def _failures(failures: tuple[TestOutcome, ...], limit: int) -> str:
    return "\n\n".join(f"{f.id}:\n```\n{truncate(f.text.strip(), limit)}\n```" for f in failures)


def _code(context: FixContext) -> str:
    return "\n\n".join(f"From `{f.path}`:\n```python\n{f.source.rstrip()}\n```"
                       for f in context.suspects)


def fix_messages(context: FixContext, command: str, limit: int) -> tuple[ChatMessage, ...]:
    """The prompt that asks for a fix of the failing tests."""
    tests = "\n\n".join(f"```python\n{body.source.rstrip()}\n```" for body in context.test_bodies)
    parts = [f"Running `{command}` fails.",
             f"Failing tests:\n\n{_failures(context.failures, limit)}"]
    if tests:
        parts.append(f"The failing tests:\n{tests}")
    parts += [f"The code under test:\n\n{_code(context)}",
              "The tests are correct; the code under test has a bug. Make the code satisfy "
              "the tests and its docstring. Answer with the complete corrected function in "
              "one ```python code block, keeping its name and signature."]
    return (ChatMessage(role="system", content=SYSTEM),
            ChatMessage(role="user", content="\n\n".join(parts)))


def revision_messages(context: FixContext, command: str, answer: str,
                      verification: Verification, limit: int) -> tuple[ChatMessage, ...]:
    """The prompt that asks to correct a patch, given the tests that still fail with it."""
    run = verification.run
    failing = tuple(t for t in run.failing if t.id in verification.still_failing
                    or t.id in verification.broken) or run.failing
    report = _failures(failing, limit) if failing else f"```\n{truncate(run.output, limit)}\n```"
    return fix_messages(context, command, limit) + (
        ChatMessage(role="assistant", content=answer),
        ChatMessage(role="user", content=f"With your change these tests fail:\n\n{report}\n\n"
                    "Correct the function and answer with the complete function in one "
                    "```python code block."))
