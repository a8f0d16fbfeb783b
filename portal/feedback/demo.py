"""Demo submissions: a few hundred believable messages from residents and young people.

Invented, for local use only (``flask --app portal seed-demo``). Everything but the
dates comes from the seed: the same seed gives the same messages, references, themes,
areas, flags and equality answers. Dates count back from ``today`` (default: today),
so the demo always has fresh, due and overdue items. Running it twice adds nothing.

Statuses are only received / in_review / hidden here: answering submissions is the
"we did" side's job (its demo seed runs after this one and may answer some).
"""

from datetime import UTC, date, datetime, time, timedelta
from random import Random

from sqlalchemy import func, select

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.feedback.models import EqualityAnswers, Submission
from portal.feedback.services import due_date
from portal.moderation.flags import ESCALATE_AFTER_WORKING_HOURS, add_working_hours
from portal.moderation.safeguarding import active_phrases, find_concerns
from portal.shared import equality
from portal.shared.references import new_reference
from portal.timeutil import UK, uk_today

HOW_MANY = 320
DEMO_PREFIX = "demo-"

PLACES = {
    "bradford-east": ["Eccleshill", "Bowling", "Bradford Moor", "Idle", "Thackley", "Undercliffe", "Barkerend"],
    "bradford-west": ["Manningham", "the city centre", "Heaton", "Toller", "Thornton", "Allerton", "Girlington"],
    "bradford-south": ["Wibsey", "Queensbury", "Tong", "Wyke", "Great Horton", "Holme Wood", "Buttershaw"],
    "keighley": ["Keighley town centre", "Ilkley", "Silsden", "Haworth", "Oakworth", "Riddlesden"],
    "shipley": ["Shipley", "Saltaire", "Bingley", "Baildon", "Windhill", "Cottingley"],
}

