"""The test suite (a package, so `tests.support` is ours whatever else is installed)."""
