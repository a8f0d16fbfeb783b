"""A throw-away second kind of item, "petition", for tests of the moderation core.

Its own table sits in a separate MetaData, so the real migrations and the schema
checks never see it; the `petitions` fixture creates it, registers the kind, and
removes both afterwards. No moderation code knows it exists.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Text, delete

from portal.moderation.models import ModerationItem, ModerationNote, SafeguardingAction
from portal.timeutil import add_working_days

throwaway_metadata = MetaData()
petition_table = Table(
    "test_petition",
    throwaway_metadata,
    Column("id", Integer, ForeignKey(ModerationItem.__table__.c.id), primary_key=True),
    Column("wording", Text, nullable=False),
)


class Petition(ModerationItem):
    __table__ = petition_table
    __mapper_args__ = {"polymorphic_identity": "petition", "polymorphic_load": "selectin"}

    @property
    def display_reference(self) -> str:
        return f"PET-{self.id}"

    @property
    def original_text(self) -> str:
        return self.wording


def petition_kind():
    from portal.moderation.kinds import Kind

    return Kind(
        name="petition",
        label="Petition",
        model=Petition,
        audit_type="petition",
        due_on=lambda day: add_working_days(day, 10),
        filters=("area", "audience"),
        actions=("review", "hide", "restore", "flag", "clear_flag", "note"),
        search_columns=(petition_table.c.wording,),
    )


def make_petition(session, wording: str, *, minutes_ago: int = 0, **state) -> Petition:
    created = datetime.now(UTC) - timedelta(days=3, minutes=minutes_ago)
    petition = Petition(wording=wording, audience=state.pop("audience", "adult"), created_at=created,
                        due_on=petition_kind().due_on(created.date()), **state)
    session.add(petition)
    return petition


def drop_petitions(engine) -> None:
    with engine.begin() as connection:
        ids = [row[0] for row in connection.execute(petition_table.select().with_only_columns(petition_table.c.id))]
        connection.execute(delete(petition_table))
        if ids:
            for model in (ModerationNote, SafeguardingAction):
                connection.execute(delete(model.__table__).where(model.__table__.c.item_id.in_(ids)))
            connection.execute(delete(ModerationItem.__table__).where(ModerationItem.__table__.c.id.in_(ids)))
    petition_table.drop(engine, checkfirst=True)
