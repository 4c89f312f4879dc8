"""Errors of the generator backends, each with a one-line message naming the cause."""

from codescale.errors import CodescaleError


class LLMError(CodescaleError):
    """A generator backend cannot do what was asked; the message says why."""


class ModelFileError(LLMError):
    """The model file is missing, incomplete, or not the expected file."""


class BackendUnavailable(LLMError):
    """The chosen backend's package is not installed or its settings are incomplete."""


class EndpointError(LLMError):
    """An OpenAI-compatible server is unreachable, refused the request, or kept failing."""
