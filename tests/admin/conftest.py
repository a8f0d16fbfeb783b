"""Admin tests change the reference data every other test starts from (themes, areas,
settings): each puts them back as seeded afterwards."""

import pytest
from sqlalchemy import delete

from portal.core.models import Area, Setting, Theme
from portal.extensions import db
from tests.conftest import reset_database


@pytest.fixture(autouse=True)
def _reseed_reference_data(app):
    yield
    reset_database(app)  # items first: they point at themes and areas
    with app.app_context():
        for model in (Setting, Theme, Area):
            db.session.execute(delete(model))
        db.session.commit()
    reset_database(app)  # seeds them again, as a fresh install has them
