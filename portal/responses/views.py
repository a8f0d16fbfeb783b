"""You said, we did: built in the moderation and responses issue."""
