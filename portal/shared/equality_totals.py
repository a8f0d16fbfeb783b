"""Equality totals: what is left of equality answers once their period has passed.

The privacy notice says equality answers are kept for 5 years (RETENTION_EQUALITY_YEARS)
and that after that only totals are kept. The retention job deletes each answer row with
DELETE … RETURNING and adds what it held to these counts in the same transaction, so a
row is counted exactly once however many jobs run at once.
"""

from collections import Counter

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class EqualityTotal(db.Model):
    """How many people gave one answer to one question, by where it came from and year."""

    __tablename__ = "equality_total"
    __table_args__ = (UniqueConstraint("source", "year", "question", "answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # "feedback" or "advisory"
    year: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(Integer, default=0)


def add_to_totals(source: str, rows: list[tuple[int, dict]]) -> None:
    """Count each (year, {question: answer}) into the totals, in the caller's transaction.
    Unanswered questions count as "not answered", so each question's totals add up."""
    counts = Counter()
    for year, answers in rows:
        for question, answer in answers.items():
            counts[(year, question, (answer or "not_answered")[:200])] += 1
    if not counts:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for (year, question, answer), n in sorted(counts.items()):
        statement = insert(EqualityTotal).values(source=source, year=year, question=question, answer=answer, count=n)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["source", "year", "question", "answer"],
            set_={"count": EqualityTotal.count + statement.excluded.count},
        ))
