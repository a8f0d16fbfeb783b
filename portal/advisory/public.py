"""The People's Advisory Group in public (being written)."""
