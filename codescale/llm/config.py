"""The `[llm]` table: the settings of the generator backend that `backend` names (`llamacpp`
when absent); each backend's own settings model comes from `codescale.llm.registry`."""

from typing import TYPE_CHECKING

from codescale.llm.registry import GeneratorConfig, backends
from codescale.plugins import tagged_union

DEFAULT_BACKEND = "llamacpp"

if TYPE_CHECKING:
    LLMConfig = GeneratorConfig
else:
    LLMConfig = tagged_union(backends(), DEFAULT_BACKEND)


def default_llm() -> GeneratorConfig:
    """The embedded default backend's settings."""
    return backends()[DEFAULT_BACKEND].model_validate({})
