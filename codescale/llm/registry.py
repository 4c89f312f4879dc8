"""The generator backend registry: a backend is one module under `codescale.llm.backends`
(or named by a `codescale.generators` entry point) defining a `GeneratorConfig` subclass.

The subclass carries the backend's own settings (the `[llm]` table when `backend` names it;
settings of other backends are rejected) and opens the generator. `LLMConfig` in
`codescale.llm.config` is the union of every registered subclass.
"""

from typing import ClassVar

from codescale.llm.protocol import Generator
from codescale.plugins import Registered, members


class GeneratorConfig(Registered):
    """Base of each backend's settings: `backend` (a Literal naming it) and `model`."""

    family: ClassVar[dict[str, type[Registered]]] = {}
    model: str | None = None
    DECISIVE: ClassVar[tuple[str, ...]] = ("backend", "model")
    """Settings that change what the model writes (recorded in run manifests)."""
    ADDED_LATER: ClassVar[tuple[str, ...]] = ()
    """Decisive settings newer than the first manifests: recorded only away from their
    defaults, so runs made before them resume."""

    def open(self) -> Generator:
        """The generator these settings describe, loaded and ready."""
        raise NotImplementedError(f"{type(self).__name__} does not open a generator")

    def weights_sha256(self) -> str | None:
        """What identifies the weights this backend loads from a file, when it does: their
        SHA-256, or for weights made on the machine the recipe that makes them."""
        return None


def backends() -> dict[str, type[GeneratorConfig]]:
    """Every registered generator backend by name."""
    found = members(GeneratorConfig, "codescale.llm.backends", "codescale.generators")
    return {name: member for name, member in found.items() if issubclass(member, GeneratorConfig)}
