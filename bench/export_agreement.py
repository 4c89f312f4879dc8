"""How closely the Hugging Face export of an embedded model follows the GGUF it came from.

Exports the model (`codescale models export`) into a temporary directory, then for each example
problem's statement compares the GGUF's greedy completion (llama.cpp) with the export's next-
token choices along it (transformers on the CPU, float32 compute over the exported weights):
top-1 agreement, and where the first disagreement falls. One run, one table.

Usage: python bench/export_agreement.py [--model qwen2.5-coder-0.5b] [--max-tokens 96]
           [--dtype bfloat16]
"""

import argparse
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from codescale import load_problems
from codescale.llm.export import EXPORT_DTYPES, export_gguf
from codescale.llm.export_check import agreement
from codescale.llm.model_file import EMBEDDED, embedded_model, embedded_model_path

PROBLEMS = Path(__file__).resolve().parents[1] / "problems"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=EMBEDDED.name)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--dtype", default="bfloat16", choices=EXPORT_DTYPES)
    args = parser.parse_args()
    gguf = embedded_model_path(embedded_model(args.model))
    prompts = [problem.statement for problem in load_problems(PROBLEMS)]
    with tempfile.TemporaryDirectory() as scratch:
        exported = export_gguf(gguf, Path(scratch) / "hf", args.dtype)
        report = agreement(exported, gguf, prompts, args.max_tokens)
    table = Table(title=f"{args.model}: GGUF (llama.cpp greedy) vs its {args.dtype} export "
                        f"(transformers), {len(prompts)} example problems")
    for column in ("positions", "top-1 agreed", "agreement", "prompts in full agreement",
                   "median first disagreement"):
        table.add_column(column)
    positions = sum(p.positions for p in report)
    agreed = sum(p.agreed for p in report)
    firsts = sorted(p.first_disagreement for p in report if p.first_disagreement is not None)
    table.add_row(str(positions), str(agreed), f"{100 * agreed / max(positions, 1):.1f}%",
                  f"{sum(p.first_disagreement is None for p in report)}/{len(report)}",
                  str(firsts[len(firsts) // 2]) if firsts else "-")
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
