"""Test doubles for the scaling logic: a scripted Generator and a scripted Sandbox.

Programs in these tests are short Python texts whose first line names them
(`NAME = "p1"`); the sandbox looks the name up in a table of Python functions instead
of running the program, and the generator answers each kind of prompt with a function.
"""

import re
from collections.abc import Callable, Sequence

from codescale.execution.compare import outputs_match
from codescale.execution.protocol import SandboxJob
from codescale.llm.protocol import Completion, GenerationRequest, GenerationResult
from codescale.models import Execution, Status

Reply = Callable[[GenerationRequest], list[str]]
Behaviour = Callable[[str], str | Status]
_NAME = re.compile(r'^NAME = "(\w+)"', re.MULTILINE)


def program(name: str, body: str = "pass") -> str:
    """The source of a named test program."""
    return f'NAME = "{name}"\n{body}\n'


def fenced(name: str, body: str = "pass") -> str:
    """A model answer holding a named program in a python fence."""
    return f"Here is my solution.\n```python\n{program(name, body)}```\nDone."


def prompt_kind(request: GenerationRequest) -> str:
    """Which pipeline prompt a request is, from its system message and shape."""
    system = request.messages[0].content
    if "testing programs" in system:
        return "synthesize"
    if "judge of program outputs" in system:
        return "adjudicate"
    if "reviewer of programs" in system:
        return "judge"
    return "revise" if len(request.messages) > 2 else "sample"


def prompt_text(request: GenerationRequest) -> str:
    """The last user message of a request."""
    return request.messages[-1].content


class ScriptedGenerator:
    """Answers each kind of prompt with the given function; records every batch."""

    def __init__(self, **replies: Reply) -> None:
        self.replies = replies
        self.batches: list[list[GenerationRequest]] = []

    @property
    def name(self) -> str:
        return "scripted:test"

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        self.batches.append(list(requests))
        results = []
        for request in requests:
            texts = self.replies[prompt_kind(request)](request)
            assert len(texts) == request.params.n, "a reply must give n completions"
            prompt = sum(len(m.content) for m in request.messages) // 4
            results.append(GenerationResult(
                completions=tuple(Completion(text=t, finish_reason="stop",
                                             completion_tokens=len(t) // 4 + 1) for t in texts),
                prompt_tokens=prompt))
        return results

    def kinds(self) -> list[list[str]]:
        """The prompt kinds of each batch, in order."""
        return [[prompt_kind(r) for r in batch] for batch in self.batches]


class ScriptedSandbox:
    """Runs named programs by looking up their behaviour; records every job."""

    def __init__(self, behaviours: dict[str, Behaviour]) -> None:
        self.behaviours = behaviours
        self.jobs: list[SandboxJob] = []

    def _run_one(self, job: SandboxJob, test_input: str, expected: str | None) -> Execution:
        match = _NAME.search(job.code)
        outcome = self.behaviours[match.group(1)](test_input) if match else Status.RUNTIME_ERROR
        if isinstance(outcome, Status):
            return Execution(candidate_id=job.candidate_id, input=test_input, status=outcome,
                             stderr="Traceback: boom")
        if expected is None:
            status = Status.COMPLETED
        else:
            status = Status.PASSED if outputs_match(job.io, expected, outcome) \
                else Status.WRONG_ANSWER
        return Execution(candidate_id=job.candidate_id, input=test_input, status=status,
                         stdout=outcome)

    def run(self, job: SandboxJob) -> list[Execution]:
        self.jobs.append(job)
        return [self._run_one(job, t.input, t.expected) for t in job.tests]

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        return [self.run(job) for job in jobs]

    def close(self) -> None:
        pass

    def executions(self) -> int:
        """How many inputs were run in all."""
        return sum(len(job.tests) for job in self.jobs)
