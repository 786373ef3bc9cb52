"""A fault-injecting HTTP proxy between the bot and the real local wiki (test code only).

It listens on 127.0.0.1 (a free port chosen by the OS) and forwards every request to the wiki's
``api.php``; a *policy* decides, request by request, whether to inject a fault instead:

=================  ==========================================================================
``drop``           close the connection without an answer; the wiki never saw the request
``drop_after``     forward the request (the wiki acts on it), then close without an answer
``http_503``       answer 503 Service Unavailable (HTML) without forwarding
``http_500_after`` forward (the wiki acts), then answer 500 with an HTML error page
``maxlag``         answer the API's ``maxlag`` error with ``Retry-After: 1`` (requests with maxlag)
``badtoken``       answer the API's ``badtoken`` error (requests carrying a token, not logins)
``assertuser``     answer ``assertuserfailed`` (requests carrying ``assert=user``)
``delay``          wait a little, then forward normally
``truncate``       forward; send the first half of the body with the full Content-Length, close
``truncate_json``  forward; send the first half of the body as if it were all of it
=================  ==========================================================================

The ``*_after`` and ``truncate*`` faults are the dangerous ones for writes: the wiki has saved
the edit but the bot never hears of it, so a careless retry would save it twice.

``hook`` is called with every request before the fault (tests use it to kill the bot at a given
request, or to make a person's edit just before the bot's save). Everything the proxy saw is in
``log`` (one :class:`Seen` per request) and ``faults`` (count per kind)."""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ALL_FAULTS = (
    "drop",
    "drop_after",
    "http_503",
    "http_500_after",
    "maxlag",
    "badtoken",
    "assertuser",
    "delay",
    "truncate",
    "truncate_json",
)
#: Faults that reach the wiki before they fail (the request took effect).
AFTER_FAULTS = ("drop_after", "http_500_after", "truncate", "truncate_json")
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "host"}


@dataclass
class Seen:
    """One request as the proxy saw it."""

    number: int
    method: str
    params: dict[str, str]
    fault: str | None = None
    status: int | None = None
    """HTTP status the wiki answered (None when the request was not forwarded)."""

    @property
    def action(self) -> str:
        return self.params.get("action", "")

    @property
    def is_edit(self) -> bool:
        return self.action == "edit"


Policy = Callable[[Seen], str | None]
Hook = Callable[[Seen], None]


def applicable(kind: str, seen: Seen) -> bool:
    """Whether a fault of this kind makes sense for the request (MediaWiki only says maxlag to a
    request that sent maxlag, badtoken to one that sent a token, ...)."""
    if kind == "maxlag":
        return "maxlag" in seen.params
    if kind == "badtoken":
        return "token" in seen.params and seen.action != "login"
    if kind == "assertuser":
        return seen.params.get("assert") == "user"
    return True


@dataclass
class RandomFaults:
    """Inject a fault into a share ``rate`` of requests, kind chosen uniformly among ``kinds`` that
    apply; seeded, so a run is reproducible. ``writes_only``: only ``action=edit`` requests.
    ``limit``: at most that many faults in all (keeps a pass's retries bounded)."""

    seed: int
    rate: float
    kinds: tuple[str, ...] = ALL_FAULTS
    writes_only: bool = False
    limit: int | None = None
    rng: random.Random = field(init=False)
    injected: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def __call__(self, seen: Seen) -> str | None:
        roll, pick = self.rng.random(), self.rng.random()
        if self.limit is not None and self.injected >= self.limit:
            return None
        if self.writes_only and not seen.is_edit:
            return None
        kinds = [k for k in self.kinds if applicable(k, seen)]
        if not kinds or roll >= self.rate:
            return None
        self.injected += 1
        return kinds[int(pick * len(kinds))]


@dataclass
class Script:
    """Faults for given request numbers (1-based), or for the first requests matching a predicate."""

    by_number: dict[int, str] = field(default_factory=dict)
    rules: list[tuple[Callable[[Seen], bool], str, int]] = field(default_factory=list)
    """(predicate, fault, how many times)"""

    def when(self, predicate: Callable[[Seen], bool], fault: str, times: int = 1) -> Script:
        self.rules.append((predicate, fault, times))
        return self

    def __call__(self, seen: Seen) -> str | None:
        if seen.number in self.by_number:
            return self.by_number[seen.number]
        for i, (predicate, fault, times) in enumerate(self.rules):
            if times > 0 and applicable(fault, seen) and predicate(seen):
                self.rules[i] = (predicate, fault, times - 1)
                return fault
        return None


def _api_error(code: str, info: str, **extra: object) -> bytes:
    doc = {"error": {"code": code, "info": info, **extra, "docref": "See http://127.0.0.1/api.php for help."}}
    return json.dumps(doc).encode()


