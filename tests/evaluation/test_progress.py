"""Progress: batches pass on in chunks that move the bars; each batch gets a bar that fills."""

import io

from rich.console import Console

from codescale.evaluation.progress import ChunkedGenerator, StageBars
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.scaling.runner import Event
from tests.evaluation import scenario


def test_a_batch_goes_out_in_chunks_and_each_is_reported() -> None:
    inner, advanced = scenario.generator(), []
    request = GenerationRequest(messages=(ChatMessage(role="user", content="print |x|"),),
                                params=SamplingParams(n=scenario.N))
    chunked = ChunkedGenerator(inner, advanced.append, chunk=2)
    results = chunked.generate([request] * 5)
    assert len(results) == 5 and [len(batch) for batch in inner.batches] == [2, 2, 1]
    assert advanced == [2, 2, 1]


def test_each_batch_has_a_bar_and_other_events_a_line() -> None:
    out = io.StringIO()
    with StageBars(Console(file=out, width=120)) as bars:
        bars.show(Event(stage="hidden tests", message="12 programs to run", total=12))
        bars.advance(4)
        bars.show(Event(stage="hidden tests", message="12 programs run", done=12, total=12))
        bars.show(Event(stage="done", message="2 problems", done=2, total=2))
    text = out.getvalue()
    assert "hidden tests: 12 programs to run" in text and "12/12" in text
    assert "done: 2 problems" in text and " 2/12" not in text
