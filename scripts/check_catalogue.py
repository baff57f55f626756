"""Fail when the Italian catalogue misses a string of the code: makemessages refreshes it,
then msgfmt counts untranslated and fuzzy entries, which must both be zero."""

import os
import re
import subprocess
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent / "src" / "approdo"
CATALOGUE = APP_DIR / "locale" / "it" / "LC_MESSAGES" / "django.po"


def main() -> int:
    env = {**os.environ, "DEBUG": "1"}
    command = [sys.executable, "-m", "approdo", "makemessages", "-l", "it", "--no-location",
               "--no-obsolete", "--ignore", "tests/*"]
    subprocess.run(command, cwd=APP_DIR, env=env, check=True, capture_output=True)
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True, text=True, check=True,
    ).stderr
    missing = sum(int(n) for n in re.findall(r"(\d+) (?:fuzzy|untranslated)", stats))
    if missing:
        print(f"The Italian catalogue is incomplete: {stats.strip()}", file=sys.stderr)
        print("Run `make messages` and translate the new entries.", file=sys.stderr)
        return 1
    print(f"Italian catalogue complete: {stats.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
