"""The default taxonomies for `approdo demo` (idempotent)."""

from approdo.taxonomy.loading import load_taxonomies


def create_demo_data() -> str:
    return f"Taxonomies: {load_taxonomies()}"
