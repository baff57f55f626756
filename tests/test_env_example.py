"""`.env.example` names exactly the variables that settings.py reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_matches_settings():
    source = (ROOT / "src" / "approdo" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read == documented


def test_settings_reference_documents_every_variable():
    source = (ROOT / "src" / "approdo" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))
    reference = (ROOT / "docs" / "settings.md").read_text()
    assert {name for name in read if f"`{name}`" not in reference} == set()
