"""``python -m bot``: see :mod:`bot.cli`. A Python older than 3.11 cannot even import the bot
(``tomllib``): it gets the same one-line advice as a Python without the dependencies, exit 2."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 (the system's Python may be older than the project's)
    print(
        f"error: the bot needs Python 3.11 or newer ({sys.executable} is {sys.version.split()[0]}); "
        "run ./scripts/setup, then use .venv/bin/partnership-bot or .venv/bin/python -m bot",
        file=sys.stderr,
    )
    sys.exit(2)

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
