"""Results and integrity for the idea board, for staff: published ideas and their supports
counted by theme, area, audience and channel (with small groups hidden), the chart and the
CSV download of the same figures, and the bursts of supports a moderator may void.

Small groups. Any figure for fewer than `SUPPRESS_BELOW` people is shown as "fewer than
10", never as its number. Hiding those alone is not enough: other figures are sums of them
(a theme's total is the sum of its areas; the chart's "at events" the sum of the events and
its bars verified plus not verified), and some sums are public anyway (each idea's tallies,
and where and from whom it came, are on the board). So every figure at every level of
grouping is worked out once, and in every sum a hidden figure must not be the only unknown
(public figures, and all that follows from them, count as known), nor may the unknown parts
of a known total add up to 1-9; while one does, the smallest part still shown is hidden too
("hidden"). The pattern is one for all groupings, so no choice of grouping shows a figure
another hides. On the page, a totals row that would give a hidden row back by subtraction is
hidden as well.

Bursts. Supports that arrive faster than people do: from one client address, from one
event, or on one idea, at least N within a short window (the constants below). They are
listed for a person to judge; nothing is voided automatically. A burst is found with SQL
grouping on time buckets (a window of W minutes lies within two buckets of W minutes, so one
of them holds at least half of it), then exactly, in Python, over the rows around such
buckets only.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, Integer, and_, case, cast, false, func, or_, select, update

from portal.core.models import ordered_areas, ordered_themes
from portal.extensions import db
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.ideas import services
from portal.ideas.models import Event, Idea, IdeaSupport, VoidedBurst
from portal.moderation.models import AUDIENCES
from portal.staff import audit
from portal.timeutil import UK, as_aware, uk_date, utcnow

SUPPRESS_BELOW = 10

DIMENSIONS = ("theme", "area", "audience", "channel")
DIMENSION_LABELS = {"theme": N_("Theme"), "area": N_("Area"), "audience": N_("Audience"), "channel": N_("Channel")}
MEASURES = ("ideas", "verified", "unverified", "voided")
MEASURE_LABELS = {
    "ideas": N_("Ideas"),
    "verified": N_("Supports verified"),
    "unverified": N_("Supports not verified"),
    "voided": N_("Supports voided"),
}
# The page's short column headings under "Supports by group" (the CSV says it in full).
COLUMN_LABELS = {"verified": N_("Verified"), "unverified": N_("Not verified"), "voided": N_("Voided")}
UNKNOWN_AUDIENCE = "unknown"
ONLINE = "online"
# In a figure's key (measure, theme, area, audience, channel): a dimension added up, every
# event together (the chart's "at events"), and verified and not verified together.
ALL = "*"
EVENTS = "events"
LIVE = "live"
_PLACE = {dim: place for place, dim in enumerate(DIMENSIONS, start=1)}
_CHANNEL = _PLACE["channel"]

# ---- bursts: what counts as one (a moderator judges each; tune here) ------------------

ADDRESS_BURST, ADDRESS_WINDOW = 25, timedelta(minutes=10)
EVENT_BURST, EVENT_WINDOW = 60, timedelta(minutes=10)
IDEA_BURST, IDEA_WINDOW = 50, timedelta(minutes=5)
LOOK_BACK = timedelta(days=30)


@dataclass(frozen=True)
class BurstRule:
    kind: str  # address / event / idea: what the supports share
    size: int  # at least this many supports…
    window: timedelta  # …within this long
    label: str
    hint: str

    @property
    def column(self):
        return {"address": IdeaSupport.client, "event": IdeaSupport.event_id, "idea": IdeaSupport.idea_id}[self.kind]

    @property
    def minutes(self) -> int:
        return int(self.window.total_seconds() // 60)


BURST_RULES = {
    "address": BurstRule("address", ADDRESS_BURST, ADDRESS_WINDOW, N_("From one address"),
                         N_("%(size)s or more supports from one network address within %(minutes)s minutes")),
    "event": BurstRule("event", EVENT_BURST, EVENT_WINDOW, N_("From one event"),
                       N_("%(size)s or more supports at one event within %(minutes)s minutes")),
    "idea": BurstRule("idea", IDEA_BURST, IDEA_WINDOW, N_("On one idea in a short time"),
                      N_("%(size)s or more supports on one idea within %(minutes)s minutes")),
}


# ---- figures and which may be shown --------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure as it may be shown: the number, or why it is not (it keeps no number then)."""

    shown: int | None
    state: str = "shown"  # shown / small (fewer than 10) / hidden (so a small one cannot be worked out)

    @classmethod
    def of(cls, value: int, hidden: bool = False) -> Figure:
        if 0 < value < SUPPRESS_BELOW:
            return cls(None, "small")
        if hidden:
            return cls(None, "hidden")
        return cls(value)

    @property
    def text(self) -> str:
        if self.state == "small":
            return _("fewer than %(n)s", n=SUPPRESS_BELOW)
        if self.state == "hidden":
            return _("hidden")
        return f"{self.shown:,}"

    @property
    def csv_value(self):
        return self.shown if self.state == "shown" else self.text


