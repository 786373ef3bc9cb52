"""Reading one response ahead: while the job parses and validates one batch of 500 pages, the next
batch is already being fetched.

Still one request in flight at a time (the gateway serialises requests with a process-wide
lock), so the wiki sees the same serial requests as before, only without the gaps in between.
With ``depth`` 1 at most two responses wait beside the one in hand: one queued, one being
fetched. Errors of the background request reach the consumer at the point where it would have
made that request itself.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar, cast

T = TypeVar("T")

_DONE = object()
#: How often a blocked background thread looks whether the consumer has gone away.
_POLL_SECONDS = 0.2


def read_ahead(source: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Yield the items of ``source``, computed in a background thread ``depth`` items ahead.

    When the consumer stops early (an exception, ``Interrupted``, a closed generator), the
    thread finishes the request it has in hand, drops its answer and ends; it never starts
    another. An exception raised by ``source`` is raised here, in the consumer's thread."""
    box: queue.Queue[object] = queue.Queue(maxsize=depth)
    gone = threading.Event()

    def put(item: object) -> bool:
        while not gone.is_set():
            try:
                box.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in source:
                if not put(item):
                    return
        except BaseException as exc:  # handed over to the consumer
            put(_Failure(exc))
            return
        put(_DONE)

    thread = threading.Thread(target=work, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield cast(T, item)
    finally:
        gone.set()


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
