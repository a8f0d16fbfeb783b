"""The fair draw: a pure function of its stored inputs and seed (anyone can run it again,
in another process, and get the same people in the same order), that fills a pool's open
seats one at a time from the answer furthest below the district's share, always together
with the people who chose not to answer."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from portal.advisory import draw, services
from portal.advisory.models import Application, Draw
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from tests.support.advisory_factories import fill, make_application
from tests.support.paths import REPO_ROOT

ETHNICITY = draw.shares(draw.REFERENCES["ethnicity"])  # white_british, asian_pakistani, other


def candidates(**counts: int) -> list[dict]:
    """{"category": n, ...} -> candidates with ids 1.. in that order."""
    made, n = [], 0
    for category, how_many in counts.items():
        for _ in range(how_many):
            n += 1
            made.append({"id": n, "category": category})
    return made


def inputs(group: dict, people: list[dict], seats: int = 1) -> dict:
    return {"seat_pool": "keighley", "characteristic": "ethnicity", "seats": seats, "shares": ETHNICITY,
            "source": "Census 2021", "group": group, "candidates": people}


SHORT_OF_PAKISTANI = {"white_british": 10, "other": 2, draw.NOT_SAID: 3}  # 0 Pakistani of 12 who said


def test_the_same_inputs_and_seed_give_the_same_result_and_other_seeds_differ():
    given = inputs({"white_british": 3, "asian_pakistani": 1},
                   candidates(white_british=6, asian_pakistani=4, other=5, not_said=5), seats=4)
    first = draw.run(given, "seed-one")
    assert draw.run(given, "seed-one") == first
    assert draw.run(json.loads(json.dumps(given)), "seed-one") == first
    assert len(first["picked"]) == 4 == len(set(first["picked"])) and [s["seat"] for s in first["steps"]] == [1, 2, 3, 4]
    # The order the candidates come in does not matter: the draw sorts them.
    shuffled = {**given, "candidates": list(reversed(given["candidates"]))}
    assert draw.run(shuffled, "seed-one") == first
    results = {tuple(draw.run(given, f"seed-{n}")["picked"]) for n in range(30)}
    assert len(results) > 10
    assert draw.run(given, "seed-one") != draw.run(given, "seed-two")


def test_the_draw_does_not_change_its_inputs():
    given = inputs(dict(SHORT_OF_PAKISTANI), candidates(white_british=2, asian_pakistani=2), seats=2)
    copy = json.loads(json.dumps(given))
    draw.run(given, "abc")
    assert given == copy


def test_a_group_short_of_pakistani_members_picks_first_from_pakistani_applicants_or_those_who_did_not_say():
    people = candidates(white_british=5, other=3, asian_pakistani=2, not_said=2)
    pakistani = {c["id"] for c in people if c["category"] == "asian_pakistani"}
    not_said = {c["id"] for c in people if c["category"] == draw.NOT_SAID}
    firsts = []
    for n in range(300):
        result = draw.run(inputs(SHORT_OF_PAKISTANI, people), f"seed-{n}")
        step = result["steps"][0]
        assert step["furthest_below"] == "asian_pakistani"
        assert step["from"] == 4 and step["gap"] == round(0.255 * 13, 2)
        assert result["picked"][0] in pakistani | not_said
        firsts.append(result["picked"][0])
    # Both kinds are picked: not answering never counts against anyone.
    assert set(firsts) == pakistani | not_said


def test_nobody_with_the_furthest_answer_takes_the_next_furthest():
    people = candidates(white_british=5, other=3, not_said=1)  # no Pakistani applicant
    for n in range(100):
        result = draw.run(inputs(SHORT_OF_PAKISTANI, people), f"seed-{n}")
        step = result["steps"][0]
        assert step["furthest_below"] == "other"  # 0.178 * 13 - 2 = 0.31, above White British's -2.6
        assert {c["id"]: c["category"] for c in people}[step["picked"]] in ("other", draw.NOT_SAID)


def test_when_only_people_who_did_not_say_are_left_any_of_them_can_be_picked():
    people = candidates(not_said=3)
    picked = {draw.run(inputs(SHORT_OF_PAKISTANI, people), f"seed-{n}")["picked"][0] for n in range(60)}
    assert picked == {1, 2, 3}
    assert draw.run(inputs(SHORT_OF_PAKISTANI, people), "x")["steps"][0]["furthest_below"] == "any"


def test_each_seat_counts_the_people_drawn_before_it():
    # One Pakistani applicant, a group short of Pakistani members: the first seat goes to
    # them (or someone who did not say); White British only once the gap is closed.
    people = candidates(white_british=4, asian_pakistani=3)
    result = draw.run(inputs({"white_british": 2, "other": 1}, people, seats=3), "seed")
    categories = [{c["id"]: c["category"] for c in people}[i] for i in result["picked"]]
    assert result["steps"][0]["furthest_below"] == "asian_pakistani" and categories[0] == "asian_pakistani"
    # Group of 4 with 1 Pakistani: 0.567 * 5 - 2 = 0.84 now exceeds 0.255 * 5 - 1 = 0.28.
    assert result["steps"][1]["furthest_below"] == "white_british" and categories[1] == "white_british"


def test_more_seats_than_candidates_stops_when_nobody_is_left():
    result = draw.run(inputs({}, candidates(other=2), seats=5), "seed")
    assert sorted(result["picked"]) == [1, 2] and len(result["steps"]) == 2


def test_a_new_process_gets_the_same_people_from_the_stored_inputs_and_seed(tmp_path):
    given = inputs({"white_british": 4, draw.NOT_SAID: 2},
                   candidates(white_british=7, asian_pakistani=4, other=6, not_said=8), seats=5)
    here = draw.run(given, "0f3c")
    (tmp_path / "inputs.json").write_text(json.dumps(given))
    script = ("import json, sys; from portal.advisory.draw import run; "
              "print(json.dumps(run(json.load(open(sys.argv[1])), sys.argv[2])))")
    there = subprocess.run([sys.executable, "-c", script, str(tmp_path / "inputs.json"), "0f3c"], cwd=REPO_ROOT,
                           env={**os.environ, "PYTHONHASHSEED": "12345"}, capture_output=True, text=True, check=True)
    assert json.loads(there.stdout) == here


# ---- holding a draw for a pool ----------------------------------------------------


def hopefuls(pool: str, backgrounds: list[str | None]) -> list[Application]:
    """One applicant per background (None: no answers given), alternately received and waiting."""
    made = []
    for i, background in enumerate(backgrounds):
        equality = {"ethnic_background": background, "ethnic_group": background.split("_")[0]} if background else None
        made.append(make_application(pool, "submitted" if i % 2 else "waiting_list", equality=equality))
    return made


def test_a_draw_is_stored_shortlists_exactly_the_open_seats_and_can_be_run_again(app_ctx, make_staff):
    moderator = make_staff("moderator")
    fill("keighley", members=2, offers=1, expired_offers=1)  # 2 seats open
    fill("shipley", members=4, equality={"ethnic_background": "white_british"})
    people = hopefuls("keighley", ["white_british", "asian_pakistani", None, "other_arab", "white_british",
                                   "asian_pakistani", None])
    make_application("keighley", "shortlisted", held=True)  # held: never in a draw
    make_application("keighley", "declined")
    made = draw.hold_draw("keighley", "ethnicity", moderator, seed="seed-for-the-test")

    assert (made.seat_pool, made.characteristic, made.seats, made.seed, made.method) == (
        "keighley", "ethnicity", 2, "seed-for-the-test", draw.METHOD)
    stored_inputs, result = json.loads(made.inputs), json.loads(made.result)
    assert sorted(c["id"] for c in stored_inputs["candidates"]) == sorted(p.id for p in people)
    assert stored_inputs["group"] == {"white_british": 4, draw.NOT_SAID: 3}
    assert stored_inputs["shares"] == ETHNICITY and stored_inputs["source"].startswith("Census 2021")
    assert len(result["picked"]) == 2 == len(set(result["picked"]))
    assert result == draw.run(stored_inputs, "seed-for-the-test")

    shortlisted = set(db.session.scalars(select(Application.id).where(Application.draw_id == made.id)))
    assert shortlisted == set(result["picked"])
    for person in people:
        stage = db.session.get(Application, person.id).stage
        assert (stage == "shortlisted") == (person.id in shortlisted), (person.id, stage)
    actions = list(db.session.execute(select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.after,
                                             AuditEvent.detail, AuditEvent.actor_id)
                                      .where(AuditEvent.action.startswith("advisory.")).order_by(AuditEvent.id)))
    assert actions[0][:3] == ("advisory.draw", str(made.id), {"seed": "seed-for-the-test", "picked": result["picked"]})
    assert actions[0][4] == moderator.id
    assert [(a, int(s), d) for a, s, _after, d, _actor in actions[1:]] == [
        ("advisory.shortlisted", i, f"picked in draw {made.id}") for i in result["picked"]]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2  # each picked person told

    assert draw.rerun(made) is True
    assert draw.draws() == [made]
    # Anyone who edits the stored result is found out.
    tampered = {**result, "picked": list(reversed(result["picked"]))}
    made.result = json.dumps(tampered)
    assert draw.rerun(made) is False
    made.result = json.dumps({**result, "steps": result["steps"][:1]})
    assert draw.rerun(made) is False
    db.session.rollback()
    # And a copy of the stored inputs, through JSON and back, gives the same people.
    copy = json.loads(json.dumps(json.loads(db.session.get(Draw, made.id).inputs)))
    assert draw.run(copy, made.seed)["picked"] == result["picked"]


def test_a_draw_uses_only_answers_people_chose_to_give(app_ctx):
    fill("shipley", members=3)
    people = hopefuls("shipley", [None, None, None, "asian_pakistani"])
    make_application("shipley", "waiting_list", equality={"ethnic_background": None, "sex": "female"})
    inputs_ = draw.inputs_for("shipley", "ethnicity")
    categories = sorted(c["category"] for c in inputs_["candidates"])
    assert categories == ["asian_pakistani", *[draw.NOT_SAID] * 4]
    assert inputs_["seats"] == 2 and inputs_["group"] == {draw.NOT_SAID: 3}
    # People who said nothing can be picked.
    picked = set()
    for n in range(40):
        picked.update(draw.run(inputs_, f"s{n}")["picked"])
    assert picked >= {p.id for p in people[:3]}


def test_people_who_did_not_answer_are_picked_by_a_real_draw(app_ctx):
    fill("bradford-east", members=4)
    hopefuls("bradford-east", [None, None, None])
    made = draw.hold_draw("bradford-east", "sex", None, seed="any")
    (picked,) = json.loads(made.result)["picked"]
    assert db.session.get(Application, picked).stage == "shortlisted"
    assert draw.rerun(made)


def test_no_draw_when_there_are_no_more_applicants_than_open_seats(app_ctx):
    fill("keighley", members=3)
    hopefuls("keighley", ["white_british", None])  # 2 applicants, 2 seats
    fill("shipley", members=5)
    hopefuls("shipley", ["white_british", None, "other_arab"])  # no seat at all
    for pool in ("keighley", "shipley", "bradford-west"):
        with pytest.raises(draw.NotNeeded):
            draw.hold_draw(pool, "ethnicity", None)
    assert db.session.scalar(select(func.count()).select_from(Draw)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.startswith("advisory."))) == 0
    assert set(db.session.scalars(select(Application.stage).where(Application.seat_pool == "keighley"))) == {
        "member", "submitted", "waiting_list"}


def test_a_seed_is_made_when_none_is_given(app_ctx):
    fill("keighley", members=4)
    hopefuls("keighley", [None, "white_british", "asian_pakistani"])
    made = draw.hold_draw("keighley", "religion", None)
    assert len(made.seed) == 32 and draw.rerun(made)
    assert services.applications("keighley", "shortlisted")[0].draw_id == made.id
