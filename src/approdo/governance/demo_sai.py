def create_sai_demo() -> str:
    return ""
