"""The territory for `approdo demo`: the built-in Tuscan reference data (idempotent)."""

from approdo.territory.loading import load_territory


def create_demo_data() -> str:
    return f"Territory: {load_territory()}"
