"""A real local HTTP server whose answers a test scripts, for the client's retry and `n` logic."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, Any, dict[str, str]]
"""Status, JSON body (or a str sent as is), extra headers."""


class Script:
    """What the server received, and the function that decides each reply."""

    def __init__(self, answer: Callable[[dict[str, Any], int], Reply], delay_s: float) -> None:
        self.answer = answer
        self.delay_s = delay_s
        self.received: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()


def chat_reply(texts: list[str], completion_tokens: int = 6, prompt_tokens: int = 9) -> Reply:
    """A 200 chat completion with one choice per text."""
    return 200, {"choices": [{"index": i, "message": {"role": "assistant", "content": text},
                              "finish_reason": "stop"} for i, text in enumerate(texts)],
                 "usage": {"prompt_tokens": prompt_tokens,
                           "completion_tokens": completion_tokens}}, {}


@contextmanager
def scripted_server(answer: Callable[[dict[str, Any], int], Reply],
                    delay_s: float = 0.0) -> Iterator[tuple[str, Script]]:
    """Serve on a free port; `answer(body, call_number)` decides each reply. Yields the /v1 URL."""
    script = Script(answer, delay_s)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with script.lock:
                script.received.append(body)
                call = len(script.received)
                script.in_flight += 1
                script.max_in_flight = max(script.max_in_flight, script.in_flight)
            time.sleep(script.delay_s)
            status, payload, headers = script.answer(body, call)
            with script.lock:
                script.in_flight -= 1
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1", script
    finally:
        server.shutdown()
        server.server_close()
