"""The layout's rules, checked by reading the code: core imports no capability, no view
module imports another capability's views, shared plumbing imports no capability, and
each shared rule is defined once."""

import ast
import re
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
CAPABILITIES = ("feedback", "moderation", "responses", "staff")
VIEW_MODULES = ("public", "staff", "views")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def python_files(package: str) -> list[Path]:
    return sorted((PORTAL / package).rglob("*.py"))


def capability_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "portal" and parts[1] in CAPABILITIES else None


@pytest.mark.parametrize("package", ["core", "shared"])
def test_core_and_shared_plumbing_import_no_capability(package):
    offenders = {
        f"{path.relative_to(PORTAL)} imports {module}"
        for path in python_files(package)
        for module in imports_of(path)
        if capability_of(module)
    }
    assert not offenders, sorted(offenders)


def test_the_moderation_core_imports_no_kind_of_item():
    # Kinds register themselves; moderation must never name feedback (or ideas, or applications).
    offenders = {
        f"{path.relative_to(PORTAL)} imports {module}"
        for path in python_files("moderation")
        for module in imports_of(path)
        if capability_of(module) not in (None, "moderation", "staff")
    }
    assert not offenders, sorted(offenders)


def test_no_view_module_imports_another_capabilitys_views():
    offenders = []
    for capability in CAPABILITIES:
        for path in python_files(capability):
            for module in imports_of(path):
                other = capability_of(module)
                parts = module.split(".")
                if other and other != capability and len(parts) == 3 and parts[2] in VIEW_MODULES:
                    offenders.append(f"{path.relative_to(PORTAL)} imports {module}")
    assert not offenders, offenders


def test_each_capability_has_its_public_and_staff_routes_apart():
    # Routes live in public.py (what residents see) or staff.py (under /moderate).
    for capability in ("feedback", "moderation", "responses"):
        modules = {path.stem for path in (PORTAL / capability).glob("*.py")}
        assert "views" not in modules, capability
        assert modules & {"public", "staff"}, capability


def definitions(pattern: str) -> list[str]:
    """Where a name is defined (def, class or a hybrid's getter), across the portal."""
    regex = re.compile(pattern, re.MULTILINE)
    return [
        f"{path.relative_to(PORTAL)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(PORTAL.rglob("*.py"))
        for text in [path.read_text()]
        for match in regex.finditer(text)
    ]


@pytest.mark.parametrize("rule, pattern", [
    ("may be public", r"^\s+def may_be_public\("),
    ("can ever be public", r"^\s+def can_be_public\("),
    ("held for safeguarding", r"^\s+def is_held\("),
    ("mark reviewed", r"^def mark_reviewed\("),
    ("today in the UK", r"^def uk_today\("),
    ("keyset pagination", r"^def keyset_page\("),
    ("the next= check", r"^def safe_next\("),
    ("text cleaning", r"^def clean_text\("),
    ("does htmx want a fragment", r"^def wants_fragment\("),
    ("the outbox", r"^def enqueue\("),
])
def test_each_shared_rule_is_defined_once(rule, pattern):
    found = definitions(pattern)
    assert len(found) == 1, f"{rule}: {found}"


PAGE_PREFIXES = ("/moderate", "/staff", "/tell-us", "/young-people", "/track", "/you-said-we-did")


def test_nothing_matches_url_prefixes_to_decide_caching_or_navigation():
    # Pages are marked on their views (portal.shared.pages), never matched by path strings.
    offenders = [
        f"{path.relative_to(PORTAL)}: {line.strip()}"
        for path in sorted(PORTAL.rglob("*.py"))
        for line in path.read_text().splitlines()
        if "startswith(" in line and any(f'"{prefix}' in line for prefix in PAGE_PREFIXES)
    ]
    assert not offenders, offenders


def test_no_keyset_query_is_written_by_hand_outside_pagination():
    offenders = [
        str(path.relative_to(PORTAL))
        for path in sorted(PORTAL.rglob("*.py"))
        if path.name != "pagination.py" and "tuple_(" in path.read_text()
    ]
    assert not offenders, offenders
