"""The reference data every install starts with, from the council's own documents.

Theme names and one-line descriptions are as the Social Kinetic engagement report
wrote them ("It's your place, tell us what you think", 2018), two tidied into whole
sentences (one began "and …", one read "mix- work"); pillar definitions are
from the Stronger Communities Strategy 2018-2023. The documents never map themes to
pillars, so the link below is the closest fit and stays editable data.
"""

from sqlalchemy import select

from portal.core.contributions import contributions
from portal.core.models import Area, Pillar, Theme, reference_changed
from portal.core.settings import seed_settings
from portal.extensions import db
from portal.i18n import N_

PILLARS = [
    ("getting-on", N_("Getting On"),
     N_("Equality of opportunity - addressing factors affecting economic participation and poverty including language skills and educational attainment.")),
    ("getting-along", N_("Getting Along"),
     N_("Promoting greater interaction, dialogue and understanding between people from different backgrounds given the diversity of the population and the extent of residential and educational segregation; ensuring that people understand fully their rights and freedoms and their responsibilities.")),
    ("getting-involved", N_("Getting Involved"),
     N_("Generating and connecting people to opportunities to participate in community and civic life and strengthening leadership.")),
    ("feeling-safe", N_("Feeling Safe"),
     N_("Tackling crime and the fear of crime so that everyone feels safe.")),
]

# (slug, name, description as written, plain words for young people, pillar slug)
THEMES = [
    ("employment-opportunities", N_("Employment Opportunities"),
     N_("Finding ways around things that might stop people applying for or getting jobs, so everyone has the chance to find work and do well at work"),
     N_("Jobs, training and help to get a good job when you are older."), "getting-on"),
    ("english-language-and-life", N_("English Language and Life"),
     N_("Giving everyone the chance to learn English and adapt to day to day life in the district"),
     N_("Helping everyone learn English and feel at home here."), "getting-on"),
    ("hope-for-the-future", N_("Hope for the Future"),
     N_("Helping people feel they have a future in the district so they feel good about living here"),
     N_("Feeling good about your future and about living here."), "getting-on"),
    ("building-respect-and-friendships", N_("Building Respect and Friendships"),
     N_("Between people of all ages, ethnicities, genders and faiths"),
     N_("Making friends and getting on with people who are different from you."), "getting-involved"),
    ("dealing-with-hate-crime-and-intolerance", N_("Dealing with Hate Crime and Intolerance"),
     N_("Tackling hate crime and intolerance, and the things that make people afraid of or angry with each other"),
     N_("Stopping people being picked on or hurt because of who they are."), "feeling-safe"),
    ("sharing-spaces-and-places", N_("Sharing Spaces and Places"),
     N_("Creating spaces where everyone from the local area can mix, work, play and socialise together"),
     N_("Safe places where everyone can meet, play and hang out together."), "getting-involved"),
    ("linking-up-schools", N_("Linking Up Schools"),
     N_("Helping young people to mix with other young people who have different backgrounds to them"),
     N_("Meeting young people from other schools and backgrounds."), "getting-along"),
]

AREAS = [
    ("bradford-east", N_("Bradford East")),
    ("bradford-west", N_("Bradford West")),
    ("bradford-south", N_("Bradford South")),
    ("keighley", N_("Keighley")),
    ("shipley", N_("Shipley")),
]



def seed_reference_data() -> None:
    """Insert whatever reference rows are missing; never overwrites an admin's edits.

    Commits: seeding runs from the command line (and tests), where no view commits.
    """
    pillars = {p.slug: p for p in db.session.scalars(select(Pillar))}
    for position, (slug, name, definition) in enumerate(PILLARS):
        if slug not in pillars:
            pillars[slug] = Pillar(slug=slug, name=name, definition=definition, position=position)
            db.session.add(pillars[slug])
    db.session.flush()

    existing_themes = set(db.session.scalars(select(Theme.slug)))
    for position, (slug, name, description, plain, pillar_slug) in enumerate(THEMES):
        if slug not in existing_themes:
            db.session.add(
                Theme(slug=slug, name=name, description=description, plain_description=plain,
                      pillar_id=pillars[pillar_slug].id, position=position)
            )

    existing_areas = set(db.session.scalars(select(Area.slug)))
    for position, (slug, name) in enumerate(AREAS):
        if slug not in existing_areas:
            db.session.add(Area(slug=slug, name=name, position=position))

    seed_settings()  # every setting's row, core's and each capability's

    for seeder in contributions().reference_seeders:
        seeder()  # each capability's own reference rows (the safeguarding words, say)
    db.session.commit()
    reference_changed()
