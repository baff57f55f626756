def create_institutions_demo() -> str:
    return ""
