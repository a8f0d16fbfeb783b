"""Themes, areas and settings from the admin screens: each change audited with before
and after, reflected where residents look, and refused with a clear message (changing
nothing) when it would break something."""

import pytest
from sqlalchemy import select

from portal.core.models import Area, Setting, Theme
from portal.extensions import db
from portal.staff.models import AuditEvent
from tests.support.advisory_factories import fill
from tests.support.factories import make_submission


@pytest.fixture
def admin(client_request, make_staff):
    user = make_staff("admin")
    client_request.sign_in(user)
    return user


def _theme(app, slug):
    with app.app_context():
        theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
        db.session.expunge(theme)
        return theme


def _audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


THEME = "linking-up-schools"


def _theme_form(theme, **changes):
    return {"name": theme.name, "description": theme.description, "plain_description": theme.plain_description,
            "pillar": "getting-along", "position": str(theme.position + 1), **changes}


def test_rewording_a_theme_shows_where_residents_look_and_keeps_its_address(app, client_request, admin):
    theme = _theme(app, THEME)
    client_request.get(f"/admin/themes/{theme.id}", expected_title="Change a theme")
    client_request.post(f"/admin/themes/{theme.id}", _theme_form(theme, name="Schools Linking Up", position="1"))
    board = app.test_client().get(f"/ideas/{THEME}")
    assert board.status_code == 200 and "Schools Linking Up" in board.get_data(as_text=True)
    with app.app_context():
        first = db.session.scalars(select(Theme).order_by(Theme.position)).first()
        assert first.slug == THEME and first.position == 0
        assert sorted(db.session.scalars(select(Theme.position))) == list(range(7))  # no ties
    event = _audit(app, "theme.changed")[0]
    assert event.before["name"] == "Linking Up Schools" and event.after["name"] == "Schools Linking Up"


def test_adding_a_theme_and_removing_it_while_nothing_uses_it(app, client_request, admin):
    client_request.get("/admin/themes/new", expected_title="Add a theme")
    client_request.post("/admin/themes/new", {"name": "Clean Air", "description": "Breathing easier in the district.",
                                              "plain_description": "", "pillar": "feeling-safe", "position": "8"})
    with app.app_context():
        added = db.session.scalar(select(Theme).where(Theme.slug == "clean-air"))
        assert added is not None and added.position == 7
        added_id = added.id
    page = client_request.get(f"/admin/themes/{added_id}")
    assert "Nothing uses it yet" in page.get_text()
    client_request.post(f"/admin/themes/{added_id}/remove")
    with app.app_context():
        assert db.session.get(Theme, added_id) is None
    assert _audit(app, "theme.removed")[0].before["name"] == "Clean Air"


def test_removing_a_theme_that_items_use_is_refused_and_changes_nothing(app, client_request, admin):
    theme = _theme(app, THEME)
    with app.app_context():
        make_submission(theme=THEME)
    page = client_request.get(f"/admin/themes/{theme.id}")
    assert "This cannot be removed" in page.get_text()
    client_request.post(f"/admin/themes/{theme.id}/remove")
    page = client_request.get(f"/admin/themes/{theme.id}")
    text = " ".join(page.get_text().split())
    assert "Linking Up Schools cannot be removed: 1 record (1 in moderation item) use it" in text
    assert _theme(app, THEME) is not None and not _audit(app, "theme.removed")


def test_bad_theme_input_gets_a_clear_message_and_changes_nothing(app, client_request, admin):
    theme = _theme(app, THEME)
    client_request.get(f"/admin/themes/{theme.id}")
    page = client_request.post(f"/admin/themes/{theme.id}", _theme_form(
        theme, name="  ", description="x" * 401, pillar="nonsense", position="0"), expected_status=200)
    text = page.get_text()
    for message in ("Enter the theme's name", "Description must be 400 characters or fewer", "Choose a pillar",
                    "Enter the position as a whole number from 1 to 99"):
        assert message in text
    page = client_request.post(f"/admin/themes/{theme.id}", _theme_form(theme, name="employment opportunities"),
                               expected_status=200)
    assert "There is already a theme called employment opportunities" in page.get_text()
    assert _theme(app, THEME).name == "Linking Up Schools" and not _audit(app, "theme.changed")


