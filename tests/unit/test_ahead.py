"""The read-ahead of continued queries (bot/wiki/ahead.py): order kept, errors delivered where the
request would have been made, never more than one item fetched ahead, nothing fetched after the
consumer has gone."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator

import pytest

from bot.errors import WikiUnavailable
from bot.wiki.ahead import read_ahead


def test_items_arrive_in_order() -> None:
    assert list(read_ahead(iter(range(1000)))) == list(range(1000))


def test_an_error_is_raised_in_the_consumer_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise WikiUnavailable("gone")

    got: list[int] = []
    with pytest.raises(WikiUnavailable, match="gone"):
        for item in read_ahead(source()):
            got.append(item)
    assert got == [1, 2]


def test_at_most_one_item_is_fetched_ahead_and_none_after_the_consumer_stops() -> None:
    fetched: list[int] = []
    lock = threading.Lock()

    def source() -> Iterator[int]:
        for i in range(100):
            with lock:
                fetched.append(i)
            yield i

    reader = read_ahead(source())
    assert isinstance(reader, Generator)
    assert next(reader) == 0
    time.sleep(0.3)
    with lock:
        assert len(fetched) <= 3  # the item taken, one in the queue, one waiting to be put
    reader.close()
    time.sleep(0.6)
    with lock:
        stopped_at = len(fetched)
    time.sleep(0.3)
    with lock:
        assert len(fetched) == stopped_at <= 3


def test_the_next_item_is_fetched_while_the_consumer_works_on_this_one() -> None:
    started = [threading.Event() for _ in range(3)]

    def source() -> Iterator[int]:
        for i in range(3):
            started[i].set()  # the request for item i goes out
            yield i

    for item in read_ahead(source()):
        if item < 2:  # still working on this item: the next request must already be out
            assert started[item + 1].wait(timeout=10)
