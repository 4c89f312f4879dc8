"""Open extension points: families of settings models, one per backend, each registering
itself under the name its `backend` field defaults to.

A family (generator backends, sandbox backends) is a `Registered` subclass that declares its
own `family` dict. Its members are the modules of a package (imported on first use) and of an
entry-point group, so adding a backend is one module; `tagged_union` makes the family one
pydantic type that picks the member by `backend` and rejects another member's settings.
"""

import functools
import importlib
import importlib.metadata
import pkgutil
from typing import Annotated, Any, ClassVar, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Tag


class Registered(BaseModel):
    """Base of every family; a subclass with a string default for `backend` is a member."""

    model_config = ConfigDict(extra="forbid")

    backend: str
    family: ClassVar[dict[str, type["Registered"]]]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Register a member in its family under its backend name."""
        super().__pydantic_init_subclass__(**kwargs)
        name = cls.model_fields["backend"].default
        if isinstance(name, str) and "family" not in cls.__dict__:
            cls.family[name] = cls


@functools.cache
def discover(package: str, group: str | None = None) -> None:
    """Import every module of `package` and, when given, of the entry points in `group`
    (once per process), so that the modules register what they define."""
    found = importlib.import_module(package)
    for module in pkgutil.iter_modules(found.__path__, f"{package}."):
        importlib.import_module(module.name)
    for entry in importlib.metadata.entry_points(group=group) if group else ():
        entry.load()


def members(base: type[Registered], package: str, group: str) -> dict[str, type[Registered]]:
    """Every member of `base`'s family by name, after `discover(package, group)`."""
    discover(package, group)
    return dict(base.family)


def tagged_union(family: dict[str, type[Registered]], default: str) -> Any:
    """One pydantic type for a family: the member `backend` names (`default` when absent)."""
    def backend_of(value: Any) -> str:
        found = value.get("backend") if isinstance(value, dict) else getattr(value, "backend",
                                                                               None)
        return str(found or default)

    union: Any = Union[tuple(Annotated[member, Tag(name)]  # noqa: UP007 - a union built at run time
                        for name, member in family.items())]
    return Annotated[union, Discriminator(backend_of)]
