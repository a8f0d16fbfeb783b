"""Demo data for the People's Advisory Group: invented people, in the documents' spirit.

Bradford East is full with two on its waiting list, Bradford West has an outstanding
offer, the other areas have open seats, and some applications wait to be read; one
meeting has been held (with attendance) and the next is booked; one focus group has
been offered to members who care about linking up schools.
"""

from datetime import UTC, date, datetime, time, timedelta
from random import Random

from sqlalchemy import func, select

from portal.advisory.models import (
    EQUALITIES_FORUM,
    Application,
    ApplicationEquality,
    Attendance,
    Invitation,
    InvitationReply,
    Meeting,
)
from portal.advisory.services import add_years, due_date
from portal.core.models import Area
from portal.extensions import db
from portal.shared.references import new_reference
from portal.timeutil import UK, uk_today

DEMO_PREFIX = "demo-advisory-"

# (name, pool, stage, age band, why, what they would bring, interests, equality answers)
PEOPLE = [
    ("Nasreen Akhtar", "bradford-east", "member", "45_64", "I want the estate’s voice heard before decisions are made.",
     "Twelve years running a parents’ group at our primary school.", "linking-up-schools,english-language-and-life",
     ("female", "asian", "asian_pakistani", "muslim", "no")),
    ("Gary Whitehead", "bradford-east", "member", "45_64", "I have lived in Eccleshill all my life and want to give back.",
     "I coach a junior football team and know a lot of families.", "sharing-spaces-and-places",
     ("male", "white", "white_british", "christian", "yes_a_little")),
    ("Imran Hussain", "bradford-east", "member", "25_44", "Young men in our area are rarely asked what they think.",
     "I work with a youth project in Bradford Moor.", "hope-for-the-future,employment-opportunities",
     ("male", "asian", "asian_pakistani", "muslim", "no")),
    ("Agnieszka Nowak", "bradford-east", "member", "25_44", "New arrivals need someone on the group who knows what it is like.",
     "I help Polish families with forms and English classes.", "english-language-and-life",
     ("female", "white", "white_other", "christian", "no")),
    ("Sharon Taylor", "bradford-east", "member", "65_plus", "I want older people to be part of the plans.",
     "I volunteer at a lunch club in Idle.", "building-respect-and-friendships",
     ("female", "white", "white_british", "none", "yes_a_lot")),
    ("Tariq Mahmood", "bradford-east", "waiting_list", "18_24", "I want to help make our parks safer.",
     "I study community work at Bradford College.", "sharing-spaces-and-places", None),
    ("Joanne Pickles", "bradford-east", "waiting_list", "25_44", "I care about hate crime being taken seriously.",
     "I have been a victim and know what support is missing.", "dealing-with-hate-crime-and-intolerance",
     ("female", "white", "white_british", "prefer_not", "no")),
    ("Samina Kauser", "bradford-west", "member", "25_44", "Manningham has so much to offer and is often talked down.",
     "I run a women’s walking group.", "building-respect-and-friendships",
     ("female", "asian", "asian_pakistani", "muslim", "no")),
    ("Paul Lister", "bradford-west", "member", "45_64", "I want to see things change on the ground, not just on paper.",
     "I manage a community centre in Allerton.", "sharing-spaces-and-places", None),
    ("Grace Okafor", "bradford-west", "member", "25_44", "I want young Black people to see themselves in the plans.",
     "I mentor students at the University of Bradford.", "hope-for-the-future",
     ("female", "black", "black_african", "christian", "no")),
    ("Yusuf Patel", "bradford-west", "offered", "18_24", "I want to help young people find work locally.",
     "I set up a CV club at my mosque.", "employment-opportunities", ("male", "asian", "asian_indian", "muslim", "no")),
    ("Kelly Sutcliffe", "bradford-south", "member", "25_44", "Our estate is often left out.",
     "I run the residents’ association newsletter in Holme Wood.", "sharing-spaces-and-places", None),
    ("Harpreet Kaur", "bradford-south", "shortlisted", "45_64", "I want faith groups to work together more.",
     "I help run interfaith events in Wibsey.", "building-respect-and-friendships",
     ("female", "asian", "asian_indian", "other", "no")),
    ("Daniel Brook", "keighley", "member", "16_17", "Young people in Keighley should have a seat at the table.",
     "I am on my school council.", "linking-up-schools,hope-for-the-future", ("male", "white", "white_british", "none", "no")),
    ("Fatima Bibi", "keighley", "member", "45_64", "I want families in Keighley Central to be heard.",
     "I am a teaching assistant and know many parents.", "linking-up-schools", None),
    ("Radu Popescu", "keighley", "member", "25_44", "Roma and Romanian families need a voice.",
     "I speak Romanian and Romani and help at a drop-in.", "english-language-and-life",
     ("male", "white", "white_roma", "christian", "no")),
    ("Margaret Feather", "keighley", "submitted", "65_plus", "I have time and want to use it well.",
     "Forty years as a nurse in Airedale.", "building-respect-and-friendships", None),
    ("Chris Armitage", "shipley", "member", "45_64", "Shipley is changing fast and people need to be involved.",
     "I run a small business on the high street.", "employment-opportunities", ("male", "white", "white_british", "none", "no")),
    ("Aisha Rahman", "shipley", "member", "18_24", "I want to help make the district welcoming to everyone.",
     "I volunteer with a refugee befriending scheme in Saltaire.", "english-language-and-life",
     ("female", "asian", "asian_bangladeshi", "muslim", "no")),
    ("Ben Clarke", "shipley", "submitted", "25_44", "I want to help shape how the council talks to people.",
     "I work in design and communications.", "building-respect-and-friendships", None),
    ("Zainab Ali", EQUALITIES_FORUM, "member", "25_44", "Disabled people must be part of every plan.",
     "I chair a disabled people’s network.", "sharing-spaces-and-places", ("female", "asian", "asian_pakistani", "muslim", "yes_a_lot")),
    ("Jordan Hughes", EQUALITIES_FORUM, "member", "18_24", "LGBT+ young people need to feel safe in the district.",
     "I volunteer with an LGBT+ youth group.", "dealing-with-hate-crime-and-intolerance", None),
    ("Ruth Goldberg", EQUALITIES_FORUM, "member", "65_plus", "I want different faiths to understand each other.",
     "I have organised interfaith walks for years.", "building-respect-and-friendships",
     ("female", "white", "white_british", "jewish", "no")),
    ("Mohammed Iqbal", EQUALITIES_FORUM, "submitted", "45_64", "I want to help tackle hate crime.",
     "I run a taxi firm and hear what people go through.", "dealing-with-hate-crime-and-intolerance", None),
]


