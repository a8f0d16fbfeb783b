"""The benchmark's data set, bulk-inserted into an already migrated and seeded database.

    DATABASE_URL=sqlite:////tmp/x.sqlite python scripts/bench/generate.py --scale 100000

`--scale` is the number of feedback submissions; everything else follows from it (at the
full scale of 100,000: 10,000 ideas across the seven themes and five areas, 1,000,000
supports, 5,000 published "we did" responses over six terms, 2,000 advisory-group
applications). `--ideas N` overrides the number of ideas (the quick smoke run uses 200).

Rows go in with SQLAlchemy Core `insert()` and lists of dicts (executemany), in chunks,
one transaction per table. Python-side column defaults of the models apply; any NOT NULL
column the generator does not know about (one added since) is filled with a plain value
of its type, and named on stderr so the generator can be taught a sensible one.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHUNK = 10_000
SEED = 20260101
WORDS = tuple(["bus", "library", "park", "youth", "club", "canal", "towpath", "cafe", "garden", "school", "mosque", "church", "temple", "allotment", "football", "pitch", "lights", "safer", "crossing", "market", "stall", "language", "class", "neighbours", "festival", "cricket", "art", "mural", "litter", "picking", "swap", "shop", "repair", "walking", "group", "elders", "homework", "street", "play", "lunch", "Keighley", "Shipley", "Ilkley", "Bingley", "Bradford", "Manningham", "Eccleshill", "Thornton", "Queensbury", "weekend", "evenings", "Friday", "families", "carers", "young", "people", "older", "refugees", "students", "volunteers", "council", "trust", "share", "meet"])
RESPONSIBLE = ("Transport team", "Parks and green spaces", "Youth service", "Community cohesion team",
               "Libraries", "Employment and skills", "Schools linking programme")
RESPONSE_STATUSES = ("planned", "in_progress", "done", "not_taken_forward")
AGE_BANDS_APPLICATION = ("16_17", "18_24", "25_44", "45_64", "65_plus")
AVAILABILITY = ("weekday_day", "weekday_evening", "weekend", "online")
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REF_SPACE = 31 ** 7
REF_STEP = 1_000_003  # coprime with 31: n -> n * step + offset is a bijection, not sequential


def counts_for(scale: int, ideas: int | None = None) -> dict[str, int]:
    """What a scale means: the full district set at 100,000 submissions, smaller in proportion."""
    ideas = ideas if ideas is not None else max(scale // 10, 20)
    return {
        "submissions": scale,
        "ideas": ideas,
        "supports": ideas * 100,
        "responses": max(scale // 20, 10),
        "applications": max(scale // 50, 10),
    }


def text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


class References:
    """Unique, valid, non-sequential references, avoiding any already in the database."""

    def __init__(self, taken: set[str]):
        from portal.shared.references import check_character

        self._check = check_character
        self.taken = taken
        self.n = 0

    def next(self) -> str:
        while True:
            n = (self.n * REF_STEP + 7_777_777) % REF_SPACE
            self.n += 1
            digits = []
            for _ in range(7):
                n, rest = divmod(n, 31)
                digits.append(REF_ALPHABET[rest])
            body = "".join(reversed(digits))
            reference = body + self._check(body)
            if reference not in self.taken:
                self.taken.add(reference)
                return reference


class Filler:
    """Inserts rows into a model's table in chunks, completing NOT NULL columns it was not given."""

    def __init__(self, connection):
        self.connection = connection
        self.warned: set[str] = set()

    def _complete(self, table, rows: list[dict]) -> None:
        given = set(rows[0])
        missing = []
        for column in table.columns:
            if column.name in given or column.nullable or column.default is not None \
                    or column.server_default is not None or (column.primary_key and column.autoincrement):
                continue
            missing.append(column)
        for column in missing:
            value = _plain_value(column)
            key = f"{table.name}.{column.name}"
            if key not in self.warned:
                self.warned.add(key)
                print(f"generate: {key} is NOT NULL and unknown to the generator; filled with {value!r}",
                      file=sys.stderr)
            for row in rows:
                row[column.name] = value

    def insert(self, table, rows: list[dict]) -> int:
        from sqlalchemy import insert

        if not rows:
            return 0
        self._complete(table, rows)
        for offset in range(0, len(rows), CHUNK):
            self.connection.execute(insert(table), rows[offset:offset + CHUNK])
        return len(rows)


def _plain_value(column):
    from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric

    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer | Numeric):
        return 0
    if isinstance(kind, DateTime):
        return datetime.now(UTC)
    if isinstance(kind, Date):
        return date.today()
    return ""