def test_an_area_in_use_can_be_renamed_but_not_removed(app, client_request, admin):
    with app.app_context():
        keighley = db.session.scalar(select(Area).where(Area.slug == "keighley")).id
        make_submission(area="keighley")
    client_request.get(f"/admin/areas/{keighley}")
    client_request.post(f"/admin/areas/{keighley}", {"name": "Keighley and Worth Valley", "position": "4"})
    client_request.get(f"/admin/areas/{keighley}")
    client_request.post(f"/admin/areas/{keighley}/remove")
    with app.app_context():
        assert db.session.get(Area, keighley).name == "Keighley and Worth Valley"
    assert _audit(app, "area.changed")[0].after["name"] == "Keighley and Worth Valley"
    assert not _audit(app, "area.removed")


def test_the_target_answer_time_changes_due_dates_of_new_items(app, client_request, admin):
    client_request.get("/admin/settings/target_answer_working_days", expected_title="Target answer time")
    for bad, message in (("abc", "as a whole number"), ("0", "between 1 and 120"), ("-5", "between 1 and 120"),
                         ("99999999999", "Enter a whole number"), ("1e3", "as a whole number")):
        page = client_request.post("/admin/settings/target_answer_working_days", {"value": bad}, expected_status=200)
        assert message in page.get_text(), bad
    with app.app_context():
        assert db.session.get(Setting, "target_answer_working_days").value == "20"
    client_request.post("/admin/settings/target_answer_working_days", {"value": "10"})
    with app.app_context():
        from portal.feedback.services import target_working_days

        assert target_working_days() == 10
    event = _audit(app, "setting.changed")[0]
    assert (event.before, event.after) == ({"value": "20"}, {"value": "10"})


def test_the_group_cannot_be_made_smaller_than_the_seats_held(app, client_request, admin):
    with app.app_context():
        for area in ("bradford-east", "bradford-west", "bradford-south", "keighley", "shipley"):
            fill(area, members=4)
        fill("equalities-forum", members=6)
    client_request.get("/admin/settings/advisory_group_size")
    page = client_request.post("/admin/settings/advisory_group_size", {"value": "25"}, expected_status=200)
    assert "26 seats are held by members or outstanding offers" in page.get_text()
    page = client_request.post("/admin/settings/advisory_seats_per_area", {"value": "3"}, expected_status=200,
                               token_from="/admin/settings/advisory_seats_per_area")
    assert "each area needs at least 4" in page.get_text()
    page = client_request.post("/admin/settings/advisory_seats_per_area", {"value": "7"}, expected_status=200)
    assert "would be more than the group's 32 seats" in page.get_text()
    client_request.post("/admin/settings/advisory_group_size", {"value": "40"})
    public = app.test_client().get("/advisory-group").get_data(as_text=True)
    assert "of 15" in public  # the Equalities Forum's seats: 40 - 5 x 5


def test_a_setting_fixed_by_configuration_cannot_be_changed_on_screen(app, client_request, admin, monkeypatch):
    monkeypatch.setitem(app.config, "ADVISORY_GROUP_SIZE", 20)
    page = client_request.get("/admin/settings/advisory_group_size")
    assert "sets this to 20" in page.get_text() and not page.select("input[name=value]")
    client_request.client.post("/admin/settings/advisory_group_size", data={"value": "30"})
    with app.app_context():
        assert db.session.get(Setting, "advisory_group_size").value == "32"


def test_a_new_area_is_refused_when_the_equalities_forum_would_lose_held_seats(app, client_request, admin):
    with app.app_context():
        fill("equalities-forum", members=5)  # 32 - 5 x 6 areas would leave it 2
    client_request.get("/admin/areas/new", expected_title="Add an area")
    page = client_request.post("/admin/areas/new", {"name": "Ilkley", "position": "6"}, expected_status=200)
    assert "the Equalities Forum would have 2 seats but 5 are held" in page.get_text()
    with app.app_context():
        assert db.session.scalar(select(Area).where(Area.name == "Ilkley")) is None
    client_request.post("/admin/settings/advisory_group_size", {"value": "40"},
                        token_from="/admin/settings/advisory_group_size")
    client_request.post("/admin/areas/new", {"name": "Ilkley", "position": "6"}, token_from="/admin/areas/new")
    assert "of 5" in app.test_client().get("/advisory-group").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Area).where(Area.name == "Ilkley")).slug == "ilkley"