def _moment(day: date, rng: Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 19), rng.randint(0, 59)), tzinfo=UK).astimezone(UTC)


def seed_demo_advisory(seed: int, today: date | None = None) -> int:
    """Add the demo applications, meetings and invitation unless they are there. Commits."""
    existing = db.session.scalar(select(func.count()).select_from(Application)
                                 .where(Application.draft_token.startswith(DEMO_PREFIX)))
    if existing:
        return existing
    rng = Random(seed * 7919 + 11)
    today = today or uk_today()
    areas = dict(db.session.execute(select(Area.slug, Area.id)).all())
    members = []
    for index, (name, pool, stage, band, why, bring, interests, answers) in enumerate(PEOPLE):
        applied = today - timedelta(days=rng.randint(200, 400) if stage == "member" else rng.randint(2, 30))
        created = _moment(applied, rng)
        application = Application(
            reference=new_reference(), draft_token=f"{DEMO_PREFIX}{index}", audience="adult", language="en",
            area_id=areas.get(pool), name=name, email=f"{name.split()[0].lower()}@example.org",
            phone=None if index % 3 else f"07700 900{100 + index:03d}", age_band=band, seat_pool=pool, why=why,
            bring=bring, interests=interests,
            availability=rng.choice(["weekday_evening", "weekend", "weekday_day,online", "weekday_evening,weekend"]),
            access_needs="Step-free access, please." if index % 7 == 4 else "",
            declaration="I am a trustee of a local charity." if index % 5 == 1 else "",
            declared_on=applied if index % 4 else applied - timedelta(days=200), consent_at=created,
            stage=stage, stage_changed_at=created + timedelta(days=10), created_at=created,
            due_on=due_date(applied), status="in_review" if stage != "submitted" else "received",
            safeguarding_state="none",
        )
        if stage == "waiting_list":
            application.waiting_since = created
        if stage == "offered":
            application.offer_expires_at = created + timedelta(days=14)
            if application.offer_expires_at <= datetime.now(UTC):
                application.offer_expires_at = datetime.now(UTC) + timedelta(days=9)
        if stage == "member":
            application.status, application.answered_at = "answered", created + timedelta(days=20)
            application.term_start = applied + timedelta(days=20)
            application.term_end = add_years(application.term_start, 2)
            if index in (1, 14):  # two terms end soon
                application.term_start = add_years(today, -2) + timedelta(days=40)
                application.term_end = add_years(application.term_start, 2)
            members.append(application)
        db.session.add(application)
        db.session.flush()
        if answers:
            sex, group, background, religion, disability = answers
            db.session.add(ApplicationEquality(application_id=application.id, sex=sex, ethnic_group=group,
                                               ethnic_background=background,
                                               religion=None if religion == "prefer_not" else religion,
                                               disability=disability))
    held = Meeting(held_on=today - timedelta(days=45), place="City Hall, Bradford",
                   agenda="Welcome to new members. The Stronger Communities strategy: what people said. "
                          "Plans for the next idea board events.")
    coming = Meeting(held_on=today + timedelta(days=45), place="Keighley Civic Centre",
                     agenda="How we tell people what we did. Feedback on the idea board results.")
    db.session.add_all([held, coming])
    db.session.flush()
    for position, member in enumerate(members):
        db.session.add(Attendance(meeting_id=held.id, application_id=member.id, attended=position % 4 != 3))
    invitation = Invitation(title="Linking up schools: a focus group", place="Shipley Library",
                            details="An hour to talk about how schools in different areas could work together.",
                            held_on=today + timedelta(days=20))
    db.session.add(invitation)
    db.session.flush()
    for member in members:
        if "linking-up-schools" in member.interests:
            db.session.add(InvitationReply(invitation_id=invitation.id, application_id=member.id,
                                           reply="yes" if member.name.startswith("N") else "invited"))
    db.session.commit()
    return len(PEOPLE)
