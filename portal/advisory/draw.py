"""A fair draw: when a seat pool has more eligible applicants than open seats, fill the
seats by a stratified random draw that brings the group closer to the district's make-up
on one characteristic, using only the equality answers people chose to give.

How it works, in the words the staff page shows:
- Seats are filled one at a time.
- For each seat, we look at the whole group as it is (members and outstanding offers,
  plus anyone drawn so far) and find the answer that is furthest below its share of the
  district (Census 2021 figures with a source, below).
- We pick one person at random from the applicants who gave that answer, together with
  the applicants who chose not to answer (they are in every pick, so not answering never
  counts against anyone). If nobody is left for that answer, we take the next furthest.

`run` is a pure function of its inputs and seed: the draw stores both, and anyone can
run it again and get the same people in the same order (`rerun`).
"""

import json
import random
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from portal.advisory import seats
from portal.advisory.models import Application, ApplicationEquality, Draw
from portal.extensions import db
from portal.i18n import N_
from portal.timeutil import utcnow

METHOD = "stratified-v1"
NOT_SAID = "not_said"
OTHER = "other"


@dataclass(frozen=True)
class Reference:
    label: str
    column: str  # ApplicationEquality's column
    shares: dict[str, float]  # category -> share of the district; OTHER takes the rest
    labels: dict[str, str]
    groups: dict[str, str]  # a stored answer -> its category (anything else answered is OTHER)
    source: str


# Only figures with a source (brief: Bradford District reference data, Census 2021).
REFERENCES = {
    "sex": Reference(
        N_("Sex"), "sex", {"female": 0.51, "male": 0.49},
        {"female": N_("Female"), "male": N_("Male")}, {"female": "female", "male": "male"},
        "Census 2021, Telegraph & Argus (thetelegraphandargus.co.uk/news/20240556)"),
    "ethnicity": Reference(
        N_("Ethnic background"), "ethnic_background", {"white_british": 0.567, "asian_pakistani": 0.255},
        {"white_british": N_("White British"), "asian_pakistani": N_("Pakistani"), OTHER: N_("Every other background")},
        {"white_british": "white_british", "asian_pakistani": "asian_pakistani"},
        "Census 2021, Understanding Bradford District (ubd.bradford.gov.uk/about-us/2021-census/)"),
    "religion": Reference(
        N_("Religion"), "religion", {"christian": 0.334, "muslim": 0.305},
        {"christian": N_("Christian"), "muslim": N_("Muslim"), OTHER: N_("Any other answer, or no religion")},
        {"christian": "christian", "muslim": "muslim"},
        "Census 2021, Understanding Bradford District (ubd.bradford.gov.uk/about-us/2021-census/)"),
    "disability": Reference(
        N_("Disability"), "disability", {"disabled": 0.19, "not_disabled": 0.81},
        {"disabled": N_("Disabled"), "not_disabled": N_("Not disabled")},
        {"yes_a_lot": "disabled", "yes_a_little": "disabled", "no": "not_disabled"},
        "Census 2021, Bradford District Data Review (bdproducinghub.co.uk)"),
}


def category(reference: Reference, answer: str | None) -> str:
    if answer is None:
        return NOT_SAID
    return reference.groups.get(answer, OTHER)


def shares(reference: Reference) -> dict[str, float]:
    rest = round(1 - sum(reference.shares.values()), 4)
    return reference.shares | ({OTHER: rest} if rest > 0 else {})


