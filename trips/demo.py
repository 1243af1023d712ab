"""Demo data for `manage.py populate`."""


def seed(*, dry_run: bool) -> dict[str, tuple[int, int]]:
    return {}
