"""Page weight (first load, gzip-compressed) measured through a Flask test client.

Budgets (the project brief's PERFORMANCE.md): ≤ 60 KB compressed in total, JS ≤ 25 KB, no
third-party requests.
"""

from __future__ import annotations

import gzip
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_BASE = "http://localhost"

_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def gzip_size(data: bytes) -> int:
    """Size of ``data`` gzip-compressed at level 6 (what servers typically use)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def _fetch(client: Any, path: str) -> tuple[bytes, str]:
    resp = client.get(path)
    try:
        if resp.status_code != 200:
            raise AssertionError(f"GET {path} answered {resp.status_code}, expected 200")
        data = resp.get_data()
        encoding = resp.headers.get("Content-Encoding", "identity").lower()
        if encoding == "gzip":
            data = gzip.decompress(data)
        elif encoding not in ("identity", ""):
            raise AssertionError(f"GET {path}: cannot measure Content-Encoding {encoding}")
        return data, resp.mimetype or ""
    finally:
        resp.close()


def _asset_refs(html: bytes) -> list[tuple[str, str]]:
    """(kind, url) for everything the browser fetches on first load of ``html``."""
    soup = BeautifulSoup(html, "html.parser")
    refs: list[tuple[str, str]] = []
    for link in soup.find_all("link", href=True):
        rel = {r.lower() for r in (link.get("rel") or [])}
        if "stylesheet" in rel:
            refs.append(("css", link["href"]))
        elif "modulepreload" in rel:
            refs.append(("js", link["href"]))
        elif "icon" in rel:
            refs.append(("other", link["href"]))
    refs += [("js", s["src"]) for s in soup.find_all("script", src=True)]
    refs += [("other", i["src"]) for i in soup.find_all("img", src=True)]
    return refs


def _css_refs(css: bytes) -> list[str]:
    text = css.decode("utf-8", "replace")
    urls = [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(text)]
    urls += [next(g for g in m.groups() if g is not None) for m in _CSS_IMPORT.finditer(text)]
    return urls


def _kind(declared: str, path: str, mimetype: str) -> str:
    if mimetype == "text/css" or path.endswith(".css"):
        return "css"
    if "javascript" in mimetype or path.endswith((".js", ".mjs")):
        return "js"
    return declared if declared in ("css", "js") else "other"


def page_weight(client: Any, path: str) -> dict[str, Any]:
    """Compressed first-load weight of ``path``: html, css, js, other, total, files.

    ``files`` maps each fetched path (the page first) to ``(raw, gz)`` bytes.
    Follows stylesheets, icons, modulepreloads, scripts, images and url()/@import
    inside CSS (counted even if unused: an upper bound). ``data:`` URIs are
    already counted in the document that holds them. Raises AssertionError on
    third-party asset URLs or assets that do not answer 200.
    """
    page_url = urljoin(_BASE, path)
    html, _ = _fetch(client, path)
    sizes = {"html": gzip_size(html), "css": 0, "js": 0, "other": 0}
    files: dict[str, tuple[int, int]] = {path: (len(html), sizes["html"])}

    soup_base = BeautifulSoup(html, "html.parser").find("base", href=True)
    base = urljoin(page_url, soup_base["href"]) if soup_base else page_url

    # Absolute URLs to the app's own SERVER_NAME are first-party too.
    hosts = set(LOCAL_HOSTS)
    server_name = getattr(getattr(client, "application", None), "config", {}).get("SERVER_NAME")
    if server_name:
        hosts.add(urlsplit(f"//{server_name}").hostname or "")

    queue: list[tuple[str, str, str]] = [(kind, ref, base) for kind, ref in _asset_refs(html)]
    third_party: list[str] = []
    seen: set[str] = set()
    while queue:
        declared, ref, against = queue.pop(0)
        ref = ref.strip()
        if not ref or ref.startswith(("data:", "#")):
            continue
        url = urljoin(against, ref)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in hosts:
            third_party.append(ref)
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local in seen:
            continue
        seen.add(local)
        raw, mimetype = _fetch(client, local)
        kind = _kind(declared, parts.path, mimetype)
        gz = gzip_size(raw)
        sizes[kind] += gz
        files[local] = (len(raw), gz)
        if kind == "css":
            queue += [("other", u, url) for u in _css_refs(raw)]
    if third_party:
        raise AssertionError(
            f"{path} references third-party or non-HTTP assets (none are allowed):\n"
            + "\n".join(f"  {u}" for u in third_party)
        )
    return {**sizes, "total": sum(sizes.values()), "files": files}


def format_weight(weight: dict[str, Any]) -> str:
    """A table of the breakdown, heaviest file first."""
    kb = lambda n: f"{n / 1024:6.1f} KB"  # noqa: E731
    lines = [f"  {k:<6} {kb(weight[k])}" for k in ("html", "css", "js", "other", "total")]
    lines.append("  files (raw -> gzip):")
    for name, (raw, gz) in sorted(weight["files"].items(), key=lambda kv: -kv[1][1]):
        lines.append(f"    {kb(raw)} -> {kb(gz)}  {name}")
    return "\n".join(lines)


def assert_page_weight(client: Any, path: str, total_kb: float = 60, js_kb: float = 25) -> dict[str, Any]:
    """Assert the PERFORMANCE.md budgets (KB = 1024 bytes, gzip); return the measurement."""
    weight = page_weight(client, path)
    problems = []
    if weight["total"] > total_kb * 1024:
        problems.append(f"total {weight['total'] / 1024:.1f} KB > {total_kb} KB")
    if weight["js"] > js_kb * 1024:
        problems.append(f"JavaScript {weight['js'] / 1024:.1f} KB > {js_kb} KB")
    if problems:
        raise AssertionError(
            f"{path} is over its page-weight budget ({'; '.join(problems)}), compressed:\n"
            + format_weight(weight)
        )
    return weight