ADULT_TEXTS = {
    "employment-opportunities": [
        "There are jobs in Leeds but the train fare from {place} eats half a day's wages. Help with travel for the first month of a new job would make a real difference.",
        "I have applied for over forty jobs since the warehouse closed. Most never reply. A proper local jobs fair with employers who are actually hiring would help people like me.",
        "My daughter has a degree and is still stacking shelves. We need graduate schemes here so young people don't have to move to Manchester.",
        "Older South Asian women in {place} want to work but need childcare and confidence. The course at the community centre was brilliant, please bring it back.",
        "Apprenticeships need to be advertised in schools and mosques and community centres, not just online where nobody sees them.",
        "Everything flows from having properly paid jobs with good and equal opportunities to progress.",
        "Mentoring from people already working in digital and catering would help my son much more than another CV workshop.",
        "I was made redundant at 58. Nobody wants to take a chance on someone my age. Please talk to employers about older workers.",
        "Refugees in {place} have skills, nurses and engineers among them, but can't get their qualifications recognised. Can the council help with that?",
    ],
    "english-language-and-life": [
        "My mother has lived in {place} for thirty years and still can't speak to the doctor without me. Conversational English at the mosque would suit her much better than college.",
        "The ESOL waiting list is months long. People lose heart before they get a place.",
        "If you don't speak English, you won't go far from home and you are unlikely to go far in life. More free classes in the evening please, for people who work days.",
        "The women's English group at the library in {place} is full of laughter. It has done more for my confidence than anything. Please keep funding it.",
        "New arrivals need a simple guide to bins, doctors, schools and buses, in their own language, on day one.",
        "Conversation cafes where English speakers volunteer to chat would help both sides get to know each other.",
        "My Polish neighbours learnt English from their kids. Family learning sessions at primary schools would be a great idea.",
    ],
    "hope-for-the-future": [
        "Being positive and hopeful is infectious and will change the culture of the district. Celebrate what's good about {place} for once.",
        "Young people here think nothing ever changes. Show them things that have changed because people asked.",
        "The City Park fountains on a summer evening make me proud to live here. More of that, please.",
        "I'd like to see the empty shops in {place} used for pop-up businesses run by local young people.",
        "If I'm OK and not fighting for survival, if I have a job and a future, then I will be more open to others.",
        "Please stop only talking about Bradford's problems. The festivals, the food, the Hockney gallery at Salts Mill: tell people about those.",
        "Where do I start… the potholes, the litter, the closed youth clubs. But I still love this place and want to help make it better.",
    ],
    "building-respect-and-friendships": [
        "We need more events where people of different backgrounds actually meet, not just stand in the same park. Shared meals work.",
        "The interfaith walk last year was wonderful. I visited a gurdwara for the first time and was made so welcome.",
        "Older and younger people in {place} never mix. Maybe a scheme where teenagers help pensioners with phones?",
        "Build understanding across faiths, cultures, ages, at work, at school and in the community. It starts with knowing your neighbours.",
        "Street parties bring people together. Make it easier and cheaper to close a road for the day.",
        "If we don't make it better, we will never build relationships and friendships and people will move away.",
        "A community allotment in {place} where everyone grows something together would do more than a hundred leaflets.",
    ],
    "dealing-with-hate-crime-and-intolerance": [
        "People felt unsafe and insecure and talked about the absence of action. When things are reported nothing seems to happen.",
        "Rumours spread on Facebook about who gets houses first. The council should explain how decisions are really made.",
        "Please make it easier to report things. Most people I know wouldn't know where to start.",
        "Nuisance and dangerous driving around {place} is a huge cause of tension. It isn't about race but it turns into that.",
        "If I feel insecure because of crime, then I focus more on me, I get isolated and become prejudiced.",
        "Taxi drivers in the city centre get abuse every weekend and just accept it as part of the job. That shouldn't be normal.",
        "The anti-rumour campaign was a good idea. Bring it back with real local faces.",
    ],
    "sharing-spaces-and-places": [
        "The community centre in {place} has been shut for two years. It was the only place different groups used to meet.",
        "Parks need toilets and lights if families are going to use them in the evening.",
        "A welcoming, accessible space that feels like it's for me and brings joy: that's what we're missing.",
        "The library in {place} is the only warm free place left. Please don't cut its hours again.",
        "Bus shelters and benches along the canal at {place} would help older people get out more.",
        "Schools have halls and playing fields empty every weekend. Open them up to community groups.",
        "More free things to do in the holidays for families who can't afford days out.",
        "The skate park in {place} is falling apart. It's full every day after school, it just needs fixing.",
    ],
    "linking-up-schools": [
        "My son's school linked with a school in {place} and he made a friend he still sees. Every primary school should do this.",
        "Linking schools is great but it stops at year 6. Secondary schools need it even more.",
        "Parents should be linked too. We only meet the other families at the gate for two minutes.",
        "Supplementary schools at mosques and churches teach thousands of children. Include them in the linking network.",
        "Teachers need time and cover to organise school visits. Without it, it just doesn't happen.",
        "Sports tournaments between schools from different parts of the district would mix kids naturally.",
    ],
    "something-else": [
        "The bins in {place} haven't been collected for three weeks.",
        "Please fix the street lights on our road, it's pitch black by five o'clock.",
        "The website for booking the tip is impossible to use on a phone.",
        "Thank you to the council workers who cleared the snow on our street. Much appreciated.",
        "There's fly-tipping behind the shops in {place} every week. Cameras would help.",
        "The number of empty houses on our street is a scandal when families are waiting for homes.",
    ],
}

YOUNG_TEXTS = {
    "employment-opportunities": [
        "I want to be a mechanic but there are no apprenticeships near {place}.",
        "We need help finding part time jobs that fit around school.",
        "Can there be work experience that isn't just in an office?",
        "I'm a care leaver and I don't know how to write a CV. A person to help would be good.",
    ],
    "english-language-and-life": [
        "I help my mum with English letters every week. There should be classes for parents at our school.",
        "New kids in my class don't speak English yet and nobody sits with them. There should be buddies.",
        "I came here two years ago. A club where new people can practise English and make friends would be nice.",
    ],
    "hope-for-the-future": [
        "Adults always say Bradford is bad. It isn't. Tell people the good stuff.",
        "I want to go to university but nobody in my family has. Talks from people who did it would help.",
        "Please ask young people before you decide things, not after.",
        "When I leave care I want to stay near my friends, not be moved miles away.",
    ],
    "building-respect-and-friendships": [
        "We should have more clubs where kids from different schools meet.",
        "Older people think all teenagers are trouble. We could help at the care home near {place}.",
        "A football tournament for everyone from every area would be sick.",
        "My best friend goes to a different school now and I never see her. More holiday clubs please.",
    ],
    "dealing-with-hate-crime-and-intolerance": [
        "People get called names at the bus station and nobody does anything.",
        "There should be lessons about why racism is wrong in every year, not just one assembly.",
        "Online bullying is worse than at school. Help us report it.",
    ],
    "sharing-spaces-and-places": [
        "There's nowhere to go after school in {place} except the shop.",
        "The park needs a shelter so we can hang out when it rains.",
        "Can the youth club in {place} open on Fridays again?",
        "Make the library have a teen room with games and wifi.",
        "Fix the skate park please it's got holes in it.",
    ],
    "linking-up-schools": [
        "We went to another school and did art together. It was really fun and I want to do it again.",
        "Our school and the one in {place} should do a sports day together.",
        "Linking schools should carry on in secondary school too.",
    ],
    "something-else": [
        "The buses to {place} are always late so I'm late for school.",
        "Can there be more water fountains in the park?",
        "Thank you for the summer holiday activities, they were good.",
    ],
}

