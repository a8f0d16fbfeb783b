"""The real migrations, on a database of their own (SQLite, or a fresh PostgreSQL
database beside the test one): the models and the migrations describe the same schema,
and the moderation-core migration carries existing feedback across with its ids."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal.extensions import db

BEFORE_MODERATION_CORE = "7d180df9d9db"


@pytest.fixture
def empty_database(database_url, tmp_path):
    """The URL of a new, empty database of the same kind as the test database."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"yp_migrations_{uuid.uuid4().hex[:8]}"
    server = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_migrations_and_models_describe_the_same_schema(make_app, empty_database):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_every_migration_goes_down_to_an_empty_database_and_up_again(make_app, empty_database):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            left = [name for name in db.inspect(connection).get_table_names() if name != "alembic_version"]
        assert left == []
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_feedback_moves_to_its_moderation_record_and_back(make_app, empty_database):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        upgrade(revision=BEFORE_MODERATION_CORE)
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO staff_user (id, email, display_name, role, password_hash, totp_confirmed, last_totp_step,"
                " failed_attempts, active, created_at) VALUES (1, 'mod@staff.test', 'M', 'moderator', 'x', false, 0, 0,"
                " true, '2026-11-01 09:00:00')"))
            connection.execute(text(
                "INSERT INTO submission (id, reference, draft_token, audience, channel, area_choice, body, status,"
                " safeguarding_state, public_text, created_at, due_on) VALUES (41, 'ABCDEFGH', 'draft-41', 'young_person',"
                " 'online', 'area', 'More buses please', 'in_review', 'none', 'More buses', '2026-11-01 10:00:00',"
                " '2026-11-27')"))
            connection.execute(text(
                "INSERT INTO moderation_note (submission_id, author_id, body, created_at)"
                " VALUES (41, 1, 'Asked the bus team', '2026-11-02 10:00:00')"))
        upgrade()
        with db.engine.connect() as connection:
            item = connection.execute(text(
                "SELECT kind, audience, status, public_text, due_on FROM moderation_item WHERE id = 41")).one()
            note = connection.execute(text("SELECT item_id, body FROM moderation_note")).one()
            body = connection.execute(text("SELECT body FROM submission WHERE id = 41")).scalar_one()
        assert (item.kind, item.audience, item.status, item.public_text) == ("feedback", "young_person", "in_review", "More buses")
        assert str(item.due_on).startswith("2026-11-27")
        assert tuple(note) == (41, "Asked the bus team") and body == "More buses please"

        # A new item after the migration takes the next id, on both databases.
        from portal.feedback.models import Submission
        from tests.support.factories import make_submission

        fresh = make_submission("A new message", commit=True)
        assert fresh.id > 41 and isinstance(db.session.get(Submission, 41), Submission)
        db.session.remove()

        downgrade(revision=BEFORE_MODERATION_CORE)
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT status, public_text FROM submission WHERE id = 41")).one()
            assert tuple(row) == ("in_review", "More buses")
            assert connection.execute(text("SELECT submission_id FROM moderation_note")).scalar_one() == 41
