def create_demo_data() -> str:
    """Load this app's demo data (idempotent); return one line saying what is there."""
    return ""