class FaultProxy:
    """``with FaultProxy("127.0.0.1:8095") as proxy:`` — ``proxy.host`` is ``127.0.0.1:PORT``."""

    def __init__(self, upstream: str, policy: Policy | None = None, *, delay: tuple[float, float] = (0.2, 1.0)):
        self.upstream = upstream
        self.policy: Policy = policy or (lambda _s: None)
        self.hook: Hook | None = None
        self.after: Hook | None = None
        self.delay = delay
        self.log: list[Seen] = []
        self.faults: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._delay_rng = random.Random(0)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def reset(self, policy: Policy | None = None, hook: Hook | None = None, after: Hook | None = None) -> None:
        """A new policy and hooks; the request log and fault counts start again. ``hook`` sees each
        request before it is forwarded, ``after`` once the wiki answered it (before the answer goes
        back to the bot)."""
        with self._lock:
            self.policy = policy or (lambda _s: None)
            self.hook, self.after = hook, after
            self.log = []
            self.faults = Counter()

    def edits(self) -> list[Seen]:
        return [s for s in self.log if s.is_edit]

    # -- the handler --------------------------------------------------------------------------------

    def _register(self, method: str, params: dict[str, str]) -> tuple[Seen, str | None, Hook | None, Hook | None]:
        with self._lock:
            seen = Seen(len(self.log) + 1, method, params)
            self.log.append(seen)
            fault = self.policy(seen)
            seen.fault = fault
            if fault:
                self.faults[fault] += 1
            return seen, fault, self.hook, self.after

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen, fault, hook, after = proxy._register(self.command, _params(self.path, self.headers, body))
                if hook is not None:
                    hook(seen)
                if fault == "drop":
                    return self._drop()
                if fault == "http_503":
                    return self._answer(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html")
                if fault == "maxlag":
                    info = "Waiting for 127.0.0.1: 1 seconds lagged."
                    data = _api_error("maxlag", info, host="127.0.0.1", lag=1, type="db")
                    return self._answer(200, data, extra={"Retry-After": "1", "MediaWiki-API-Error": "maxlag"})
                if fault == "badtoken":
                    data = _api_error("badtoken", "Invalid CSRF token.")
                    return self._answer(200, data, extra={"MediaWiki-API-Error": "badtoken"})
                if fault == "assertuser":
                    data = _api_error(
                        "assertuserfailed", "You are no longer logged in, so the action could not be completed."
                    )
                    return self._answer(200, data, extra={"MediaWiki-API-Error": "assertuserfailed"})
                if fault == "delay":
                    time.sleep(proxy._delay_rng.uniform(*proxy.delay))
                try:
                    status, headers, answer = self._forward(body)
                except OSError:
                    return self._drop()
                seen.status = status
                if after is not None:
                    after(seen)
                if fault == "drop_after":
                    return self._drop()
                if fault == "http_500_after":
                    page = b"<html><body><h1>Internal Server Error</h1>A database query error occurred.</body></html>"
                    return self._answer(500, page, "text/html")
                if fault == "truncate":
                    return self._answer(status, answer[: len(answer) // 2], headers=headers, length=len(answer))
                if fault == "truncate_json":
                    return self._answer(status, answer[: len(answer) // 2], headers=headers)
                return self._answer(status, answer, headers=headers)

            def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                host, port = proxy.upstream.rsplit(":", 1)
                conn = http.client.HTTPConnection(host, int(port), timeout=120)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
                    headers["Host"] = proxy.upstream
                    headers["Connection"] = "close"
                    if body or self.command == "POST":
                        headers["Content-Length"] = str(len(body))
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_HEADERS]
                    return response.status, kept, data
                finally:
                    conn.close()

            def _answer(
                self,
                status: int,
                data: bytes,
                content_type: str = "application/json; charset=utf-8",
                *,
                headers: Iterable[tuple[str, str]] | None = None,
                extra: dict[str, str] | None = None,
                length: int | None = None,
            ) -> None:
                try:
                    self.send_response(status)
                    if headers is None:
                        self.send_header("Content-Type", content_type)
                    for key, value in headers or ():
                        self.send_header(key, value)
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data) if length is None else length))
                    if length is not None:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except OSError:
                    self.close_connection = True

            def _drop(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

        return Handler


def _params(path: str, headers: object, body: bytes) -> dict[str, str]:
    """The API parameters of a request: query string and url-encoded or multipart form body."""
    params = {k: v[-1] for k, v in parse_qs(urlsplit(path).query, keep_blank_values=True).items()}
    content_type = str(getattr(headers, "get", lambda _k, _d=None: "")("Content-Type", "") or "")
    if body and "multipart/form-data" in content_type:
        params.update(_multipart(body, content_type))
    elif body:
        text = body.decode("utf-8", "replace")
        params.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return params


def _multipart(body: bytes, content_type: str) -> dict[str, str]:
    from email.message import Message
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    out: dict[str, str] = {}
    parts = message.get_payload() if message.is_multipart() else []
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            out[name] = payload.decode("utf-8", "replace")
    return out
