"""Staff screens for the People's Advisory Group (being written)."""
