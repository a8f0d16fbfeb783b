"""Invented demo ideas, in the spirit of what people said at City Park, Keighley and Shipley.

For local use only (``flask --app portal seed-demo``). About sixty ideas across the seven
themes and the five areas, a third from young people; most are on the board, a few wait
in the queue, one was hidden and one was joined with the idea it repeats. There is one
closed event (an idea board at City Park a few weeks ago) and one open one (Keighley
Library, soon), and supports from a few hundred devices, online and at the event, some
verified. The tallies on each idea are written from the support rows added here, so they
are exact.

Everything but the dates comes from the seed; dates count back from ``today`` (default:
today). Running it twice adds nothing. Answering ideas is the "we did" demo's job: no
Response rows are made here.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from sqlalchemy import func, insert, select

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.feedback.models import Submission
from portal.ideas.models import TITLE_MAX, Event, Idea, IdeaSupport
from portal.ideas.services import due_date
from portal.moderation.flags import ESCALATE_AFTER_WORKING_HOURS, add_working_hours
from portal.shared.references import ALPHABET, new_reference
from portal.staff.models import StaffUser
from portal.timeutil import UK, as_aware, uk_today

DEMO_PREFIX = "demo-idea-"

EMPLOYMENT = "employment-opportunities"
ENGLISH = "english-language-and-life"
HOPE = "hope-for-the-future"
RESPECT = "building-respect-and-friendships"
HATE = "dealing-with-hate-crime-and-intolerance"
SPACES = "sharing-spaces-and-places"
SCHOOLS = "linking-up-schools"

CLOSED_EVENT = ("Stronger Communities idea board", "City Park, Bradford", (RESPECT, HATE, SPACES))
OPEN_EVENT = ("Your Place idea board at Keighley Library", "Keighley Library", (EMPLOYMENT, HOPE, SCHOOLS))

# What happens to an idea besides going on the board.
POPULAR = "popular"  # on the board, and many people support it
AT_EVENT = "event"  # written on the tablet at the City Park event
WAITING = "waiting"  # still in the queue, not yet read by a moderator
HIDDEN = "hidden"  # a moderator decided not to publish it
DUPLICATE = "duplicate"  # sent again; joined with the idea it repeats (the one just before it)

A, Y13, Y16 = ("adult", None), ("young_person", "13_15"), ("young_person", "16_17")

# (theme, (audience, age band), area slug or None, title, body, what happens)
IDEAS = [
    # ---- Employment Opportunities ----------------------------------------------------
    (EMPLOYMENT, A, "bradford-west", "Mentors from local businesses for people looking for work",
     "Pair people who have been out of work a long time with someone who already works locally. "
     "A friendly face who has done the job would help more than another form to fill in.", POPULAR),
    (EMPLOYMENT, Y16, "keighley", "Apprenticeship open days in Keighley, not just in Bradford",
     "Most apprenticeship events are in Bradford and the bus costs a lot. "
     "Hold one in Keighley town centre in the school holidays so we can go.", None),
    (EMPLOYMENT, A, "bradford-east", "A crèche on interview days so mums can go for jobs",
     "Lots of women I know would apply for jobs but have nobody to mind the children for an interview. "
     "A crèche at the job centre on interview days would make a real difference.", None),
    (EMPLOYMENT, Y13, None, "Let us choose our own work experience",
     "Work experience placements are handed out at random. "
     "We should be able to pick from a list of real jobs, like engineering, hospitals or making games.", None),
    (EMPLOYMENT, A, "shipley", "A free bus pass for the first month of a new job",
     "The fares from Shipley eat into your wages before the first pay day comes in. "
     "A month of free travel when you start work would get more people through the door.", None),
    (EMPLOYMENT, A, "bradford-south", "Computer skills for older people applying for jobs",
     "Every job wants you to apply online now. "
     "Free sessions at the library in Wibsey for people over fifty would get more of us back into work.", None),
    (EMPLOYMENT, Y16, "bradford-west", "A safe list of weekend jobs for 16 and 17 year olds",
     "A noticeboard or website with part-time jobs that are allowed at our age, checked by the council. "
     "Then we would know they are safe and the pay is fair.", None),
    (EMPLOYMENT, A, None, "Help people get qualifications from abroad recognised",
     "There are nurses and engineers here who can only get cleaning jobs because their qualifications are not recognised. "
     "Help them get tested and back into the work they trained for.", None),
    (EMPLOYMENT, A, "keighley", "Local firms to offer interviews to local young people",
     "Big employers around Keighley could promise an interview to anyone from the town who meets the basics. "
     "It would show young people there is a future for them here.", WAITING),

    # ---- English Language and Life ---------------------------------------------------
    (ENGLISH, A, "bradford-west", "English conversation cafés at the library",
     "A weekly café where people learning English chat with local volunteers over a cup of tea. "
     "It is less scary than a classroom and you make friends on both sides.", POPULAR),
    (ENGLISH, A, "bradford-west", "Conversation cafés to practise English",
     "Please start conversation cafés where people learning English can talk with volunteers. "
     "My mum would go every week.", DUPLICATE),
    (ENGLISH, A, "keighley", "Evening English classes for people who work in the day",
     "All the classes near me are in the morning when I am at work. "
     "Evening and Saturday classes in Keighley would fill up straight away.", None),
    (ENGLISH, Y13, "bradford-east", "A buddy for new pupils who are learning English",
     "When someone new joins our class and doesn't speak much English, give them a buddy for the first month. "
     "I was new once and it would have helped me.", None),
    (ENGLISH, A, "shipley", "English classes with a crèche",
     "Many mums can't come to classes because there is nowhere for the little ones to go. "
     "Classes with a crèche at the children's centre would be full.", None),
    (ENGLISH, A, None, "A welcome guide for new arrivals in their own language",
     "A simple guide to doctors, schools, bins and buses, in English, Urdu, Polish, Romanian and Arabic. "
     "Give it out on the first day, not after people have already got lost.", None),
    (ENGLISH, Y16, "keighley", "Families learning English together after school",
     "Lots of us help our parents and grandparents with letters. "
     "Sessions where families learn English together at school after half three would be good.", None),
    (ENGLISH, A, "bradford-south", "English for work at the job centre",
     "Short lessons on the words you need at work, like interviews and health and safety. "
     "People would get jobs sooner and feel more confident once they start.", None),
    (ENGLISH, A, "bradford-east", "Learn English by cooking and gardening together",
     "People learn better doing something together. "
     "A group that cooks or gardens each week in English would be easy, cheap and very local.", WAITING),

    # ---- Hope for the Future ---------------------------------------------------------
    (HOPE, Y16, "bradford-west", "Good news about Bradford, made by young people",
     "Adults always say Bradford is bad. "
     "Let young people run a page that shares the good things happening here, like the festivals and new places opening.", None),
    (HOPE, A, None, "An awards night for local heroes",
     "The people behind football teams, food banks and youth groups deserve a thank you. "
     "Residents could nominate them, and it would give everyone something to be proud of.", None),
    (HOPE, Y13, "keighley", "Talks from people who grew up here and did well",
     "Bring people from Keighley who got good jobs or went to university to talk at our school. "
     "Then we would know it can happen to people like us.", None),
    (HOPE, A, "shipley", "Empty shops for young people's pop-up businesses",
     "There are empty shops in Shipley town centre. "
     "Let young people try out a business there rent free for a few months.", None),
    (HOPE, A, "bradford-east", "A clean-up day in every ward each month",
     "If the streets look cared for, people feel better about where they live. "
     "The council could lend the litter pickers and collect the rubbish afterwards.", None),
    (HOPE, Y16, None, "Ask young people before decisions are made, not after",
     "Please ask young people before you decide things that affect us. "
     "A youth panel could look at plans for parks, buses and youth clubs.", None),
    (HOPE, A, "bradford-south", "Mentoring for young people on the estates",
     "Young lads on the estate have nothing to aim for. "
     "Trained mentors who meet them every week and help with school, jobs and confidence would change lives.", POPULAR),
    (HOPE, A, "keighley", "Give people a reason to come into Keighley town centre",
     "Fill the empty units, plant flowers and hold an event once a month. "
     "People would come back and feel proud of the town again.", WAITING),

    # ---- Building Respect and Friendships --------------------------------------------
    (RESPECT, A, "bradford-west", "Shared meals where neighbours from different backgrounds meet",
     "Once a month, a free community meal where everyone brings a dish from home. "
     "Food is the easiest way to start talking to someone new.", AT_EVENT),
    (RESPECT, Y13, "bradford-east", "Teenagers helping older people with their phones",
     "We could go to a community centre after school and help older people with phones and video calls. "
     "We would get to know them too.", None),
    (RESPECT, A, "shipley", "A shared allotment in Shipley for everyone",
     "A community allotment where people from every background grow food side by side. "
     "Gardening gives you something to talk about, and you share what you grow.", POPULAR),
    (RESPECT, A, None, "Open days at places of worship",
     "Open days at mosques, churches, gurdwaras and temples, with tea and a tour. "
     "Lots of people have never been inside one and are curious.", AT_EVENT),
    (RESPECT, Y16, "keighley", "A football tournament with mixed teams from every area",
     "A summer tournament where the teams are mixed, so you play with people from other parts of Keighley and Bradford. "
     "Not just with your own mates.", None),
    (RESPECT, A, "bradford-south", "Help to know where to start",
     "A lot of people want to get involved and meet others but don't know where to start. "
     "A simple list of groups and events near you, on paper and online, would help.", AT_EVENT),
    (RESPECT, A, "keighley", "Make street parties easier to organise",
     "The forms and fees for closing a road put people off. "
     "Make it cheaper and simpler, and more streets would get to know each other.", None),
    (RESPECT, Y13, "bradford-west", "Holiday clubs where children from different schools meet",
     "My best friend goes to a different school now and I never see her. "
     "Holiday clubs for everyone would help us keep friends and make new ones.", None),
    (RESPECT, A, "bradford-east", "A community choir open to everyone",
     "Singing together brings people of all ages and faiths together. "
     "A free choir in a community hall, with no auditions, would be brilliant.", WAITING),

    # ---- Dealing with Hate Crime and Intolerance -------------------------------------
    (HATE, A, None, "Report hate crime in Urdu, Polish and other languages",
     "Some people never report hate crime because the forms are only in English. "
     "Let people report in Urdu, Polish, Romanian and other languages, online or by phone.", POPULAR),
    (HATE, Y16, "bradford-west", "Help young people report online bullying",
     "Online bullying is worse than at school. "
     "Tell us clearly how to report it and make sure someone actually replies.", None),
    (HATE, A, "bradford-west", "Safer walking routes through the city centre at night",
     "Light up the walk from the Interchange to City Park and Forster Square, with wardens on Friday and Saturday nights. "
     "Everyone should feel safe walking home.", AT_EVENT),
    (HATE, A, "keighley", "Tell people what happened after they report something",
     "When we report something nobody tells us what happened next, so people stop reporting. "
     "A short update would build trust.", None),
    (HATE, Y13, None, "Lessons about racism in every year at school",
     "We only get one assembly about racism. "
     "There should be proper lessons every year, with time to talk about it.", None),
    (HATE, A, "bradford-east", "Answer rumours with the facts",
     "Rumours spread online about who gets houses first. "
     "Put the real facts out, with local faces people trust.", AT_EVENT),
    (HATE, A, "bradford-south", "Do something about dangerous driving on our roads",
     "Speeding and racing around the estates frighten people and cause a lot of bad feeling. "
     "More speed bumps and cameras would calm things down.", None),
    (HATE, A, "shipley", "Back taxi drivers who get abuse at weekends",
     "Drivers put up with abuse every weekend as if it were part of the job. "
     "Make it easy for them to report it and show it is taken seriously.", None),
    (HATE, Y16, "keighley", "Safe places to go in if you feel threatened",
     "Shops and cafés could put a sticker in the window to show you can go in if someone is picking on you. "
     "Staff would know what to do.", None),

    # ---- Sharing Spaces and Places ---------------------------------------------------
    (SPACES, Y13, "keighley", "Youth clubs open later on Fridays and Saturdays",
     "There is nothing to do after eight o'clock so people just hang around the streets. "
     "Keep the youth club open until ten at the weekend.", POPULAR),
    (SPACES, A, "bradford-south", "Lights and toilets in our parks",
     "Families won't use the park in the evening if there are no lights and nowhere to go to the toilet. "
     "Fix that and the parks would be full.", None),
    (SPACES, Y16, "bradford-west", "A teenagers' room at the library with wifi and games",
     "We want somewhere warm to go after school that isn't the chicken shop. "
     "A room just for teenagers at the library would be perfect.", None),
    (SPACES, A, "shipley", "More benches along the canal from Shipley to Saltaire",
     "More benches along the towpath would help older people and families walk further and enjoy it. "
     "It is one of the nicest walks in the district.", None),
    (SPACES, A, None, "Open school halls to community groups at weekends",
     "School halls and playing fields sit empty every weekend. "
     "Let community groups use them for sport, meetings and celebrations.", AT_EVENT),
    (SPACES, Y13, "bradford-east", "Fix the skate park and add a shelter",
     "The skate park is full every day after school but it has holes in it. "
     "Fix it and add a shelter for when it rains.", AT_EVENT),
    (SPACES, A, "bradford-west", "Free family activities in City Park in the holidays",
     "The fountains and the mirror pool are brilliant in summer. "
     "Free games, music and activities there in the school holidays would bring all kinds of families together.", AT_EVENT),
    (SPACES, A, "keighley", "Let local groups reopen the community centre together",
     "Our community centre has been shut for two years and it was the only place different groups met. "
     "Let local groups run it together.", None),
    (SPACES, Y16, "shipley", "A covered place to hang out in the park",
     "When it rains there is nowhere to go, so we get moved on from the shops. "
     "A shelter in the park would give us our own place.", None),
    (SPACES, A, "bradford-east", "Bins not being collected on our road",
     "The bins on our road have not been emptied for three weeks. Please sort it out.", HIDDEN),

    # ---- Linking Up Schools ----------------------------------------------------------
    (SCHOOLS, Y13, "keighley", "School linking days between a Keighley school and a Bradford school",
     "Our class met a class from a school in Bradford and we did art and sport together. "
     "Every year group should get a linking day, not just one class once.", POPULAR),
    (SCHOOLS, A, "bradford-west", "Link the parents as well as the children",
     "Children make friends on linking days but the parents never meet. "
     "Invite families to a picnic or a sports day together.", None),
    (SCHOOLS, A, None, "Keep school linking going in secondary school",
     "Linking stops at year 6, just when it matters most. "
     "Secondary schools should link up too.", None),
    (SCHOOLS, A, "bradford-south", "Give teachers time to organise linking visits",
     "Teachers want to do it but there is no cover and no time. "
     "Without that, the visits just don't happen.", None),
    (SCHOOLS, Y16, "shipley", "Debates between sixth forms across the district",
     "Debates between sixth forms from Shipley, Keighley and Bradford on big topics. "
     "We would hear different views and make friends.", None),
    (SCHOOLS, A, "keighley", "Include weekend and supplementary schools in linking",
     "Mosque and church schools teach thousands of children at weekends. "
     "Include them in the linking network too.", None),
    (SCHOOLS, Y13, "bradford-east", "Pen pals with the other school before we meet",
     "Write to pupils at the other school before the linking day. "
     "Then we already know someone when we get there.", None),
    (SCHOOLS, A, "shipley", "Sports tournaments between schools from different areas",
     "Children mix naturally when they play sport. "
     "A league between schools from different parts of the district would do it every week.", None),
    (SCHOOLS, A, "bradford-east", "Link schools through music and drama",
     "Put on a show with pupils from two schools who would never otherwise meet. "
     "Families from both sides would come to watch.", WAITING),
]

# Ideas whose words the safeguarding detector catches (its patterns include the words
# "hate crime"): flagged when sent, then cleared. Kept as data, not found by running the
# detector, because compiling its patterns takes seconds; a test checks the two agree.
FLAGGED_WHEN_SENT = {"Report hate crime in Urdu, Polish and other languages": "hate_crime"}

HIDDEN_REASON = "Not an idea for the board: passed on to the bins service"
MERGED_REASON = "Sent more than once"

# How many devices support ideas: online (most of them adults) and on the event's tablets.
ADULT_DEVICES, YOUNG_DEVICES, EVENT_DEVICES = 320, 90, 45
CLIENTS = 9  # a handful of (hashed) network addresses people support from


def _hex(rng: Random) -> str:
    """64 hex characters, like the hashes the portal stores for devices and clients."""
    return f"{rng.getrandbits(256):064x}"


def _moment(day: date, rng: Random, first_hour: int = 8, last_hour: int = 21) -> datetime:
    local = datetime.combine(day, time(rng.randint(first_hour, last_hour), rng.randint(0, 59)), tzinfo=UK)
    return local.astimezone(UTC)


def _event(rng: Random, name: str, place: str, held_on: date, state: str, themes: list[Theme],
           used_codes: set[str], staff_id: int | None, today: date) -> Event:
    existing = db.session.scalar(select(Event).where(Event.name == name, Event.place == place))
    if existing is not None:
        return existing
    code = "".join(rng.choice(ALPHABET) for _ in range(6))
    while code in used_codes:
        code = "".join(rng.choice(ALPHABET) for _ in range(6))
    used_codes.add(code)
    created_on = min(held_on, today) - timedelta(days=12)
    event = Event(code=code, name=name, place=place, held_on=held_on, state=state, created_by_id=staff_id,
                  created_at=_moment(created_on, rng, 9, 16), themes=themes)
    if state == "closed":
        event.opened_at = datetime.combine(held_on, time(9, 45), tzinfo=UK).astimezone(UTC)
        event.closed_at = datetime.combine(held_on, time(16, 30), tzinfo=UK).astimezone(UTC)
    else:  # opened early, so the facilitator can try the tablets before the day
        event.opened_at = datetime.combine(today - timedelta(days=1), time(16, 0), tzinfo=UK).astimezone(UTC)
    db.session.add(event)
    return event


def seed_demo_ideas(seed: int, today: date | None = None) -> int:
    """Add the demo ideas, two events and their supports unless they are there.

    Returns how many demo ideas exist. Commits: run from the command line, where no
    view commits.
    """
    existing = db.session.scalar(
        select(func.count()).select_from(Idea).where(Idea.draft_token.startswith(DEMO_PREFIX)))
    if existing:
        return existing
    rng = Random(seed * 104729 + 3)
    today = today or uk_today()
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    areas = {slug: area_id for slug, area_id in db.session.execute(select(Area.slug, Area.id))}
    staff_id = db.session.scalar(select(StaffUser.id).where(StaffUser.role.in_(("facilitator", "moderator")))
                                 .order_by(StaffUser.role, StaffUser.id).limit(1))
    used_references = set(db.session.scalars(select(Submission.reference))) | set(
        db.session.scalars(select(Idea.reference)))
    used_codes = set(db.session.scalars(select(Event.code)))

    # The City Park board was a Saturday three or four weeks ago; Keighley is a Saturday soon.
    held = today - timedelta(days=21 + (today.weekday() - 5) % 7)
    coming = today + timedelta(days=7 + (5 - today.weekday()) % 7)
    name, place, slugs = CLOSED_EVENT
    closed = _event(rng, name, place, held, "closed", [themes[s] for s in slugs], used_codes, staff_id, today)
    name, place, slugs = OPEN_EVENT
    _event(rng, name, place, coming, "open", [themes[s] for s in slugs], used_codes, staff_id, today)
    db.session.flush()

    ideas: list[tuple[Idea, str | None, datetime | None]] = []  # (idea, what happens, on the board from)
    for index, (slug, (audience, band), area, title, body, fate) in enumerate(IDEAS):
        assert len(title) <= TITLE_MAX
        if fate == AT_EVENT:
            created_at = _moment(held, rng, 10, 15)
        elif fate == WAITING:
            created_at = _moment(today - timedelta(days=rng.randint(1, 4)), rng)
        elif fate == DUPLICATE:
            created_at = ideas[-1][0].created_at + timedelta(days=rng.randint(6, 14), hours=rng.randint(1, 9))
        elif fate == POPULAR:
            created_at = _moment(today - timedelta(days=rng.randint(45, 88)), rng)
        else:
            created_at = _moment(today - timedelta(days=rng.randint(5, 90)), rng)
        reference = new_reference(rng)
        while reference in used_references:
            reference = new_reference(rng)
        used_references.add(reference)
        email = f"idea.{seed}.{index}@example.com" if audience == "adult" and fate != AT_EVENT and rng.random() < 0.3 else None
        reviewed_at = None if fate == WAITING else created_at + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 6))
        idea = Idea(
            reference=reference, draft_token=f"{DEMO_PREFIX}{seed}-{index}", audience=audience, language="en",
            theme_id=themes[slug].id, area_id=areas[area] if area else None, title=title, body=body,
            email=email, age_band=band, channel="event" if fate == AT_EVENT else "online",
            event_id=closed.id if fate == AT_EVENT else None, safeguarding_state="none",
            created_at=created_at, due_on=due_date(created_at.astimezone(UK).date()), reviewed_at=reviewed_at,
            status="received" if fate == WAITING else "in_review",
        )
        if title in FLAGGED_WHEN_SENT:
            # The detector held it when it was sent; the lead read it and cleared the flag
            # before a moderator approved it.
            idea.safeguarding_state = "cleared"
            idea.safeguarding_categories = FLAGGED_WHEN_SENT[title]
            idea.flagged_at = created_at
            idea.flag_due_at = add_working_hours(created_at, ESCALATE_AFTER_WORKING_HOURS)
        if fate in (HIDDEN, DUPLICATE):
            idea.status = "hidden"
            idea.hidden_reason = HIDDEN_REASON if fate == HIDDEN else MERGED_REASON
        elif fate != WAITING:
            idea.public_title, idea.public_text = title, body
        ideas.append((idea, fate, reviewed_at if idea.public_text is not None else None))
    db.session.add_all([idea for idea, _fate, _from in ideas])
    db.session.flush()
    for position, (idea, fate, _from) in enumerate(ideas):
        if fate == DUPLICATE:
            idea.merged_into_id = ideas[position - 1][0].id

    rows = _supports(rng, ideas, closed, today)
    for idea, _fate, _from in ideas:
        idea.support_count = rows.counts[idea.id]
        idea.verified_count = rows.verified[idea.id]
        idea.voided_count = 0
    if rows.rows:
        db.session.execute(insert(IdeaSupport), rows.rows)
    db.session.commit()
    return len(ideas)


class _Supports:
    def __init__(self):
        self.rows: list[dict] = []
        self.counts: Counter = Counter()
        self.verified: Counter = Counter()


def _supports(rng: Random, ideas: list[tuple[Idea, str | None, datetime | None]], event: Event,
              today: date) -> _Supports:
    """Support rows for the ideas on the board: a few popular, most with a handful, some
    with none; young people support young people's ideas more; on the event day people
    supported, on the tablets, the board's ideas under the event's themes. A device that
    verified its email has every support verified from that moment, as the portal does."""
    seen: set[str] = set()

    def fresh() -> str:
        value = _hex(rng)
        while value in seen:
            value = _hex(rng)
        seen.add(value)
        return value

    clients = [fresh() for _ in range(CLIENTS)]
    tablet = fresh()  # the venue's network at City Park
    adults = [(fresh(), rng.choice(clients)) for _ in range(ADULT_DEVICES)]
    young = [(fresh(), rng.choice(clients)) for _ in range(YOUNG_DEVICES)]
    at_event = [fresh() for _ in range(EVENT_DEVICES)]
    young_devices = {device for device, _client in young}
    end = datetime.combine(today, time(0, 0), tzinfo=UK).astimezone(UTC) - timedelta(minutes=5)

    raw: list[dict] = []
    for idea, fate, on_board in ideas:
        if on_board is None:
            continue  # waiting, hidden or merged: nobody could support it
        if fate == POPULAR:
            how_many = rng.randint(22, 36)
        else:
            how_many = min(int(rng.expovariate(1 / 5)), 16)
        share = 0.5 if idea.audience == "young_person" else 0.1
        from_young = sum(rng.random() < share for _ in range(how_many))
        chosen = rng.sample(young, from_young) + rng.sample(adults, how_many - from_young)
        span = max((end - on_board).total_seconds(), 60)
        for device, client in chosen:
            offset = span * rng.random() ** 2  # more of them soon after it went on the board
            raw.append({"idea_id": idea.id, "device": device, "client": client, "channel": "online",
                        "event_id": None, "audience": "young_person" if device in young_devices else None,
                        "created_at": on_board + timedelta(seconds=offset)})

    theme_ids = {theme.id for theme in event.themes}
    opened = as_aware(event.opened_at)
    on_show = [idea for idea, _fate, on_board in ideas
               if on_board is not None and idea.theme_id in theme_ids and on_board < opened]
    for device in at_event:
        for idea in rng.sample(on_show, min(len(on_show), rng.randint(1, 3))):
            moment = opened + timedelta(minutes=rng.randint(5, 400))
            raw.append({"idea_id": idea.id, "device": device, "client": tablet, "channel": "event",
                        "event_id": event.id, "audience": None, "created_at": moment})

    # About a quarter of devices confirmed by email, minutes after their first support.
    first: dict[str, datetime] = {}
    for row in raw:
        if row["device"] not in first or row["created_at"] < first[row["device"]]:
            first[row["device"]] = row["created_at"]
    verified_at = {device: moment + timedelta(minutes=rng.randint(2, 25))
                   for device, moment in sorted(first.items()) if rng.random() < 0.25}

    result = _Supports()
    for row in raw:
        row["verified_at"] = verified_at.get(row["device"])
        row["notify_email"] = None
        row["voided_at"] = None
        result.rows.append(row)
        result.counts[row["idea_id"]] += 1
        if row["verified_at"] is not None:
            result.verified[row["idea_id"]] += 1
    return result