def run(inputs: dict, seed: str) -> dict:
    """The draw itself: who is picked, in order, and why. Same inputs and seed, same result."""
    rng = random.Random(seed)
    targets: dict[str, float] = inputs["shares"]
    group: dict[str, int] = dict(inputs["group"])
    remaining = sorted(inputs["candidates"], key=lambda c: c["id"])
    steps = []
    for seat in range(1, inputs["seats"] + 1):
        if not remaining:
            break
        size_after = sum(count for key, count in group.items() if key != NOT_SAID) + 1
        gaps = {key: share * size_after - group.get(key, 0) for key, share in targets.items()}
        order = sorted(gaps, key=lambda key: (-gaps[key], key))
        for key in order:
            pool = [c for c in remaining if c["category"] in (key, NOT_SAID)]
            if any(c["category"] == key for c in pool):
                break
        else:
            key, pool = "any", list(remaining)  # only people who did not say are left
        picked = pool[rng.randrange(len(pool))]
        remaining.remove(picked)
        group[picked["category"]] = group.get(picked["category"], 0) + 1
        steps.append({"seat": seat, "furthest_below": key, "gap": round(gaps.get(key, 0.0), 2),
                      "from": len(pool), "picked": picked["id"]})
    return {"picked": [step["picked"] for step in steps], "steps": steps}


class NotNeeded(Exception):
    """No draw is needed: there are no more eligible applicants than open seats."""


def _answers(ids: list[int], column: str) -> dict[int, str | None]:
    if not ids:
        return {}
    rows = db.session.execute(select(ApplicationEquality.application_id, getattr(ApplicationEquality, column))
                              .where(ApplicationEquality.application_id.in_(ids)))
    return dict(rows.all())


def inputs_for(seat_pool: str, characteristic: str) -> dict:
    """Everything the draw reads, as plain data: stored with it, so it can be re-run."""
    from portal.advisory.services import drawn_not_offered, hopeful

    reference = REFERENCES[characteristic]
    pool = next(p for p in seats.pools() if p.key == seat_pool)
    candidates = hopeful(seat_pool)
    now = utcnow()
    holding = list(db.session.scalars(select(Application.id).where(
        (Application.stage == "member") | ((Application.stage == "offered") & (Application.offer_expires_at > now)))))
    answers = _answers([c.id for c in candidates] + holding, reference.column)
    group: dict[str, int] = {}
    for person in holding:
        key = category(reference, answers.get(person))
        group[key] = group.get(key, 0) + 1
    return {
        "seat_pool": seat_pool, "characteristic": characteristic,
        "seats": max(0, pool.open - drawn_not_offered(seat_pool)),
        "shares": shares(reference), "source": reference.source, "group": group,
        "candidates": [{"id": c.id, "category": category(reference, answers.get(c.id))} for c in candidates],
    }


def hold_draw(seat_pool: str, characteristic: str, actor, seed: str | None = None) -> Draw:
    """Run a draw for a pool's open seats, store it, and shortlist the people picked: one
    transaction under the seat lock, so a second draw at the same moment (a double click)
    waits, then sees these people shortlisted and their seats kept."""
    from portal.advisory import services
    from portal.staff import audit

    try:
        seats.take_lock()
        inputs = inputs_for(seat_pool, characteristic)
        if inputs["seats"] == 0 or len(inputs["candidates"]) <= inputs["seats"]:
            raise NotNeeded(seat_pool)
        seed = seed or secrets.token_hex(16)
        result = run(inputs, seed)
        draw = Draw(seat_pool=seat_pool, characteristic=characteristic, seats=inputs["seats"], seed=seed,
                    method=METHOD, inputs=json.dumps(inputs, sort_keys=True),
                    result=json.dumps(result, sort_keys=True), created_by_id=actor.id if actor else None)
        db.session.add(draw)
        db.session.flush()
        audit.record("advisory.draw", "draw", draw.id, after={"seed": seed, "picked": result["picked"]}, actor=actor)
        now = utcnow()
        for application_id in result["picked"]:
            application = db.session.get(Application, application_id)
            application.draw_id = draw.id
            if application.stage != "shortlisted":
                services.shortlist_drawn(application, draw.id, actor, now)
        db.session.commit()
        return draw
    except Exception:
        db.session.rollback()
        raise


def rerun(draw: Draw) -> bool:
    """Run a stored draw again from its seed and inputs: True if it gives the same result."""
    return run(json.loads(draw.inputs), draw.seed) == json.loads(draw.result)


def draws() -> list[Draw]:
    return list(db.session.scalars(select(Draw).order_by(Draw.created_at.desc())))