def figures_at_every_level(counts: list) -> Counter:
    """{(measure, theme, area, audience, channel): n} for every grouping the table offers,
    and the chart's figures (each theme's supports online, at events and in all, verified
    or not), from the fine counts [(theme, area, audience, channel), measure, n]."""
    values: Counter = Counter()
    for key, measure, n in counts:
        if not n:
            continue
        for combo in itertools.product(*[(value, ALL) for value in key]):
            values[(measure, *combo)] += n
        if measure in ("verified", "unverified"):
            theme, channel = key[0], key[_CHANNEL - 1]
            kind = ONLINE if channel == ONLINE else EVENTS
            if kind == EVENTS:
                values[(measure, theme, ALL, ALL, EVENTS)] += n
            values[(LIVE, theme, ALL, ALL, kind)] += n
            values[(LIVE, theme, ALL, ALL, ALL)] += n
    return values


def _sums(values: Counter) -> list[tuple[tuple, tuple]]:
    """Every figure that is the sum of others, with its parts."""
    sums = defaultdict(list)
    for key in values:
        measure, theme, area, audience, channel = key
        if measure == LIVE or channel == EVENTS:
            continue  # the chart's own figures: below
        for place in range(1, len(DIMENSIONS) + 1):
            if key[place] != ALL:
                sums[key[:place] + (ALL,) + key[place + 1:], place].append(key)  # all = each value in turn
        every_event = (measure, theme, ALL, ALL, EVENTS)
        if channel not in (ALL, ONLINE) and area == audience == ALL and every_event in values:
            sums[every_event, "events"].append(key)  # a theme's "at events" = each event
    for key in values:
        measure, theme = key[0], key[1]
        if measure != LIVE:
            continue
        # The chart: a theme's supports = online + at events, and = verified + not verified.
        if key[_CHANNEL] == ALL:
            for counted in ("verified", "unverified", LIVE):
                sums[(counted, *key[1:]), "channels"] = [
                    part for part in [(counted, theme, ALL, ALL, ONLINE), (counted, theme, ALL, ALL, EVENTS)]
                    if part in values]
        sums[key, "measures"] = [part for part in [("verified", *key[1:]), ("unverified", *key[1:])] if part in values]
    return [(total, tuple(parts)) for (total, _how), parts in sums.items() if parts and total in values]


def _public(key: tuple) -> bool:
    """Figures anyone can add up from the public board: each idea's tallies (so those by
    theme and area), and for ideas where (online or at an event) and from whom they came."""
    measure, _theme, _area, audience, channel = key
    if measure == "ideas":
        return channel in (ALL, ONLINE)
    return audience == ALL and channel == ALL


