"""Demo "we did" answers across the themes, the four statuses and the last three terms.

Invented, for local use only (`flask --app portal seed-demo`, after the demo feedback).
The content and every choice come from the seed; dates count back from today, so the
public pages always show a living loop. The current term's answers answer the demo
feedback already there; older terms get a few older submissions made here (the feedback
demo only covers the last four months). Running it twice adds nothing.
"""

from datetime import UTC, date, datetime, time, timedelta
from random import Random

from sqlalchemy import func, select

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.feedback.models import Submission
from portal.moderation.redaction import redact
from portal.responses.models import Response, ResponseUpdate
from portal.responses.services import FIRST_PUBLISHED
from portal.responses.terms import Term, term_for
from portal.staff.models import StaffUser
from portal.timeutil import UK, add_working_days, as_aware, uk_today

OWN_PREFIX = "yswd-demo-"

# (theme slug, you said, we did, status, reason, responsible, young people's summary,
#  later update: (status, we did, note) or None, how many submissions, young people?)
ANSWERS = [
    ("employment-opportunities",
     "Travel to a new job costs too much in the first month, before the first wage comes in.",
     "We have agreed with West Yorkshire's bus operators a free four-week bus pass for anyone starting work after six months or more out of work. Jobcentre and SkillsHouse advisers hand them out.",
     "done", None, "Employment and Skills (SkillsHouse)", None, None, 4, False),
    ("employment-opportunities",
     "Young people want to hear about apprenticeships in school, not only online.",
     "Our careers team will run apprenticeship assemblies in every secondary school in Keighley and Bradford East this year, with young apprentices speaking.",
     "planned", None, "Careers and Apprenticeships team",
     "You said you never hear about apprenticeships. Young apprentices will come to your school to tell you how they got started.",
     ("in_progress", "Assemblies have started: 9 of 21 schools so far, with young apprentices speaking.", "Half the schools visited."), 3, True),
    ("english-language-and-life",
     "Evening English classes are full, and people who work in the day cannot get a place.",
     "We funded four more evening conversation classes at libraries in Manningham, Keighley, Shipley and Wibsey, and cut the waiting list to six weeks.",
     "done", None, "Adult and Community Learning", None, None, 5, False),
    ("english-language-and-life",
     "New arrivals want a simple guide to bins, doctors, schools and buses in their own language.",
     "We are writing a 'Welcome to Bradford District' guide with community groups, in English, Urdu, Polish, Romanian and Arabic.",
     "in_progress", None, "Stronger Communities team", None,
     ("done", "The guide is out, in print at libraries and on the council website, in seven languages.", "Published in seven languages."), 3, False),
    ("hope-for-the-future",
     "Young people think nothing ever changes when they speak up.",
     "Every answer on this site now says what changed and when, and the Children in Care Council reviews these reports each term.",
     "done", None, "Children's Services: participation team",
     "You told us that speaking up never changes anything. Now every answer here says what we did and when, and young people in care check our reports.",
     None, 4, True),
    ("hope-for-the-future",
     "Celebrate the good things happening in our towns, not only the problems.",
     "We will hold a 'Proud of Our Place' week each spring with awards nominated by residents.",
     "planned", None, "Communications and Stronger Communities", None, None, 2, False),
    ("building-respect-and-friendships",
     "There are not enough places where different communities mix without it feeling forced.",
     "We gave small grants to 12 shared-meal and sports projects that bring neighbours from different backgrounds together.",
     "done", None, "Stronger Communities grants panel", None, None, 3, False),
    ("building-respect-and-friendships",
     "Young people want youth clubs open on Friday nights.",
     "We looked at opening every youth club on Friday nights. We cannot staff all of them safely this year, so two clubs in Shipley and Bradford West will open on Fridays from September.",
     "in_progress", None, "Youth Service",
     "You asked for youth clubs on Friday nights. Two clubs, in Shipley and Bradford West, will open on Fridays from September.",
     None, 3, True),
    ("dealing-with-hate-crime-and-intolerance",
     "People do not know how to report hate crime, or think nothing will happen if they do.",
     "We trained 40 staff at libraries, mosques, churches and community centres as hate crime reporting centres, and we publish what happened to reports every quarter.",
     "done", None, "Safer Communities Partnership", None, None, 3, False),
    ("dealing-with-hate-crime-and-intolerance",
     "Put CCTV cameras on every street where there has been trouble.",
     "We will not put cameras on every street.",
     "not_taken_forward",
     "Cameras cost about £15,000 each and move the problem elsewhere. Instead we are funding more youth and community workers in the three areas with the most reports, which worked better in Leeds.",
     "Safer Communities Partnership", None, None, 2, False),
    ("sharing-spaces-and-places",
     "The park in Holme Wood has no lights and people do not feel safe walking through it after dark.",
     "We will put solar lights along the main path through the park before the clocks go back.",
     "planned", None, "Parks and Green Spaces",
     "You said the park feels scary after dark. We are putting lights along the main path before winter.",
     ("done", "The lights are in along the main path.", "Work finished."), 4, True),
    ("sharing-spaces-and-places",
     "Community centres are locked most of the week when groups could use them.",
     "We published a list of council rooms groups can book free of charge in the daytime, and made booking possible online.",
     "done", None, "Estates and Community Buildings", None, None, 2, False),
    ("linking-up-schools",
     "Schools should link up so children meet others from different backgrounds.",
     "Twenty more primary schools have joined the Schools Linking Programme this year: their classes meet a partner class three times.",
     "in_progress", None, "Education: Schools Linking Programme",
     "Your school can be paired with another school, so you meet children from other parts of the district. Twenty more schools joined this year.",
     None, 4, True),
    ("linking-up-schools",
     "Give every child a free bus pass so school link visits are easy.",
     "We looked at free bus passes for every child.",
     "not_taken_forward",
     "It would cost more than £2 million a year, which the council does not have. Schools taking part in linking get their coach costs paid instead.",
     "Education and Transport", None, None, 2, True),
    (None,
     "Bins in the city centre overflow at weekends.",
     "We added a Sunday morning collection in the city centre and around City Park.",
     "done", None, "Street Cleansing", None, None, 2, False),
]