# Written to trip the safeguarding phrases, as real messages sometimes do. Never graphic.
FLAGGED_TEXTS = [
    ("adult", "dealing-with-hate-crime-and-intolerance", "A lad pulled my hijab on the bus through {place} and nobody did anything. I don't feel safe going into town now."),
    ("adult", "dealing-with-hate-crime-and-intolerance", "We were racially abused outside the shop in {place} last week, in front of my children."),
    ("adult", "sharing-spaces-and-places", "A group of lads said they would stab anyone who walks through the park at night. People are frightened."),
    ("adult", "something-else", "I think the woman next door is living with domestic violence. I hear it most nights and don't know who to tell."),
    ("adult", "something-else", "The children across the road are outside until midnight and told my son they are scared to go home."),
    ("young_person", "building-respect-and-friendships", "Someone at the park keeps hitting me and my friend and I'm scared to go there now."),
    ("young_person", "hope-for-the-future", "Sometimes I feel like I want to die because nothing ever gets better."),
    ("young_person", "something-else", "An older boy groomed my friend on Snapchat and she doesn't know what to do."),
    ("young_person", "dealing-with-hate-crime-and-intolerance", "I was spat at because I'm Muslim when I was walking home from school."),
    ("young_person", "something-else", "My mum's boyfriend hurts me when she's at work. Please don't tell him I wrote this."),
    ("adult", "hope-for-the-future", "Since losing my job I've started to feel I don't want to live any more. I don't know where to turn."),
    ("adult", "dealing-with-hate-crime-and-intolerance", "My son was attacked because he's gay, walking home in {place}. The police said it wasn't a hate crime."),
    ("young_person", "something-else", "My football coach keeps messaging me on Snapchat and says not to tell my mum."),
    ("adult", "sharing-spaces-and-places", "Older lads give my nephew free trainers and now he has to carry parcels on the train to other towns."),
    ("adult", "something-else", "My nan's carer has been using her bank card and her pension keeps running out."),
    ("adult", "something-else", "My husband checks my phone every night and won't let me see my family."),
    ("adult", "sharing-spaces-and-places", "I'm going to stab the next lad who comes round our street on a scrambler."),
]

YOUNG_OPENERS = ["", "", "", "", "", "hi.", "Hiya.", "Me and my friends think this."]
OPENERS = ["", "", "", "", "", "Hello.", "Thanks for asking.", "Quick one from me.", "I've lived here all my life."]


def _weighted(rng: Random, options: list[tuple[str, float]]) -> str:
    return rng.choices([value for value, _ in options], weights=[weight for _, weight in options])[0]


def _body(rng: Random, template: str, area_slug: str | None, audience: str) -> str:
    place = rng.choice(PLACES[area_slug]) if area_slug else rng.choice(PLACES[rng.choice(list(PLACES))])
    text = template.format(place=place)
    opener = rng.choice(YOUNG_OPENERS if audience == "young_person" else OPENERS)
    if template.startswith(("If ", "Everything", "Where do")):
        opener = ""
    return f"{opener} {text}".strip()


