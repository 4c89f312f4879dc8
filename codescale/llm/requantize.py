"""Making a requantized embedded model: llama.cpp's quantizer, then a test decode of the result.

Every weight matrix goes to one 4-bit type (`pure`), the output layer included: llama.cpp's
CPU backend repacks such matrices at load time into the interleaved layout of its batched
integer kernels (on x86-64 with AVX2, the instructions codescale's build already uses), which
is where the speed comes from. The quantizer runs in this process on the build that passed
its test decode; the new file must then pass a test decode of its own in a subprocess before
it is used, so a kernel this CPU cannot run is an error, not a crash.
"""

import contextlib
import os
from pathlib import Path

from codescale.llm.errors import BackendUnavailable, LLMError, ModelFileError
from codescale.llm.llamacpp_check import ensure_library_runs, library_dir, smoke_decode
from codescale.llm.llamacpp_engine import import_llama_cpp
from codescale.llm.model_file import RequantizedSpec, mark_verified, model_path

FILE_TYPES = {"IQ4_NL": "LLAMA_FTYPE_MOSTLY_IQ4_NL"}
"""llama.cpp's file type constant for each quantization a RequantizedSpec may name."""


def requantize(source: Path, target: Path, spec: RequantizedSpec) -> Path:
    """Write `spec`'s model to `target` from the GGUF at `source`, check it, and return it.

    On any failure nothing is left at `target` and the error is one line naming the cause.
    """
    ensure_library_runs(model_path(spec.source))  # the build, judged on the shipped model
    directory = library_dir()
    if directory is None:
        raise BackendUnavailable("llama-cpp-python is not installed; run: codescale models setup")
    llama = import_llama_cpp()[0]
    partial = target.parent / "partial" / target.name  # its own name: the decode checks it
    partial.parent.mkdir(parents=True, exist_ok=True)
    params = llama.llama_model_quantize_default_params()
    params.ftype = getattr(llama, FILE_TYPES[spec.quantization])
    params.allow_requantize = True
    params.pure = True
    params.nthread = os.cpu_count() or 1
    status = llama.llama_model_quantize(str(source).encode(), str(partial).encode(), params)
    if status != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise ModelFileError(f"llama.cpp could not requantize {source} to {spec.quantization} "
                             f"(status {status})")
    check = smoke_decode(partial, directory, hint=f"set [llm] embedded = "
                                                  f"\"{spec.source.name}\" instead")
    if not check.ok:
        partial.unlink()
        raise LLMError(f"the {spec.quantization} model fails its test decode: {check.detail}")
    partial.replace(target)
    with contextlib.suppress(OSError):  # another process may be making a model there too
        partial.parent.rmdir()
    mark_verified(target, spec)
    return target