def _action_date(rng: Random, status: str, published_at: datetime) -> date:
    day = published_at.astimezone(UK).date()
    if status == "done":
        return day - timedelta(days=rng.randint(1, 30))
    if status == "not_taken_forward":
        return day
    return day + timedelta(days=rng.randint(20, 90))


def _demo_moderator() -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.role == "moderator").order_by(StaffUser.id).limit(1))


def _publish_moment(rng: Random, term: Term, today: date) -> datetime:
    last = min(term.last_day, today - timedelta(days=1))
    first = min(term.first_day + timedelta(days=10), last)
    if last < term.first_day:  # the term began today: publish an hour ago
        return datetime.now(UTC) - timedelta(hours=1)
    day = first + timedelta(days=rng.randint(0, max((last - first).days, 0)))
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=UK).astimezone(UTC)


def _own_submission(rng: Random, index: int, seed: int, theme_id, area_ids: list[int], young: bool,
                    created_at: datetime, used: set[str], text: str) -> Submission:
    from portal.shared.references import new_reference

    reference = new_reference(rng)
    while reference in used:
        reference = new_reference(rng)
    used.add(reference)
    created_on = created_at.astimezone(UK).date()
    return Submission(
        reference=reference,
        draft_token=f"{OWN_PREFIX}{seed}-{index}",
        audience="young_person" if young else "adult",
        channel="online",
        theme_id=theme_id,
        area_id=rng.choice(area_ids),
        area_choice="area",
        body=text,
        age_band=rng.choice(["13_15", "16_17"]) if young else None,
        status="in_review",
        safeguarding_state="none",
        created_at=created_at,
        due_on=add_working_days(created_on, 20),
        reviewed_at=created_at + timedelta(days=2),
    )