def _to_hide(total, parts, values, unknown: set, shown: set) -> tuple | None:
    """A figure to hide so that this sum gives no hidden figure away, or None. `unknown`:
    figures hidden and not worked out from the public board anyway; `shown`: figures on show
    that the board does not give away (the only ones worth hiding)."""
    hidden_parts = [key for key in parts if key in unknown]
    if total in unknown:
        if hidden_parts:
            return None  # two unknowns or more
    elif len(hidden_parts) != 1 and not 0 < sum(values[key] for key in hidden_parts) < SUPPRESS_BELOW:
        return None
    candidates = [key for key in parts if key in shown]
    if (total[0] == LIVE or not candidates) and total in shown:
        candidates.append(total)
    # The chart's own figures (verified and not added up) go first, then the smallest.
    return min(candidates, key=lambda key: (key[0] != LIVE, values[key]), default=None)


def _containing(sums: list) -> dict:
    containing = defaultdict(list)
    for index, (total, parts) in enumerate(sums):
        for key in (total, *parts):
            containing[key].append(index)
    return containing


def _worked_out(sums: list, containing: dict, known: set) -> set:
    """`known` and every figure that follows from it: the one unknown in a sum is known."""
    known = set(known)
    waiting = deque(range(len(sums)))
    while waiting:
        total, parts = sums[waiting.popleft()]
        missing = [key for key in (total, *parts) if key not in known]
        if len(missing) == 1:
            known.add(missing[0])
            waiting.extend(containing[missing[0]])
    return known


def protect(values: Counter, public=_public) -> set[tuple]:
    """The figures not to show: every one of 1-9, and enough others that no sum of them
    gives one away to someone who also reads the public board. (What the board gives away
    by itself, such as a theme and area with one group only, nothing here can protect.)"""
    hidden = {key for key, value in values.items() if 0 < value < SUPPRESS_BELOW}
    sums = _sums(values)
    containing = _containing(sums)
    known = _worked_out(sums, containing, {key for key in values if public(key)})
    unknown = hidden - known
    shown = set(values) - hidden - known
    waiting, queued = deque(range(len(sums))), set(range(len(sums)))
    while waiting:
        index = waiting.popleft()
        queued.discard(index)
        key = _to_hide(*sums[index], values, unknown, shown)
        if key is not None:
            hidden.add(key)
            unknown.add(key)
            shown.discard(key)
            # Every sum it is part of may need more now, this one included.
            for other in containing[key]:
                if other not in queued:
                    waiting.append(other)
                    queued.add(other)
    return hidden


def total_gives_away(rows: list[tuple], values: Counter, hidden: set) -> bool:
    """Would this totals row let a reader of the page alone work out a hidden row? (Totals
    are on the public board anyway, so this hides nothing anyone could not add up there.)"""
    unknown = [key for key in rows if key in hidden]
    return len(unknown) == 1 or 0 < sum(values[key] for key in unknown) < SUPPRESS_BELOW


# ---- what the figures are counted by -------------------------------------------------


def _audience_key(audience: str | None) -> str:
    return audience if audience in AUDIENCES else UNKNOWN_AUDIENCE


def _channel_key(channel: str | None, event_id: int | None) -> str:
    if channel == "event" or event_id is not None:
        return f"event:{event_id or ''}"
    return ONLINE


