"""Demo responses: built in the moderation and responses issue."""


def seed_demo_responses(seed: int) -> int:
    return 0
