"""A backend for OpenAI-compatible chat servers: `vllm serve`, llama.cpp's server, hosted APIs.

Built on httpx rather than the `openai` package: the retry policy, the status codes that
decide between retrying and failing, and the fallback from native `n` to one request per
seed are the whole job of this module, and the `openai` client would wrap each of them in
its own layer (its own retries, its own exception classes) that we would have to undo.

The batch is sent concurrently (at most `max_concurrency` requests in flight) so the
server's scheduler sees all of it at once and can share prompt prefixes.
"""

import asyncio
import random
from collections.abc import Sequence
from typing import Any

import httpx

from codescale.llm.backend import Backend, ResultSink, sample_seeds
from codescale.llm.errors import EndpointError
from codescale.llm.protocol import Completion, GenerationRequest, GenerationResult

_RETRYABLE = {408, 409, 429, 500, 502, 503, 504}


class OpenAIGenerator(Backend):
    """Chat completions over HTTP, with retries, a concurrency cap and `n` emulation."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *,
                 max_concurrency: int = 16, timeout_s: float = 600.0, max_retries: int = 4,
                 backoff_s: float = 0.5) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._max_concurrency = max_concurrency
        self._timeout_s = timeout_s
        self._max_retries = max_retries
        self._backoff_s = backoff_s
        self.native_n: bool | None = None
        """Whether the server honours `n`: None until learned from the first request."""

    @property
    def name(self) -> str:
        """`openai:<model>`."""
        return f"openai:{self.model}"

    def generate_each(self, requests: Sequence[GenerationRequest], on_result: ResultSink) -> None:
        """Send the batch concurrently; report each request when all its samples are in."""
        asyncio.run(self._generate_all(requests, on_result))

    async def _generate_all(self, requests: Sequence[GenerationRequest],
                            on_result: ResultSink) -> None:
        limit = asyncio.Semaphore(self._max_concurrency)
        async with httpx.AsyncClient(base_url=self.base_url, headers=self._headers,
                                     timeout=self._timeout_s) as client:
            async def one(index: int, request: GenerationRequest) -> None:
                on_result(index, await self._generate(client, limit, request))

            tasks = [asyncio.create_task(one(i, r)) for i, r in enumerate(requests)]
            try:
                await asyncio.gather(*tasks)
            finally:
                for task in tasks:
                    task.cancel()

    async def _generate(self, client: httpx.AsyncClient, limit: asyncio.Semaphore,
                        request: GenerationRequest) -> GenerationResult:
        """All `n` samples of one request: natively if the server allows, else one per seed."""
        n = request.params.n
        completions: list[Completion] = []
        prompt_tokens = 0
        if n > 1 and self.native_n is not False:
            body = await self._post(client, limit, self._payload(request, n, request.params.seed),
                                    allow_refusal=True)
            if body is None:
                self.native_n = False
            else:
                completions, prompt_tokens = _completions(body)
                self.native_n = len(completions) >= n
                completions = completions[:n]
        seeds = sample_seeds(request.params)[len(completions):]
        if seeds:
            bodies = await asyncio.gather(*(
                self._post(client, limit, self._payload(request, 1, seed)) for seed in seeds))
            for body in bodies:
                assert body is not None
                more, prompt_tokens = _completions(body)
                completions.extend(more[:1])
        return GenerationResult(completions=tuple(completions), prompt_tokens=prompt_tokens)

    def _payload(self, request: GenerationRequest, n: int, seed: int | None) -> dict[str, Any]:
        params = request.params
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [message.model_dump() for message in request.messages],
            "n": n, "temperature": params.temperature, "top_p": params.top_p,
            "max_tokens": params.max_tokens,
        }
        if params.stop:
            payload["stop"] = list(params.stop)
        if seed is not None:
            payload["seed"] = seed
        return payload

    async def _post(self, client: httpx.AsyncClient, limit: asyncio.Semaphore,
                    payload: dict[str, Any], allow_refusal: bool = False) -> dict[str, Any] | None:
        """POST /chat/completions with retries; None when `allow_refusal` and the server
        rejects the request as invalid (400/422), which for `n > 1` means `n` is unsupported."""
        wait: float = 0.0
        failure: EndpointError | None = None
        for attempt in range(self._max_retries + 1):
            await asyncio.sleep(wait)
            wait = self._backoff_s * 2 ** attempt * (1 + random.random() / 2)
            try:
                async with limit:
                    response = await client.post("/chat/completions", json=payload)
            except httpx.TimeoutException:
                failure = EndpointError(f"{self.base_url}: no answer within {self._timeout_s}s "
                                        f"after {attempt + 1} attempts")
                continue
            except httpx.TransportError as error:
                raise EndpointError(f"cannot reach {self.base_url}: {error or type(error).__name__}"
                                    ) from None
            if response.status_code == 200:
                return _json(response, self.base_url)
            if allow_refusal and response.status_code in (400, 422):
                return None
            failure = self._failure(response)
            if response.status_code not in _RETRYABLE:
                raise failure
            retry_after = _retry_after(response)
            if retry_after is not None:
                wait = retry_after
        assert failure is not None  # the loop runs at least once and failed every time
        raise failure

    def _failure(self, response: httpx.Response) -> EndpointError:
        """A one-line error for a status that retrying will not fix."""
        status, detail = response.status_code, _error_message(response)
        if status in (401, 403):
            return EndpointError(f"{self.base_url} rejected the API key (HTTP {status}): {detail}")
        if status == 404 and "model" in detail.lower():
            return EndpointError(f"model '{self.model}' is not served at {self.base_url}: {detail}")
        if status == 404:
            return EndpointError(f"no chat completions API at {self.base_url}/chat/completions "
                                 f"(HTTP 404); the base URL usually ends in /v1")
        return EndpointError(f"{self.base_url} answered HTTP {status}: {detail}")


def _json(response: httpx.Response, base_url: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise EndpointError(f"{base_url} did not answer with JSON; is it an OpenAI-compatible "
                            f"server?") from None
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
        raise EndpointError(f"{base_url} answered without 'choices'; is it an OpenAI-compatible "
                            f"server?")
    return body


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip().splitlines()[0][:200] if response.text.strip() else "no body"
    for key in ("error", "message", "detail"):
        if isinstance(body, dict) and key in body:
            body = body[key]
    return str(body).replace("\n", " ")[:200]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return min(float(value), 60.0) if value is not None else None
    except ValueError:
        return None


def _completions(body: dict[str, Any]) -> tuple[list[Completion], int]:
    """The choices of one response and its prompt tokens.

    The API reports completion tokens only in total; with several choices the total is
    split in proportion to each text's length (exact for one choice, and the sum is exact).
    """
    choices = sorted(body["choices"], key=lambda choice: choice.get("index", 0))
    texts = [(choice.get("message") or {}).get("content") or "" for choice in choices]
    usage = body.get("usage") or {}
    total = int(usage.get("completion_tokens", 0))
    lengths = [len(text) for text in texts]
    shares = _split(total, lengths)
    completions = [Completion(text=text, finish_reason=choice.get("finish_reason") or "unknown",
                              completion_tokens=share)
                   for text, choice, share in zip(texts, choices, shares, strict=True)]
    return completions, int(usage.get("prompt_tokens", 0))


def _split(total: int, weights: list[int]) -> list[int]:
    """Integers proportional to `weights` that sum to `total`."""
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [1] * len(weights)
    shares = [total * weight // sum(weights) for weight in weights]
    shares[-1] += total - sum(shares)
    return shares