def _working_days(cache: dict, day: date) -> date:
    from portal.timeutil import add_working_days

    if day not in cache:
        cache[day] = add_working_days(day, 20)
    return cache[day]


def generate(scale: int, ideas: int | None = None, seed: int = SEED) -> dict:
    """Fill the database DATABASE_URL names (migrated, seeded) with the set for `scale`."""
    from sqlalchemy import func, select
    from sqlalchemy import text as sql

    from portal import create_app
    from portal.advisory.models import Application
    from portal.core.models import Area, Theme
    from portal.extensions import db
    from portal.feedback.models import Submission
    from portal.ideas.models import Idea, IdeaSupport
    from portal.moderation.models import ModerationItem
    from portal.responses.models import Response, ResponseUpdate
    from portal.staff.models import StaffUser
    from portal.timeutil import UK

    counts = counts_for(scale, ideas)
    rng = random.Random(seed)
    app = create_app()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with app.app_context():
        engine = db.engine
        dialect = engine.dialect.name
        themes = list(db.session.execute(select(Theme.id, Theme.slug).order_by(Theme.position)))
        areas = list(db.session.execute(select(Area.id, Area.slug).order_by(Area.position)))
        staff_id = db.session.scalar(select(func.min(StaffUser.id)))
        taken = set()
        for model in (Submission, Idea, Application):
            taken.update(db.session.scalars(select(model.reference)))
        first_id = (db.session.scalar(select(func.max(ModerationItem.id))) or 0) + 1
        first_response = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
        db.session.close()
        if not themes or not areas:
            raise SystemExit("generate: no themes or areas: run `flask --app portal seed-reference` first")
        theme_ids = [t.id for t in themes]
        area_ids = [a.id for a in areas]
        refs = References(taken)
        due_cache: dict = {}
        now = datetime.now(UTC)
        span = timedelta(days=730)  # six reporting terms
        start = now - span

        def moment(fraction: float) -> datetime:
            return start + span * fraction

        with engine.begin() as connection:
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
            fill = Filler(connection)

            # ---- responses and their updates (ids known: the items below point at them)
            tick = time.perf_counter()
            responses, updates = [], []
            for i in range(counts["responses"]):
                rid = first_response + i
                # More answers in later terms, as a programme gets going; none in the future.
                published = moment(min(0.999, (i + 0.5) / counts["responses"]) ** 0.8)
                status = RESPONSE_STATUSES[i % 4]
                reason = text(rng, 8, 20) if status == "not_taken_forward" else None
                young = i % 4 == 0
                responses.append({
                    "id": rid, "theme_id": theme_ids[i % len(theme_ids)] if i % 23 else None,
                    "you_said": text(rng, 10, 40), "we_did": text(rng, 20, 60), "status": status, "reason": reason,
                    "responsible": RESPONSIBLE[i % len(RESPONSIBLE)],
                    "action_date": (published + timedelta(days=rng.randint(10, 120))).date(),
                    "young_people_summary": text(rng, 8, 20) if young else None,
                    "answers_young_people": young, "answers_adults": True,
                    "state": "published", "created_by_id": staff_id,
                    "created_at": published - timedelta(days=2), "published_at": published,
                    "updated_at": published,
                })
                updates.append({"response_id": rid, "published_at": published, "status": status,
                                "we_did": responses[-1]["we_did"], "reason": reason,
                                "note": "First published", "author_id": staff_id})
                # A third are updated later (in the same or a following term).
                if i % 3 == 0:
                    later = min(now - timedelta(minutes=5), published + timedelta(days=rng.randint(20, 200)))
                    if later > published:
                        updates.append({"response_id": rid, "published_at": later, "status": "in_progress",
                                        "we_did": text(rng, 20, 60), "reason": None,
                                        "note": text(rng, 5, 15), "author_id": staff_id})
                        responses[-1].update(status="in_progress", reason=None, updated_at=later)
            fill.insert(Response.__table__, responses)
            fill.insert(ResponseUpdate.__table__, updates)
            response_times = [r["published_at"] for r in responses]
            timings["responses"] = time.perf_counter() - tick

            def answering(created: datetime) -> int | None:
                """A response published after `created`, for an answered item."""
                first = bisect.bisect_right(response_times, created)  # published in order
                if first >= len(response_times):
                    return None
                return first_response + rng.randrange(first, min(first + 50, len(response_times)))

            # ---- feedback: nearly all waiting (the moderation queue at 100,000 items)
            tick = time.perf_counter()
            items, submissions = [], []
            next_id = first_id
            for i in range(counts["submissions"]):
                created = moment(i / counts["submissions"])
                roll = i % 100
                status = "answered" if roll < 5 else "hidden" if roll == 5 else ("in_review" if roll % 3 else "received")
                response_id = answering(created) if status == "answered" else None
                if status == "answered" and response_id is None:
                    status = "in_review"
                young = i % 4 == 0
                body = text(rng, 10, 80)
                items.append({
                    "id": next_id, "kind": "feedback", "audience": "young_person" if young else "adult",
                    "language": "en", "theme_id": theme_ids[i % len(theme_ids)] if i % 11 else None,
                    "area_id": area_ids[i % len(area_ids)] if i % 13 else None, "created_at": created,
                    "due_on": _working_days(due_cache, created.astimezone(UK).date()), "status": status,
                    "hidden_reason": "Not about Bradford District" if status == "hidden" else None,
                    "public_text": body if status == "answered" else None, "safeguarding_state": "none",
                    "reviewed_at": created + timedelta(hours=4) if status != "received" else None,
                    "answered_at": created + timedelta(days=3) if status == "answered" else None,
                    "response_id": response_id,
                })
                submissions.append({
                    "id": next_id, "reference": refs.next(), "draft_token": f"bench-feedback-{i}",
                    "channel": "online", "area_choice": "area" if i % 13 else "prefer_not", "body": body,
                    "email": f"resident{i}@example.org" if i % 3 == 0 else None,
                    "age_band": "13_15" if young else None, "care_experienced": None,
                })
                next_id += 1
            fill.insert(ModerationItem.__table__, items)
            fill.insert(Submission.__table__, submissions)
            timings["submissions"] = time.perf_counter() - tick

            # ---- ideas, and their supports (support_count and verified_count exact)
            tick = time.perf_counter()
            items, ideas_rows, supports = [], [], []
            n_ideas = counts["ideas"]
            # A long tail: a few ideas with thousands of supports, most with a handful.
            weights = [1.0 / (k + 1) ** 0.9 for k in range(n_ideas)]
            rng.shuffle(weights)
            published_ids = []
            idea_meta = []
            for i in range(n_ideas):
                created = moment(0.25 + 0.75 * i / n_ideas)
                roll = i % 40
                status = "received" if roll == 0 else "hidden" if roll == 1 else "answered" if roll < 6 else "in_review"
                response_id = answering(created) if status == "answered" else None
                if status == "answered" and response_id is None:
                    status = "in_review"
                on_board = status in ("in_review", "answered")
                title = text(rng, 3, 10)[:120]
                body = text(rng, 20, 150)
                young = i % 5 == 0
                items.append({
                    "id": next_id, "kind": "idea", "audience": "young_person" if young else "adult",
                    "language": "en", "theme_id": theme_ids[i % len(theme_ids)],
                    "area_id": area_ids[(i // len(theme_ids)) % len(area_ids)] if i % 17 else None,
                    "created_at": created, "due_on": _working_days(due_cache, created.astimezone(UK).date()),
                    "status": status, "hidden_reason": "Sent more than once" if status == "hidden" else None,
                    "public_text": body if on_board else None, "safeguarding_state": "none",
                    "reviewed_at": created + timedelta(hours=3) if status != "received" else None,
                    "answered_at": created + timedelta(days=20) if status == "answered" else None,
                    "response_id": response_id,
                })
                ideas_rows.append({
                    "id": next_id, "reference": refs.next(), "draft_token": f"bench-idea-{i}", "title": title,
                    "body": body, "public_title": title if on_board else None,
                    "email": f"proposer{i}@example.org" if i % 4 == 0 else None,
                    "age_band": "13_15" if young else None, "channel": "online", "event_id": None,
                    "support_count": 0, "verified_count": 0, "voided_count": 0, "merged_into_id": None,
                })
                idea_meta.append((next_id, created))
                if on_board:
                    published_ids.append(i)
                next_id += 1
            # Supports: only on ideas on the board; devices drawn from a pool (a device supports several ideas).
            board_weights = [weights[i] for i in published_ids]
            total_weight = sum(board_weights) or 1.0
            pool = max(counts["supports"] // 5, 1000)
            remaining = counts["supports"]
            for position, i in enumerate(published_ids):
                share = board_weights[position] / total_weight
                k = remaining if position == len(published_ids) - 1 else min(remaining, round(counts["supports"] * share))
                k = min(k, pool)
                remaining -= k
                idea_id, created = idea_meta[i]
                age = max((now - created).total_seconds(), 3600.0)
                verified = 0
                for device in rng.sample(range(pool), k):
                    when = created + timedelta(seconds=rng.random() * age * 0.99)
                    is_verified = device % 7 == 0
                    verified += is_verified
                    supports.append({
                        "idea_id": idea_id, "device": f"{device:064x}", "client": f"{device % 4099:032x}",
                        "channel": "online", "event_id": None, "audience": None, "created_at": when,
                        "verified_at": when + timedelta(minutes=5) if is_verified else None,
                        "notify_email": None, "voided_at": None,
                    })
                ideas_rows[i]["support_count"] = k
                ideas_rows[i]["verified_count"] = verified
            fill.insert(ModerationItem.__table__, items)
            fill.insert(Idea.__table__, ideas_rows)
            timings["ideas"] = time.perf_counter() - tick
            tick = time.perf_counter()
            fill.insert(IdeaSupport.__table__, supports)
            timings["supports"] = time.perf_counter() - tick
            n_supports = len(supports)
            del supports

            # ---- advisory-group applications: mostly waiting to be considered
            tick = time.perf_counter()
            items, applications = [], []
            pools = [a.slug for a in areas] + ["equalities-forum"]
            members_per_pool: dict[str, int] = {}
            for i in range(counts["applications"]):
                created = moment(0.5 + 0.5 * i / counts["applications"])
                seat_pool = pools[i % len(pools)]
                stage = "submitted"
                if i % 10 == 1:
                    stage = "shortlisted"
                elif i % 10 == 2:
                    stage = "waiting_list"
                elif i % 10 == 3 and members_per_pool.get(seat_pool, 0) < 4:
                    stage = "member"
                    members_per_pool[seat_pool] = members_per_pool.get(seat_pool, 0) + 1
                age_band = AGE_BANDS_APPLICATION[i % len(AGE_BANDS_APPLICATION)]
                items.append({
                    "id": next_id, "kind": "application",
                    "audience": "young_person" if age_band == "16_17" else "adult", "language": "en",
                    "theme_id": None, "area_id": area_ids[i % len(pools)] if seat_pool != "equalities-forum" else None,
                    "created_at": created, "due_on": _working_days(due_cache, created.astimezone(UK).date()),
                    "status": "in_review" if stage != "submitted" else "received", "hidden_reason": None,
                    "public_text": None, "safeguarding_state": "none",
                    "reviewed_at": created + timedelta(days=2) if stage != "submitted" else None,
                    "answered_at": None, "response_id": None,
                })
                applications.append({
                    "id": next_id, "reference": refs.next(), "draft_token": f"bench-application-{i}",
                    "name": f"Applicant {i}", "email": f"applicant{i}@example.org", "phone": None,
                    "age_band": age_band, "seat_pool": seat_pool, "why": text(rng, 20, 80),
                    "bring": text(rng, 10, 50), "interests": ",".join(t.slug for t in themes[i % 3::3]),
                    "availability": ",".join(AVAILABILITY[: 1 + i % 4]), "access_needs": "", "declaration": "",
                    "declared_on": created.date(), "consent_at": created, "stage": stage,
                    "stage_changed_at": created + timedelta(days=5),
                    "waiting_since": created + timedelta(days=5) if stage == "waiting_list" else None,
                    "offer_expires_at": None,
                    "term_start": (created + timedelta(days=30)).date() if stage == "member" else None,
                    "term_end": (created + timedelta(days=30 + 730)).date() if stage == "member" else None,
                    "left_on": None, "draw_id": None,
                })
                next_id += 1
            fill.insert(ModerationItem.__table__, items)
            fill.insert(Application.__table__, applications)
            timings["applications"] = time.perf_counter() - tick

        tick = time.perf_counter()
        with engine.begin() as connection:
            if dialect == "postgresql":
                for table in ("moderation_item", "idea_support", "response", "response_update"):
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # Statistics, as a running database would have (autovacuum, or SQLite's ANALYZE).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sql("ANALYZE"))
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        timings["analyze"] = time.perf_counter() - tick
        engine.dispose()
    written = {"submissions": counts["submissions"], "ideas": n_ideas, "supports": n_supports,
               "responses": counts["responses"], "response_updates": len(updates),
               "applications": counts["applications"]}
    return {"counts": written, "seconds": round(time.perf_counter() - started, 1),
            "timings": {k: round(v, 1) for k, v in timings.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="feedback submissions (100000 = district scale)")
    parser.add_argument("--ideas", type=int, default=None, help="ideas (default: scale / 10)")
    args = parser.parse_args()
    print(json.dumps(generate(args.scale, args.ideas)))


if __name__ == "__main__":
    main()
