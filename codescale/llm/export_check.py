"""How closely an exported Hugging Face model follows the GGUF it came from.

For each prompt, the GGUF's greedy completion (llama.cpp), then the exported model
(transformers, on the CPU) teacher-forced on it: top-1 agreement is the share of completion
positions where the exported model's most likely next token is the one llama.cpp chose
(the completion re-tokenized with the exported tokenizer, the same vocabulary)."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.protocol import ChatMessage, GenerationRequest, SamplingParams
from codescale.models import Frozen


class PromptAgreement(Frozen):
    """One prompt: positions compared, positions that agreed, and the greedy prefix shared."""

    prompt: str
    positions: int = Field(ge=0)
    agreed: int = Field(ge=0)
    first_disagreement: int | None = Field(description="position of the first disagreement")

    @property
    def rate(self) -> float:
        """Top-1 agreement on this prompt."""
        return self.agreed / self.positions if self.positions else 1.0


def agreement(exported: Path, gguf_path: Path, prompts: Sequence[str],
              max_tokens: int = 64) -> list[PromptAgreement]:
    """Top-1 agreement of the model in `exported` with the GGUF's greedy completions."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    requests = [GenerationRequest(messages=(ChatMessage(role="user", content=prompt),),
                                  params=SamplingParams(temperature=0.0, max_tokens=max_tokens))
                for prompt in prompts]
    completions = [result.completions[0].text for result in
                   LlamaCppGenerator(gguf_path, n_ctx=4096, parallel=4).generate(requests)]
    tokenizer: Any = AutoTokenizer.from_pretrained(exported)
    model = AutoModelForCausalLM.from_pretrained(exported, dtype=torch.float32)
    report = []
    for prompt, completion in zip(prompts, completions, strict=True):
        start = list(tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True,
            return_dict=True)["input_ids"])
        chosen = tokenizer(completion, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([start + chosen])).logits[0]
        predicted = logits[len(start) - 1:-1].argmax(-1).tolist()
        misses = [i for i, (p, c) in enumerate(zip(predicted, chosen, strict=True)) if p != c]
        report.append(PromptAgreement(prompt=prompt, positions=len(chosen),
                                      agreed=len(chosen) - len(misses),
                                      first_disagreement=misses[0] if misses else None))
    return report
