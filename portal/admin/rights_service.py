"""People's rights over their data, for the screens and the command line: find everything
held about a reference or an email address, export it (subject access) and erase it.

Each capability says what it holds through the sources it contributed
(portal/core/retention.py), so this module knows no capability's tables. Every search,
export and erasure is audited with counts and references only: never the email
address searched for, nor anything found.
"""

import re
from dataclasses import dataclass

from portal.core import retention
from portal.extensions import db
from portal.staff import audit
from portal.staff.models import StaffUser
from portal.timeutil import utcnow

EMAILISH = re.compile(r"[^\s@]+@[^\s@]+")
REASON_MAX = 500


@dataclass
class Found:
    query: retention.Query
    groups: list[tuple[str, list[retention.Record]]]  # (what it is, records), in a fixed order

    @property
    def records(self) -> list[retention.Record]:
        return [record for _, records in self.groups for record in records]

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def references(self) -> list[str]:
        return sorted({record.reference for record in self.records if record.reference})


def parse(typed: str | None) -> retention.Query:
    """What was typed -> a query with every address to look for; QueryError if malformed."""
    query = retention.parse_query(typed)
    if query.kind == "email":
        return retention.Query("email", query.value, frozenset({query.value}))
    addresses = set()
    for source in retention.registry().sources:
        addresses |= source.emails(query)
    return retention.Query("reference", query.value, frozenset(addresses))


def find(query: retention.Query) -> Found:
    groups: dict[str, list[retention.Record]] = {}
    for source in retention.registry().sources:
        for record in source.find(query):
            groups.setdefault(record.what, []).append(record)
    return Found(query, list(groups.items()))


def _audit_summary(query: retention.Query, found: Found) -> dict:
    """What the audit log may say: the kind of search, counts, references. No address."""
    return {"searched_by": query.kind, "references": found.references,
            "found": {what: len(records) for what, records in found.groups}}


def audited_find(query: retention.Query, action: str = "rights.searched", actor: StaffUser | None = None) -> Found:
    found = find(query)
    audit.record(action, "rights", found.references[0] if len(found.references) == 1 else None,
                 after=_audit_summary(query, found), actor=actor)
    db.session.commit()
    return found


def as_json(found: Found) -> dict:
    """The subject access export: everything found, grouped by what it is."""
    return {
        "searched_for": found.query.shown,
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "note": ("Equality answers given with feedback are kept apart from it with no link to the person, "
                 "so they cannot be found by reference or email address."),
        "held": [{"what": what, "records": [{"reference": r.reference, **r.fields} for r in records]}
                 for what, records in found.groups],
    }


def clean_reason(reason: str | None) -> str:
    """The reason as it goes into the audit log: any email address in it is taken out."""
    reason = " ".join((reason or "").split())
    return EMAILISH.sub("[email address]", reason)[:REASON_MAX]


class EraseError(ValueError):
    pass


def erase(query: retention.Query, reason: str | None, actor: StaffUser | None = None) -> dict[str, int]:
    """Erase everything found, in one transaction with its audit entry: {what: how many}.
    Refused (nothing changed) without a reason, or when nothing is held."""
    if not (reason or "").strip():
        raise EraseError("Enter why this is being erased")
    if len(reason.strip()) > REASON_MAX:
        raise EraseError(f"Enter a reason of {REASON_MAX} characters or fewer")
    found = find(query)
    if not found.count:
        raise EraseError(f"Nothing is held about {query.shown}, so there is nothing to erase")
    counts: dict[str, int] = {}
    try:
        for source in retention.registry().sources:
            for what, n in source.erase(query).items():
                counts[what] = counts.get(what, 0) + n
        audit.record("rights.erased", "rights", found.references[0] if len(found.references) == 1 else None,
                     after={"searched_by": query.kind, "references": found.references, "erased": counts},
                     detail=clean_reason(reason), actor=actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
