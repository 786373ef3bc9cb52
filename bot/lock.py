"""The run lock: one pass at a time per state database, whether it comes from the daemon, cron,
or an operator's manual ``run``. An advisory ``flock`` on ``<state>.lock``; the kernel drops it when
the holder dies, so a killed pass never leaves a stale lock. The file names the holder (pid, host,
command, since) so that the one refused can say who holds it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from bot.errors import LockHeld


class RunLock:
    """``with RunLock(path, wait=False): ...`` — raises ``LockHeld`` when another process holds it
    (at once, or after ``timeout`` seconds when ``wait``)."""

    def __init__(self, path: Path, *, wait: bool = False, timeout: float = 3600.0, what: str = "") -> None:
        self.path, self.wait, self.timeout = path, wait, timeout
        self.what = what or " ".join(sys.argv)
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not self.wait or time.monotonic() >= deadline:
                    holder = describe_holder(self.path)
                    os.close(fd)
                    advice = (
                        "wait for it to finish" if not self.wait else f"it held the lock for over {self.timeout:.0f} s"
                    )
                    raise LockHeld(
                        f"another pass is running ({holder}); {advice}, or stop it (SIGTERM lets it finish "
                        "the page in hand). Lock file: " + str(self.path)
                    ) from None
                time.sleep(0.5)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": self.what,
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def describe_holder(path: Path) -> str:
    """Who holds the lock, in words, from the lock file (best effort)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "holder unknown"
    return f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')}: {info.get('command')}"


def is_locked(path: Path) -> bool:
    """Whether some process holds the lock now (without taking it)."""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
