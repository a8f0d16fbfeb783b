"""Demo data for the People's Advisory Group (being written)."""


def seed_demo_advisory(seed: int) -> int:
    return 0