def _equality(rng: Random, audience: str, band: str | None) -> dict:
    """Plausible answers in roughly Bradford's proportions (Census 2021)."""
    answers: dict = {}
    group = _weighted(rng, [("white", 60), ("asian", 30), ("mixed", 4), ("black", 3), ("other", 2), ("prefer_not", 1)])
    answers["ethnic_group"] = group
    if group != "prefer_not":
        weights = {
            "white": [("white_british", 88), ("white_other", 6), ("white_irish", 2), ("white_roma", 2), ("white_gypsy_traveller", 1), ("prefer_not", 1)],
            "asian": [("asian_pakistani", 80), ("asian_indian", 9), ("asian_bangladeshi", 8), ("asian_other", 2), ("prefer_not", 1)],
            "mixed": [("mixed_white_asian", 40), ("mixed_white_black_caribbean", 35), ("mixed_white_black_african", 15), ("mixed_other", 10)],
            "black": [("black_african", 55), ("black_caribbean", 35), ("black_other", 10)],
            "other": [("other_arab", 60), ("other_any", 40)],
        }[group]
        answers["ethnic_background"] = _weighted(rng, weights)
        if answers["ethnic_background"] in equality.OTHER_BACKGROUNDS:
            answers["ethnic_background_other"] = rng.choice(
                {"white_other": ["Polish", "Romanian", "Slovak", "Czech"], "asian_other": ["Kashmiri", "Sri Lankan"],
                 "mixed_other": ["Pakistani and English"], "black_other": ["Black British"],
                 "other_any": ["Kurdish", "Iranian"]}[answers["ethnic_background"]])
    background = answers.get("ethnic_background", "")
    if background in ("asian_pakistani", "asian_bangladeshi", "other_arab"):
        religion = _weighted(rng, [("muslim", 92), ("none", 3), ("prefer_not", 5)])
    elif background == "asian_indian":
        religion = _weighted(rng, [("sikh", 40), ("hindu", 40), ("muslim", 15), ("prefer_not", 5)])
    else:
        religion = _weighted(rng, [("christian", 48), ("none", 42), ("muslim", 3), ("buddhist", 1), ("jewish", 1), ("other", 1), ("prefer_not", 4)])
    answers["religion"] = religion
    answers["sex"] = _weighted(rng, [("female", 53), ("male", 44), ("prefer_not", 3)])
    answers["disability"] = _weighted(rng, [("no", 78), ("yes_a_little", 12), ("yes_a_lot", 7), ("prefer_not", 3)])
    young = audience == "young_person"
    if not young or band in ("16_17", "18_25_care"):
        answers["gender_identity_same"] = _weighted(rng, [("yes", 94), ("no", 1), ("prefer_not", 5)])
        answers["sexual_orientation"] = _weighted(rng, [("straight", 85), ("gay_lesbian", 3), ("bisexual", 3), ("other", 1), ("prefer_not", 8)])
        answers["pregnancy"] = _weighted(rng, [("no", 93), ("yes", 3), ("prefer_not", 4)])
    if not young or band == "18_25_care":
        answers["marriage"] = _weighted(rng, [("never", 35), ("married", 45), ("divorced", 8), ("widowed", 6), ("civil_partnership", 1), ("separated_married", 2), ("prefer_not", 3)])
    if young and band != "18_25_care":
        answers["low_income"] = _weighted(rng, [("fsm_yes", 30), ("fsm_no", 50), ("fsm_not_sure", 15), ("prefer_not", 5)])
    else:
        answers["low_income"] = _weighted(rng, [("yes", 35), ("no", 55), ("prefer_not", 10)])
    if young:
        answers["age"] = "young_" + band
    else:
        answers["age"] = _weighted(rng, [("18_24", 10), ("25_34", 18), ("35_44", 20), ("45_54", 18), ("55_64", 15), ("65_74", 12), ("75_plus", 6), ("under_18", 1)])
    # Not everyone answers everything: "skip the rest" part way through.
    if rng.random() < 0.15:
        for column in rng.sample(sorted(answers), k=rng.randint(1, 3)):
            if column != "age":
                answers.pop(column)
    if "ethnic_background" not in answers:
        answers.pop("ethnic_background_other", None)
    return answers


