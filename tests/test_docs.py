"""The docs a newcomer starts from stay true: every app and every module of every app is in
docs/directory-structure.md, in its app's section."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "src" / "approdo"
# Files every app has, described once at the top of the document.
COMMON = {"__init__.py", "apps.py", "models.py", "admin.py"}


def sections(text: str) -> dict[str, str]:
    """App name -> the lines under its `  name/` heading, up to the next heading."""
    found, current = {}, None
    for line in text.splitlines():
        if heading := re.match(r"^  ([a-z_]+)/\s", line + " "):
            current = heading.group(1)
            found[current] = ""
        elif re.match(r"^\S", line):
            current = None
        elif current:
            found[current] += line + "\n"
    return found


def test_every_module_is_in_the_directory_structure():
    documented = sections((ROOT / "docs" / "directory-structure.md").read_text())
    missing = []
    for app in sorted(path for path in APPS.iterdir() if (path / "apps.py").exists()):
        if app.name not in documented:
            missing.append(f"{app.name}/")
            continue
        words = set(re.findall(r"[\w.]+\.py", documented[app.name]))
        missing += [
            f"{app.name}/{module.name}"
            for module in sorted(app.glob("*.py"))
            if module.name not in COMMON and module.name not in words
        ]
    assert missing == [], f"not in their app's section of docs/directory-structure.md: {missing}"
