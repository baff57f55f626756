"""Fail when a catalogue misses a string of the code: makemessages refreshes every catalogue
(the project's and those apps keep in their own `locale/`), then msgfmt counts untranslated
and fuzzy entries, which must all be zero, in every language, and checks placeholders and
plural forms."""

import os
import re
import subprocess
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent / "src" / "approdo"
LANGUAGES = ["it", "en", "fr", "ar"]


def main() -> int:
    env = {**os.environ, "DEBUG": "1"}
    command = [sys.executable, "-m", "approdo", "makemessages", "--no-location", "--no-obsolete",
               "--ignore", "tests/*", "--ignore", "*/tests/*"]
    for language in LANGUAGES:
        command += ["-l", language]
    subprocess.run(command, cwd=APP_DIR, env=env, check=True, capture_output=True)
    failures = 0
    for catalogue in sorted(APP_DIR.glob("**/locale/*/LC_MESSAGES/django.po")):
        # --check: placeholders match the msgid and every plural entry has the language's
        # number of forms (Arabic has six: a missing form falls back to Italian on the page).
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(catalogue)],
            capture_output=True, text=True,
        )
        stats = result.stderr.strip()
        if result.returncode or re.search(r"\d+ (?:fuzzy|untranslated)", stats):
            failures += 1
            print(f"{catalogue.relative_to(APP_DIR)} is incomplete: {stats}", file=sys.stderr)
    if failures:
        print("Run `make messages` and translate the new entries.", file=sys.stderr)
        return 1
    print("Every catalogue is complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
