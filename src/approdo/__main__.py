"""The `approdo` command: Django's manage.py under the project's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(_underscored(sys.argv))


def _underscored(argv: list[str]) -> list[str]:
    """`approdo create-user` runs the `create_user` command: we type commands with dashes,
    Django names them after modules, with underscores (no command has a dash in its name)."""
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        return [argv[0], argv[1].replace("-", "_"), *argv[2:]]
    return argv


if __name__ == "__main__":
    main()