def _counts() -> list:
    """Two grouped queries, whatever the number of rows: published ideas, and the supports
    on them, by (theme, area, audience, channel). Returns [(key, measure, n)]."""
    ideas = db.session.execute(
        select(Idea.theme_id, Idea.area_id, Idea.audience, Idea.channel, Idea.event_id, func.count())
        .where(services.published())
        .group_by(Idea.theme_id, Idea.area_id, Idea.audience, Idea.channel, Idea.event_id)
    )
    counts = [((theme, area, _audience_key(audience), _channel_key(channel, event)), "ideas", n)
              for theme, area, audience, channel, event, n in ideas]
    live = IdeaSupport.voided_at.is_(None)

    def tally(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    supports = db.session.execute(
        select(Idea.theme_id, Idea.area_id, IdeaSupport.audience, IdeaSupport.channel, IdeaSupport.event_id,
               tally(and_(live, IdeaSupport.verified_at.is_not(None))),
               tally(and_(live, IdeaSupport.verified_at.is_(None))),
               tally(IdeaSupport.voided_at.is_not(None)))
        .select_from(IdeaSupport).join(Idea, Idea.id == IdeaSupport.idea_id)
        .where(services.published())
        .group_by(Idea.theme_id, Idea.area_id, IdeaSupport.audience, IdeaSupport.channel, IdeaSupport.event_id)
    )
    for theme, area, audience, channel, event, verified, unverified, voided in supports:
        key = (theme, area, _audience_key(audience), _channel_key(channel, event))
        counts += [(key, "verified", verified), (key, "unverified", unverified), (key, "voided", voided)]
    return counts


class _Labels:
    """Names and order for each dimension's values: three small queries (two when the
    caller has the themes already)."""

    def __init__(self, event_ids: set[int], themes: list | None = None):
        themes, areas = themes if themes is not None else ordered_themes(), ordered_areas()
        self.theme_ids = {theme.slug: theme.id for theme in themes}
        events = db.session.execute(
            select(Event.id, Event.name, Event.held_on).where(Event.id.in_(sorted(event_ids)))
            .order_by(Event.held_on, Event.name, Event.id)
        ).all()
        self.names = {
            "theme": {theme.id: theme.local_name for theme in themes},
            "area": {area.id: area.local_name for area in areas},
            "audience": {**{key: _(label) for key, label in AUDIENCES.items()}, UNKNOWN_AUDIENCE: _("Not known")},
            "channel": {ONLINE: _("Online"),
                        **{f"event:{ident}": _("%(event)s, %(date)s", event=name, date=uk_date(held_on))
                           for ident, name, held_on in events}},
        }
        self.positions = {
            "theme": {theme.id: n for n, theme in enumerate(themes)},
            "area": {area.id: n for n, area in enumerate(areas)},
            "audience": {key: n for n, key in enumerate([*AUDIENCES, UNKNOWN_AUDIENCE])},
            "channel": {ONLINE: -1, **{f"event:{ident}": n for n, (ident, _name, _day) in enumerate(events)}},
        }

    def label(self, dim: str, value) -> str:
        if value is None:
            return _("No area") if dim == "area" else _("No theme")
        fallback = _("An event no longer listed") if dim == "channel" else str(value)
        return self.names[dim].get(value, fallback)

    def order(self, dim: str, value) -> int:
        return self.positions[dim].get(value, 10**6)


# ---- the results page, the chart and the CSV -----------------------------------------


@dataclass(frozen=True)
class ResultsOptions:
    """What the person asked for in the query string: which dimensions to group by (any of
    the four, in their fixed order), and one theme or all. Anything unknown is ignored."""

    by: tuple[str, ...] = DIMENSIONS
    theme: str = ""

    @classmethod
    def read(cls, args, theme_slugs) -> ResultsOptions:
        # The form sends grouped=1, so ticking no box at all means "no grouping", while a bare
        # link gets every dimension.
        if args.get("grouped") == "1" or "by" in args:
            chosen = set(args.getlist("by")[:10])
            by = tuple(dim for dim in DIMENSIONS if dim in chosen)
        else:
            by = DIMENSIONS
        theme = (args.get("theme") or "").strip()
        return cls(by=by, theme=theme if theme in set(theme_slugs) else "")

    def query_args(self) -> dict:
        args = {"grouped": "1", "by": list(self.by)}
        if self.theme:
            args["theme"] = self.theme
        return args


@dataclass
class ResultRow:
    labels: tuple[str, ...]
    figures: dict[str, Figure]


@dataclass
class ChartBar:
    theme: str
    online: Figure
    events: Figure
    online_width: float = 0.0
    events_width: float = 0.0


@dataclass
class Results:
    by: tuple[str, ...]
    rows: list[ResultRow]
    totals: dict[str, Figure]
    chart: list[ChartBar] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [_(DIMENSION_LABELS[dim]) for dim in self.by]


def results(options: ResultsOptions, themes: list | None = None) -> Results:
    """The figures for the page and the CSV: the same few statements however many rows."""
    counts = _counts()
    event_ids = {int(key[3][6:]) for key, _m, _n in counts if key[3][6:].isdigit()}
    labels = _Labels(event_ids, themes)
    values = figures_at_every_level(counts)
    hidden = protect(values)

    def figure(key: tuple) -> Figure:
        return Figure.of(values.get(key, 0), key in hidden)

    # The figures asked for: the grouped dimensions as themselves, the others added up (the
    # theme as the one chosen, if one was).
    theme_id = labels.theme_ids.get(options.theme) if options.theme else None
    fixed = {"theme": theme_id} if theme_id is not None else {}
    places = [_PLACE[dim] for dim in options.by]

    def asked_for(key: tuple) -> bool:
        for dim, place in _PLACE.items():
            if dim in fixed and key[place] != fixed[dim]:
                return False
            if dim in options.by and key[place] in (ALL, EVENTS):
                return False
            if dim not in options.by and dim not in fixed and key[place] != ALL:
                return False
        return True

    groups = {tuple(key[place] for place in places) for key in values if key[0] in MEASURES and asked_for(key)}

    def full_key(measure: str, group: tuple) -> tuple:
        key = [measure, *[fixed.get(dim, ALL) for dim in DIMENSIONS]]
        for place, value in zip(places, group, strict=True):
            key[place] = value
        return tuple(key)

    ordered = sorted(groups, key=lambda group: [labels.order(dim, value)
                                                for dim, value in zip(options.by, group, strict=True)])
    rows = [ResultRow(labels=tuple(labels.label(dim, value) for dim, value in zip(options.by, group, strict=True)),
                      figures={measure: figure(full_key(measure, group)) for measure in MEASURES})
            for group in ordered]
    # The totals row: the grouped dimensions added up (on the public board, but not to be
    # used on this page to work out a hidden row).
    totals = {}
    for measure in MEASURES:
        total = (measure, *[fixed.get(dim, ALL) for dim in DIMENSIONS])
        page_hidden = bool(places) and total_gives_away([full_key(measure, group) for group in groups], values, hidden)
        totals[measure] = Figure.of(values.get(total, 0), total in hidden or page_hidden)
    return Results(by=options.by, rows=rows, totals=totals, chart=_chart(values, figure, labels))


# The chart's drawing: a 320-unit-wide picture (it scales to its box), one bar per theme.
CHART_WIDTH = 320
CHART_BAR_MAX = 300
CHART_ROW = 60
CHART_TOP = 34


def _chart(values: Counter, figure, labels: _Labels) -> list[ChartBar]:
    """Supports (verified or not, not voided) by theme, online and at events: figures from
    the same protected set as the table. Bars are scaled by figures shown only, so a bar's
    length never tells a hidden figure."""
    themes = sorted({key[1] for key in values if key[0] == LIVE and key[1] != ALL},
                    key=lambda theme: labels.order("theme", theme))
    bars = [ChartBar(labels.label("theme", theme), figure((LIVE, theme, ALL, ALL, ONLINE)),
                     figure((LIVE, theme, ALL, ALL, EVENTS)))
            for theme in themes]
    longest = max([(bar.online.shown or 0) + (bar.events.shown or 0) for bar in bars] + [1])
    for bar in bars:
        bar.online_width = round(CHART_BAR_MAX * (bar.online.shown or 0) / longest, 1)
        bar.events_width = round(CHART_BAR_MAX * (bar.events.shown or 0) / longest, 1)
    return bars


def chart_height(bars: list[ChartBar]) -> int:
    return CHART_TOP + CHART_ROW * len(bars)


def chart_description(bars: list[ChartBar]) -> str:
    """The chart's figures in words, for its <desc> (what a screen reader reads)."""
    parts = [_("%(theme)s: %(online)s online, %(events)s at events.", theme=bar.theme,
               online=bar.online.text, events=bar.events.text) for bar in bars]
    return " ".join([_("Supports on published ideas, not counting voided ones, by theme: online and at events."), *parts])


# ---- CSV -----------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell a spreadsheet will not run: text starting like a formula gets an apostrophe
    (event names are typed by facilitators)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def results_csv(found: Results) -> str:
    """The same figures as the page, with the same cells hidden; a BOM so Excel reads UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(text) for text in [*found.headers, *(_(MEASURE_LABELS[m]) for m in MEASURES)]])
    for row in found.rows:
        writer.writerow([csv_cell(cell) for cell in [*row.labels, *(row.figures[m].csv_value for m in MEASURES)]])
    if found.by:
        writer.writerow([csv_cell(cell) for cell in [_("All groups"), *[""] * (len(found.by) - 1),
                                                     *(found.totals[m].csv_value for m in MEASURES)]])
    return "\ufeff" + out.getvalue()


# ---- bursts --------------------------------------------------------------------------


@dataclass
class SupportRow:
    id: int
    key: object
    created_at: datetime
    idea_id: int
    voided: bool


@dataclass
class Burst:
    kind: str
    key: str
    rows: list[SupportRow]
    subject: str = ""  # what the key is, in words: an address, an event's name, an idea's title
    ideas: list[tuple[str, int]] = field(default_factory=list)  # (title, supports in the burst)

    @property
    def rule(self) -> BurstRule:
        return BURST_RULES[self.kind]

    @property
    def start(self) -> datetime:
        return self.rows[0].created_at

    @property
    def end(self) -> datetime:
        return self.rows[-1].created_at

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def start_uk(self) -> datetime:
        return as_aware(self.start).astimezone(UK)

    @property
    def end_uk(self) -> datetime:
        return as_aware(self.end).astimezone(UK)

    @property
    def voided(self) -> int:
        return sum(row.voided for row in self.rows)

    @property
    def idea_ids(self) -> set[int]:
        return {row.idea_id for row in self.rows}

    @property
    def ident(self) -> str:
        """What the void form sends back: enough to find the same rows again, nothing trusted."""
        return f"{self.kind}:{self.key}:{_micros(self.start)}:{_micros(self.end)}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CLIENT = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DIGITS = re.compile(r"[0-9]{1,18}")


def _micros(moment: datetime) -> int:
    return (as_aware(moment) - _EPOCH) // timedelta(microseconds=1)


def _time_bucket(column, seconds: int):
    """Whole `seconds`-long buckets since 1970, in SQLite and in PostgreSQL (whole-number
    arithmetic: PostgreSQL's numeric division is several times slower)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # The cast rounds to the nearest second: `_stretches` allows a second either side.
        return cast(func.extract("epoch", column), BigInteger) // seconds
    return cast(func.strftime("%s", column), Integer) // seconds


def _stretches(rule: BurstRule, since: datetime) -> list[tuple]:
    """(key, from, to): the time around each bucket holding at least half a burst, joined up
    where they meet. Only there can a burst be, so only those rows are read."""
    seconds = int(rule.window.total_seconds())
    bucket = _time_bucket(IdeaSupport.created_at, seconds)
    statement = (select(rule.column, bucket).where(IdeaSupport.created_at >= since, rule.column.is_not(None))
                 .group_by(rule.column, bucket).having(func.count() >= math.ceil(rule.size / 2)))
    if rule.kind == "address":
        statement = statement.where(IdeaSupport.client != "")
    stretches = []
    for key, number in sorted(db.session.execute(statement).all()):
        begins = _EPOCH + timedelta(seconds=(number - 1) * seconds - 1)
        ends = _EPOCH + timedelta(seconds=(number + 2) * seconds + 1)
        if stretches and stretches[-1][0] == key and begins <= stretches[-1][2]:
            stretches[-1] = (key, stretches[-1][1], ends)
        else:
            stretches.append((key, begins, ends))
    return stretches


MAX_STRETCHES = 100  # beyond this, read the keys' rows whole rather than send a very long query


def _rows_in(rule: BurstRule, stretches: list[tuple], since: datetime) -> list[SupportRow]:
    """The supports in those stretches, by key and time. Run even when there are none, so
    the page's statements stay the same in number."""
    column, created = rule.column, IdeaSupport.created_at
    if not stretches:
        where = false()
    elif len(stretches) <= MAX_STRETCHES:
        where = or_(*(and_(column == key, created >= begins, created < ends) for key, begins, ends in stretches))
    else:
        where = column.in_(sorted({key for key, _begins, _ends in stretches}))
    found = db.session.execute(
        select(IdeaSupport.id, column, created, IdeaSupport.idea_id, IdeaSupport.voided_at)
        .where(where, created >= since).order_by(column, created, IdeaSupport.id)
    )
    return [SupportRow(ident, key, as_aware(moment), idea_id, voided is not None)
            for ident, key, moment, idea_id, voided in found]


def _bursts_in(rule: BurstRule, rows: list[SupportRow]) -> list[Burst]:
    """Slide a window of `rule.size` supports along each key's rows in time order: where they
    all fall within the window, they are part of a burst; overlapping runs join up."""
    by_key = defaultdict(list)
    for row in rows:
        by_key[row.key].append(row)
    bursts = []
    for key, key_rows in by_key.items():
        low = high = None
        for first in range(len(key_rows) - rule.size + 1):
            last = first + rule.size - 1
            if key_rows[last].created_at - key_rows[first].created_at >= rule.window:
                continue
            if high is not None and first <= high:
                high = last
                continue
            if low is not None:
                bursts.append(Burst(rule.kind, str(key), key_rows[low:high + 1]))
            low, high = first, last
        if low is not None:
            bursts.append(Burst(rule.kind, str(key), key_rows[low:high + 1]))
    return bursts


def find_bursts(now: datetime | None = None) -> list[Burst]:
    """Every burst of the last `LOOK_BACK`, newest first, with what each is about: a fixed
    number of statements (two per kind, then titles and events)."""
    since = (now or utcnow()) - LOOK_BACK
    bursts = []
    for rule in BURST_RULES.values():
        bursts += _bursts_in(rule, _rows_in(rule, _stretches(rule, since), since))
    _describe(bursts)
    return sorted(bursts, key=lambda burst: (burst.start, burst.kind), reverse=True)


def _describe(bursts: list[Burst]) -> None:
    idea_ids = {ident for burst in bursts for ident in burst.idea_ids}
    titles = dict(db.session.execute(
        select(Idea.id, func.coalesce(Idea.public_title, Idea.title)).where(Idea.id.in_(sorted(idea_ids)))).all())
    event_ids = sorted({int(burst.key) for burst in bursts if burst.kind == "event"})
    events = {str(ident): (name, held_on) for ident, name, held_on in db.session.execute(
        select(Event.id, Event.name, Event.held_on).where(Event.id.in_(event_ids)))}
    for burst in bursts:
        per_idea = Counter(row.idea_id for row in burst.rows)
        burst.ideas = sorted(((titles.get(ident, _("An idea no longer listed")), n) for ident, n in per_idea.items()),
                             key=lambda pair: (-pair[1], pair[0]))
        if burst.kind == "address":
            burst.subject = _("Address %(short)s…", short=burst.key[:8])
        elif burst.kind == "event":
            name, held_on = events.get(burst.key, (_("An event no longer listed"), None))
            burst.subject = _("%(event)s, %(date)s", event=name, date=uk_date(held_on)) if held_on else name
        else:
            burst.subject = titles.get(int(burst.key), _("An idea no longer listed"))


class UnknownBurst(Exception):
    """The form named no burst we can find now: tampered with, or the supports changed."""


def find_burst(ident: str, now: datetime | None = None) -> Burst:
    """The burst the form named, found again from the rows (nothing in the form is trusted
    but as a question): the same kind, key, first and last support, still a burst."""
    parts = (ident or "").split(":")
    if len(parts) != 4 or parts[0] not in BURST_RULES or not all(_DIGITS.fullmatch(part) for part in parts[2:]):
        raise UnknownBurst
    kind, key, first, last = parts
    rule = BURST_RULES[kind]
    if kind == "address":
        if not _CLIENT.fullmatch(key):
            raise UnknownBurst
        column_key = key
    else:
        if not _DIGITS.fullmatch(key):
            raise UnknownBurst
        column_key = int(key)
    since = (now or utcnow()) - LOOK_BACK
    try:
        begins = _EPOCH + timedelta(microseconds=int(first)) - rule.window
        ends = _EPOCH + timedelta(microseconds=int(last)) + rule.window
    except OverflowError:
        raise UnknownBurst from None
    # The burst and a window either side: enough to find it again exactly, and to see it grew.
    for burst in _bursts_in(rule, _rows_in(rule, [(column_key, begins, ends)], since)):
        if burst.ident == ident:
            _describe([burst])
            return burst
    raise UnknownBurst


@dataclass
class VoidOutcome:
    burst: Burst
    voided: int  # supports voided now (0: they all were already)
    ideas: int  # ideas recounted
    record: VoidedBurst | None = None


def _tallies(ideas: list[Idea]) -> dict:
    return {str(idea.id): {"supports": idea.support_count, "verified": idea.verified_count,
                           "voided": idea.voided_count} for idea in ideas}


def void_burst(ident: str, actor, now: datetime | None = None) -> VoidOutcome:
    """Void the burst's supports that are not voided yet, recount the ideas they were on
    from the rows, and record who did it (a `VoidedBurst` and an audit event). The caller
    commits. A replay finds every support already voided and changes nothing."""
    now = now or utcnow()
    burst = find_burst(ident, now)
    waiting = [row.id for row in burst.rows if not row.voided]
    if not waiting:
        return VoidOutcome(burst, 0, 0)
    ideas = list(db.session.scalars(select(Idea).where(Idea.id.in_(sorted(burst.idea_ids))).order_by(Idea.id)))
    before = _tallies(ideas)
    # Only rows still not voided: a second moderator at the same moment voids none twice.
    voided = db.session.execute(
        update(IdeaSupport).where(IdeaSupport.id.in_(waiting), IdeaSupport.voided_at.is_(None))
        .values(voided_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not voided:
        return VoidOutcome(burst, 0, 0)
    for idea in ideas:
        services.recount(idea)
    start, end = burst.start_uk, burst.end_uk
    record = VoidedBurst(
        description=(f"{BURST_RULES[burst.kind].label}: {burst.subject} – {burst.count} supports from "
                     f"{start:%Y-%m-%d %H:%M:%S} to {end:%H:%M:%S} UK time on {len(ideas)} idea(s); "
                     f"{voided} voided now"),
        voided=voided, actor_id=actor.id, created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    audit.record("ideas.burst_voided", "idea_support_burst", record.id,
                 before={"burst": ident, "voided": burst.voided, "ideas": before},
                 after={"burst": ident, "voided": burst.voided + voided, "ideas": _tallies(ideas)},
                 detail=record.description, actor=actor)
    return VoidOutcome(burst, voided, len(ideas), record)