def seed_demo_feedback(seed: int, today: date | None = None) -> int:
    """Add HOW_MANY demo submissions (and some equality answers) unless they are there.

    Returns how many demo submissions the portal holds afterwards. Commits: run from
    the command line, where no view commits.
    """
    existing = db.session.scalar(select(func.count()).select_from(Submission).where(Submission.draft_token.startswith(DEMO_PREFIX)))
    if existing:
        return existing
    rng = Random(seed)
    today = today or uk_today()
    themes = {slug: theme_id for slug, theme_id in db.session.execute(select(Theme.slug, Theme.id))}
    areas = {slug: area_id for slug, area_id in db.session.execute(select(Area.slug, Area.id))}
    phrases = active_phrases()
    used = set(db.session.scalars(select(Submission.reference)))
    equality_ids = set(db.session.scalars(select(EqualityAnswers.id)))
    flagged_slots = set(rng.sample(range(HOW_MANY), k=len(FLAGGED_TEXTS)))
    flagged_queue = list(FLAGGED_TEXTS)
    rng.shuffle(flagged_queue)

    for index in range(HOW_MANY):
        if index in flagged_slots:
            audience, theme_slug, template = flagged_queue.pop()
        else:
            audience = "young_person" if rng.random() < 0.35 else "adult"
            bank = YOUNG_TEXTS if audience == "young_person" else ADULT_TEXTS
            theme_slug = _weighted(rng, [(slug, 12 if slug != "something-else" else 5) for slug in bank])
            template = rng.choice(bank[theme_slug])
        area_choice = _weighted(rng, [("area", 85), ("prefer_not", 10), ("elsewhere", 5)])
        area_slug = rng.choice(list(PLACES)) if area_choice == "area" else None
        body = _body(rng, template, area_slug, audience)

        band = care = email = None
        if audience == "young_person":
            band = _weighted(rng, [("under_13", 25), ("13_15", 35), ("16_17", 25), ("18_25_care", 15)])
            care = "yes" if band == "18_25_care" else _weighted(rng, [("no", 60), ("yes", 10), ("prefer_not", 5), (None, 25)])
            if band != "under_13" and rng.random() < 0.15:
                email = f"young.person{index}@example.com"
        elif rng.random() < 0.3:
            email = f"resident{index}@example.com"

        # Spread over the last four months, more of them recent.
        days_ago = min(int(rng.expovariate(1 / 35)), 120)
        created_on = today - timedelta(days=days_ago)
        created_at = datetime.combine(created_on, time(rng.randint(7, 22), rng.randint(0, 59)), tzinfo=UK).astimezone(UTC)
        concerns = find_concerns(body, phrases)
        status, reviewed_at, hidden_reason = "received", None, None
        if days_ago > 3 and rng.random() < min(0.9, days_ago / 30):
            status = "in_review"
            reviewed_at = created_at + timedelta(days=rng.randint(1, min(days_ago, 10)), hours=rng.randint(0, 8))
            if rng.random() < 0.08 and not concerns:
                status, hidden_reason = "hidden", rng.choice(
                    ["Not about the district", "Repeated message", "Contains someone's personal details"])
        safeguarding, flagged_at, flag_due_at = "none", None, None
        if concerns:
            safeguarding = "open" if days_ago < 10 else _weighted(rng, [("open", 50), ("escalated", 30), ("cleared", 20)])
            flagged_at = created_at
            flag_due_at = add_working_hours(created_at, ESCALATE_AFTER_WORKING_HOURS)

        reference = new_reference(rng)
        while reference in used:
            reference = new_reference(rng)
        used.add(reference)
        submission = Submission(
            reference=reference,
            draft_token=f"{DEMO_PREFIX}{seed}-{index}",
            audience=audience,
            channel="online",
            theme_id=themes.get(theme_slug),
            area_id=areas.get(area_slug) if area_slug else None,
            area_choice=area_choice,
            body=body,
            email=email,
            age_band=band,
            care_experienced=care,
            status=status,
            hidden_reason=hidden_reason,
            safeguarding_state=safeguarding,
            safeguarding_categories=",".join(concerns) or None,
            flagged_at=flagged_at,
            flag_due_at=flag_due_at,
            created_at=created_at,
            due_on=due_date(created_on),
            reviewed_at=reviewed_at,
        )
        db.session.add(submission)

        if not concerns and equality.eligible(audience, band) and rng.random() < 0.4:
            row_id = 2**30 + rng.randrange(2**31 - 1 - 2**30)
            while row_id in equality_ids:
                row_id = 2**30 + rng.randrange(2**31 - 1 - 2**30)
            equality_ids.add(row_id)
            db.session.add(EqualityAnswers(
                id=row_id,
                audience=audience,
                theme_id=themes.get(theme_slug),
                area_id=areas.get(area_slug) if area_slug else None,
                month=created_on.replace(day=1),
                **_equality(rng, audience, band),
            ))
    db.session.commit()
    return HOW_MANY
