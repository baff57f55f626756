"""The participation datasets."""


def datasets() -> dict:
    return {}
