#!/usr/bin/env python3
"""Build Your Place's front-end assets into static/dist/.

Run from the repository root after `npm ci`:

    python3 scripts/build_assets.py

Steps: compile scss/app.scss with the local Dart Sass, bundle
static/src/app.mjs (htmx + the GOV.UK Frontend components we use) with esbuild
into one minified ES module, copy any files the CSS refers to, then write
content-fingerprinted files (app.<sha256[:10]>.css/.js), a gzip copy of each
for the reverse proxy, and static/dist/manifest.json for the Flask app.

The output is deterministic (same inputs, same bytes, same names), and it is
committed, so running the portal never needs Node. Standard library only.
Exits non-zero if a tool fails, a branding check fails or a budget is missed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"
SCSS_ENTRY = ROOT / "scss" / "app.scss"
JS_ENTRY = ROOT / "static" / "src" / "app.mjs"
DIST = ROOT / "static" / "dist"
GOVUK_ASSETS = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"
HTMX_ESM = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.esm.js"

HASH_LENGTH = 10
# Compressed byte budgets from shared/PERFORMANCE.md (KB read as 1,000 bytes,
# the stricter reading).
BUDGETS = {"app.css": 18_000, "app.js": 25_000}
FINGERPRINTED = re.compile(rf"^app\.[0-9a-f]{{{HASH_LENGTH}}}\.(css|js)(\.gz)?$")
ASSET_FINGERPRINTED = re.compile(rf"^.+\.[0-9a-f]{{{HASH_LENGTH}}}\.[A-Za-z0-9]+(\.gz)?$")
# Words that must never reach our CSS: GOV.UK's typeface and brand images.
FORBIDDEN_IN_CSS = ("GDS Transport", "@font-face", "govuk-crest", "govuk-logotype", "govuk-crown")


def fail(message: str) -> None:
    print(f"build_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def tool(name: str) -> str:
    path = NODE_BIN / name
    if not path.exists():
        fail(f"{path.relative_to(ROOT)} is missing: run `npm ci` first")
    return str(path)


def run(args: list[str]) -> bytes:
    """Run a command from the repo root; return stdout, echo stderr."""
    result = subprocess.run(args, cwd=ROOT, capture_output=True)
    if result.stderr.strip():
        sys.stderr.write(result.stderr.decode("utf-8", "replace"))
    if result.returncode != 0:
        fail(f"`{' '.join(args)}` exited with {result.returncode}")
    return result.stdout


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def gzip_bytes(data: bytes) -> bytes:
    # mtime=0 and no file name in the header, so the .gz is reproducible too.
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def package_version(name: str) -> str:
    package = json.loads((ROOT / "node_modules" / name / "package.json").read_text("utf-8"))
    return package["version"]


def notice(with_htmx: bool) -> bytes:
    """The licence notice for the third-party code in a bundle (one line)."""
    parts = [f"Your Place (MIT). Includes GOV.UK Frontend {package_version('govuk-frontend')}"
             " (MIT, Copyright (C) 2017 Crown Copyright (Government Digital Service),"
             " https://github.com/alphagov/govuk-frontend/blob/main/LICENSE.txt)"]
    if with_htmx:
        parts.append(f"htmx {package_version('htmx.org')} (0BSD, https://htmx.org)")
    return ("/*! " + "; ".join(parts) + " */\n").encode("utf-8")


def build_css() -> bytes:
    css = run([
        tool("sass"),
        "--style=compressed",
        "--no-source-map",
        "--no-charset",
        "--load-path=node_modules",
        str(SCSS_ENTRY.relative_to(ROOT)),
    ])
    # GOV.UK puts a few non-ASCII characters in `content` strings (no-break
    # and zero-width spaces). Sass would then start the file with a byte
    # order mark; instead write them as 6-digit CSS escapes (valid in strings
    # and identifiers, no terminator needed), so the file is pure ASCII and
    # cannot be misread whatever charset it is served with.
    text = re.sub(r"[^\x00-\x7f]", lambda m: f"\\{ord(m.group()):06x}", css.decode("utf-8"))
    for word in FORBIDDEN_IN_CSS:
        if word in text:
            fail(f"compiled CSS contains {word!r}: GOV.UK branding must not ship")
    return text.encode("ascii")


def copy_css_assets(css: bytes, written: set[str]) -> bytes:
    """Copy files the CSS points at into static/dist/assets/, fingerprinted.

    With $govuk-include-default-font-face false and the image URL function
    returning `none` there should be none; this keeps the build honest if a
    future component brings one. GOV.UK writes them as /assets/<kind>/<name>;
    they are rewritten relative to the CSS file (static/dist/).
    """
    text = css.decode("utf-8")
    urls = sorted(set(re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text)))
    for url in urls:
        if url.startswith("data:"):
            continue
        if not url.startswith("/assets/"):
            fail(f"CSS refers to {url!r}, which the build does not know how to ship")
        source = GOVUK_ASSETS / url[len("/assets/"):]
        if not source.is_file():
            fail(f"CSS refers to {url!r} but {source} does not exist")
        data = source.read_bytes()
        relative = Path(url[len("/assets/"):])
        target_name = f"{relative.stem}.{fingerprint(data)}{relative.suffix}"
        target = DIST / "assets" / relative.parent / target_name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(target, data)
        new_url = f"assets/{relative.parent.as_posix()}/{target_name}"
        written.add(str(target.relative_to(DIST)))
        print(f"  copied {url} -> static/dist/{new_url}")
        text = re.sub(r"url\(\s*(['\"]?)" + re.escape(url) + r"\1\s*\)", f'url("{new_url}")', text)
    return text.encode("utf-8")


def build_js() -> bytes:
    # htmx's internalEval() uses a *direct* eval, which stops any minifier
    # from renaming the local names in all of htmx (about +1.4 KB gzip). We
    # bundle a copy where it is an indirect eval. It is unreachable anyway:
    # allowEval is false and the CSP has no 'unsafe-eval'.
    source = HTMX_ESM.read_text(encoding="utf-8")
    direct, indirect = "      return eval(str)\n", "      return (0, eval)(str)\n"
    if source.count(direct) != 1:
        fail("htmx.esm.js has changed: review the direct-eval patch in build_js()")
    with tempfile.TemporaryDirectory(prefix="yp-assets-") as tmp:
        patched = Path(tmp) / "htmx.esm.js"
        patched.write_text(source.replace(direct, indirect), encoding="utf-8")
        return run([
            tool("esbuild"),
            str(JS_ENTRY.relative_to(ROOT)),
            "--bundle",
            "--minify",
            "--format=esm",
            "--target=es2017",
            "--charset=utf8",
            # GOV.UK's JSDoc blocks are marked @preserve; the licence notice
            # is added by notice() instead.
            "--legal-comments=none",
            "--log-level=warning",
            f"--alias:htmx.org={patched}",
        ])


def main() -> int:
    DIST.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()

    css = notice(with_htmx=False) + copy_css_assets(build_css(), written)
    js = notice(with_htmx=True) + build_js()

    manifest: dict[str, str] = {}
    over_budget = []
    print("Built assets (raw bytes / gzip -9 bytes):")
    for logical, data in (("app.css", css), ("app.js", js)):
        stem, ext = logical.rsplit(".", 1)
        name = f"{stem}.{fingerprint(data)}.{ext}"
        compressed = gzip_bytes(data)
        write_if_changed(DIST / name, data)
        write_if_changed(DIST / f"{name}.gz", compressed)
        written.update({name, f"{name}.gz"})
        manifest[logical] = name
        budget = BUDGETS[logical]
        status = "ok" if len(compressed) <= budget else "OVER BUDGET"
        if status != "ok":
            over_budget.append(logical)
        print(f"  static/dist/{name}: {len(data):,} B raw, {len(compressed):,} B gzip"
              f" (budget {budget:,} B gzip: {status})")

    write_if_changed(DIST / "manifest.json",
                     (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))

    # Remove fingerprinted files from earlier builds.
    for path in sorted(DIST.rglob("*")):
        if not path.is_file():
            continue
        relative = str(path.relative_to(DIST))
        stale_app = path.parent == DIST and FINGERPRINTED.match(path.name)
        stale_asset = relative.startswith("assets/") and ASSET_FINGERPRINTED.match(path.name)
        if (stale_app or stale_asset) and relative not in written:
            path.unlink()
            print(f"  removed stale static/dist/{relative}")
    assets_dir = DIST / "assets"
    if assets_dir.is_dir() and not any(p.is_file() for p in assets_dir.rglob("*")):
        shutil.rmtree(assets_dir)

    print("  static/dist/manifest.json:", json.dumps(manifest, sort_keys=True))
    if over_budget:
        print(f"build_assets: {', '.join(over_budget)} over the gzip budget"
              " in shared/PERFORMANCE.md", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
