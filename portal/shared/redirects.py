"""The one rule for `next=`: only a path on this site, never somewhere else."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str, within: str = "/") -> str:
    """`target` if it is a path on this site under `within`, else `default`.

    Browsers drop tabs and newlines from URLs ("/\\t/evil.example" becomes
    "//evil.example"), so any control character, a backslash, a leading "//" or a host
    after parsing disqualifies the target.
    """
    if (
        target
        and target.startswith(within)
        and target.startswith("/")
        and target.isprintable()
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).scheme
        and not urlsplit(target).netloc
    ):
        return target
    return default
