"""Counting SQL statements sent through a SQLAlchemy Engine (budget: ≤ 6 per public page)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

T = TypeVar("T")

# Transaction bookkeeping and connection pragmas are not the page's queries.
_IGNORED = re.compile(r"^\s*(SAVEPOINT|RELEASE|BEGIN|COMMIT|ROLLBACK|PRAGMA)\b", re.IGNORECASE)


class QueryCounter:
    """Context manager recording each SQL statement executed on ``engine``.

    ``executemany`` batches count once, as they are one round trip.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []
        self._lock = threading.Lock()
        self._listening = False

    @property
    def count(self) -> int:
        return len(self.statements)

    def _before_cursor_execute(self, conn: Any, cursor: Any, statement: str,
                               parameters: Any, context: Any, executemany: bool) -> None:
        if _IGNORED.match(statement):
            return
        with self._lock:
            self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._before_cursor_execute)
        self._listening = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._listening:
            event.remove(self.engine, "before_cursor_execute", self._before_cursor_execute)
            self._listening = False

    def format(self) -> str:
        """The numbered statements, one paragraph each."""
        return "\n".join(f"  {i}. {' '.join(s.split())}" for i, s in enumerate(self.statements, 1))


def _check(counter: QueryCounter, n: int, what: str) -> None:
    if counter.count > n:
        raise AssertionError(f"{what} ran {counter.count} SQL statements, at most {n} allowed:\n{counter.format()}")


@contextmanager
def max_queries(engine: Engine, n: int, what: str = "the block") -> Iterator[QueryCounter]:
    """``with max_queries(db.engine, 6): client.get("/")`` fails listing statements if over n."""
    with QueryCounter(engine) as counter:
        yield counter
    _check(counter, n, what)


def assert_max_queries(engine: Engine, n: int, fn: Callable[[], T]) -> T:
    """Call ``fn()``; fail listing the statements if it ran more than ``n``. Returns its result."""
    with QueryCounter(engine) as counter:
        result = fn()
    _check(counter, n, getattr(fn, "__name__", "the call"))
    return result
