"""Markers shared by the cross-app tests."""

import pytest
from django.conf import settings

# What a page shows (its width on a phone, its words, its links) does not depend on the
# database behind it: these long walks over every page run once, on SQLite, and the rest of the
# suite runs on both databases.
rendering_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="a rendering check: run on SQLite only",
)