def seed_demo_responses(seed: int, today: date | None = None) -> int:
    """Add the demo answers unless they are there. Returns how many demo answers exist.

    Commits: run from the command line, where no view commits.
    """
    texts = [answer[1] for answer in ANSWERS]
    existing = db.session.scalar(select(func.count()).select_from(Response).where(Response.you_said.in_(texts)))
    if existing:
        return existing
    rng = Random(seed * 7919 + 11)
    today = today or uk_today()
    current = term_for(today)
    terms = [current, current.previous, current.previous.previous]
    themes = {slug: theme_id for slug, theme_id in db.session.execute(select(Theme.slug, Theme.id))}
    area_ids = list(db.session.scalars(select(Area.id).order_by(Area.position)))
    moderator = _demo_moderator()
    used = set(db.session.scalars(select(Submission.reference)))
    # Demo feedback that can be answered, oldest first, by theme.
    waiting: dict = {}
    for submission in db.session.scalars(
        select(Submission).where(
            Submission.status.in_(("received", "in_review")),
            ~Submission.is_held,
            Submission.response_id.is_(None),
            Submission.draft_token.startswith("demo-"),
        ).order_by(Submission.created_at, Submission.id)
    ).unique():
        waiting.setdefault((submission.theme_id, submission.audience == "young_person"), []).append(submission)

    made = 0
    own_index = 0
    for position, (slug, you_said, we_did, status, reason, responsible, young_summary, later, how_many, young) in enumerate(ANSWERS):
        term = terms[position % 3]
        published_at = _publish_moment(rng, term, today)
        theme_id = themes.get(slug) if slug else None
        # Answer demo feedback received before publication where there is some;
        # otherwise (older terms, or none left) make the feedback it answers.
        pool = [s for s in waiting.get((theme_id, young), []) if as_aware(s.created_at) < published_at - timedelta(days=2)]
        chosen = pool[:how_many]
        for submission in chosen:
            waiting[(theme_id, young)].remove(submission)
        while len(chosen) < how_many:
            created_at = published_at - timedelta(days=rng.randint(6, 40), hours=rng.randint(0, 8))
            own_index += 1
            submission = _own_submission(rng, own_index, seed, theme_id, area_ids, young, created_at, used,
                                         f"{you_said} That is what I think, and my friends say the same.")
            db.session.add(submission)
            chosen.append(submission)

        response = Response(
            theme_id=theme_id, you_said=you_said, we_did=we_did, status=status, reason=reason,
            responsible=responsible, action_date=_action_date(rng, status, published_at),
            young_people_summary=young_summary, answers_young_people=young, answers_adults=not young,
            state="published", created_by_id=moderator.id if moderator else None,
            created_at=published_at - timedelta(days=1), published_at=published_at, updated_at=published_at,
        )
        db.session.add(response)
        db.session.flush()
        db.session.add(ResponseUpdate(response_id=response.id, published_at=published_at, status=status,
                                      we_did=we_did, reason=reason, note=FIRST_PUBLISHED,
                                      author_id=moderator.id if moderator else None))
        if later:
            later_status, later_did, note = later
            moment = published_at + timedelta(days=rng.randint(20, 50))
            if moment.astimezone(UK).date() < today:
                response.status, response.we_did, response.updated_at = later_status, later_did, moment
                db.session.add(ResponseUpdate(response_id=response.id, published_at=moment, status=later_status,
                                              we_did=later_did, reason=None, note=note,
                                              author_id=moderator.id if moderator else None))
        for submission in chosen:
            submission.response_id = response.id
            submission.status = "answered"
            submission.answered_at = published_at
            submission.public_text = redact(submission.body)[0]
        made += 1
    db.session.commit()
    return made
