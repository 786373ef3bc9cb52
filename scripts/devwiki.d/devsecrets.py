"""The dev wiki's passwords (called by scripts/devwiki; imported by configure.py).

    python3 devsecrets.py ensure SECRETS      create SECRETS (secrets.env, mode 600) if it is missing or empty
    python3 devsecrets.py filter SECRETS      copy standard input to standard output, passwords replaced
    python3 devsecrets.py scrub SECRETS DIR   replace the passwords in every file under DIR, in place

No password ever travels on a command line (where every local user sees it, in ps or
/proc/PID/cmdline) or in an environment variable: each program that needs one reads it from
SECRETS. ``filter`` keeps them out of logs (createBotPassword.php prints the password it set);
``scrub`` cleans logs that an older scripts/devwiki wrote with the password in them.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

#: The passwords in secrets.env: the admin's, the bot account's main password, its BotPassword.
NAMES = ("ADMIN_PASSWORD", "BOT_MAIN_PASSWORD", "BOT_PASSWORD")
HIDDEN = "<hidden>"


def ensure(path: Path) -> None:
    """Write new passwords to ``path`` (mode 600) unless it already holds some. BotPasswords are
    checked against ``[0-9a-w]{32,}``: 32 hex digits qualify for all three."""
    if path.is_file() and path.stat().st_size > 0:
        return
    text = "".join(f"{name}={secrets.token_hex(16)}\n" for name in NAMES)
    write_private(path, text)


def load(path: Path) -> dict[str, str]:
    """The ``NAME=value`` lines of ``path``."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() and value.strip():
            values[name.strip()] = value.strip()
    return values


def scrub_text(data: bytes, values: list[str]) -> bytes:
    for value in values:
        data = data.replace(value.encode(), HIDDEN.encode())
    return data


def scrub_tree(root: Path, values: list[str]) -> int:
    """Replace every value in every regular file under ``root``; the number of files changed."""
    changed = 0
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        clean = scrub_text(data, values)
        if clean != data:
            write_private(path, clean)
            changed += 1
    return changed


def write_private(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("ensure", "filter", "scrub"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    if argv[0] == "ensure":
        ensure(path)
        return 0
    values = list(load(path).values())
    if argv[0] == "filter":
        sys.stdout.buffer.write(scrub_text(sys.stdin.buffer.read(), values))
        return 0
    changed = scrub_tree(Path(argv[2]), values)
    if changed:
        print(f"devwiki: removed passwords from {changed} file(s) under {argv[2]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
