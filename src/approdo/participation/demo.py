"""Demo data for participation."""


def create_demo_data() -> str:
    return ""
