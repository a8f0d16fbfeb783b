"""Optional equality monitoring: the questions, their GSS categories, and who is asked what.

Shared by "tell us" (answers kept with no link to the feedback) and the People's Advisory
Group (answers kept apart from the application, used only for the group's make-up and a
fair draw).

Which characteristics: the nine protected characteristics exactly as the council's
Equality Impact Assessment for the Stronger Communities Strategy lists them (age,
disability, gender reassignment, race, religion/belief, pregnancy and maternity,
sexual orientation, sex, marriage and civil partnership), plus low income, which
Bradford treats as a protected characteristic. They are asked in the EIA's order,
except that sex comes just before the gender identity question, as the ONS guidance
for the harmonised gender identity question asks.

Categories are the GSS harmonised standards for England (the Census 2021 questions)
wherever one exists: ethnicity in two steps (group, then background, with a free-text
"any other" answer), religion, sex, gender identity, sexual orientation, disability
(activities limited by a long-term condition), and legal partnership status. Every
question has "Prefer not to say". What people read is a plain-English version of each
GSS question and category (short sentences, no legal or census terms, for people with
little English); the categories themselves, and the values stored, are exactly the GSS
ones. The pages never use the words "protected characteristic" or "special category
data": they say "questions about you".

Young people are asked only what is proportionate (ICO Children's Code, standard 8,
data minimisation):
- under 13: nothing at all. They cannot consent for themselves under UK GDPR Art. 8,
  and there is no need for special category data from a child that young.
- their age is never asked again: the age band they already gave is copied in.
- under 16: no gender identity or sexual orientation questions (the Census 2021 asked
  these only of people aged 16 and over), and no pregnancy question.
- under 18: no marriage or civil partnership question (nobody under 18 can marry or
  form a civil partnership in England and Wales since February 2023), and low income
  is asked in a form a child can answer: free school meals.

The answers are stored in EqualityAnswers, apart from the feedback, with only the
audience, theme, area and month copied across (see services.store_equality_answers).
"""

from dataclasses import dataclass, field

from portal.i18n import N_
from portal.i18n import lazy_gettext as _l

# Every label and question is marked with lazy_gettext: translated when shown. The
# values (the first of each pair) are what is stored, and never change.
PREFER_NOT = ("prefer_not", _l("Prefer not to say"))

ETHNIC_GROUPS = [
    ("white", _l("White")),
    ("mixed", _l("Mixed or Multiple ethnic groups")),
    ("asian", _l("Asian or Asian British")),
    ("black", _l("Black, Black British, Caribbean or African")),
    ("other", _l("Other ethnic group")),
]

# The background question names the group chosen: one whole sentence per group, so
# that each language can word it its own way.
ETHNIC_BACKGROUND_TITLES = {
    "white": _l("Which of these best describes your White background?"),
    "mixed": _l("Which of these best describes your Mixed or Multiple ethnic background?"),
    "asian": _l("Which of these best describes your Asian or Asian British background?"),
    "black": _l("Which of these best describes your Black, Black British, Caribbean or African background?"),
    "other": _l("Which of these best describes your background?"),
}

# Background within each group; the last of each is the "any other" answer with free text.
ETHNIC_BACKGROUNDS = {
    "white": [
        ("white_british", _l("English, Welsh, Scottish, Northern Irish or British")),
        ("white_irish", _l("Irish")),
        ("white_gypsy_traveller", _l("Gypsy or Irish Traveller")),
        ("white_roma", _l("Roma")),
        ("white_other", _l("Any other White background")),
    ],
    "mixed": [
        ("mixed_white_black_caribbean", _l("White and Black Caribbean")),
        ("mixed_white_black_african", _l("White and Black African")),
        ("mixed_white_asian", _l("White and Asian")),
        ("mixed_other", _l("Any other Mixed or Multiple ethnic background")),
    ],
    "asian": [
        ("asian_indian", _l("Indian")),
        ("asian_pakistani", _l("Pakistani")),
        ("asian_bangladeshi", _l("Bangladeshi")),
        ("asian_chinese", _l("Chinese")),
        ("asian_other", _l("Any other Asian background")),
    ],
    "black": [
        ("black_caribbean", _l("Caribbean")),
        ("black_african", _l("African")),
        ("black_other", _l("Any other Black, Black British or Caribbean background")),
    ],
    "other": [
        ("other_arab", _l("Arab")),
        ("other_any", _l("Any other ethnic group")),
    ],
}
OTHER_BACKGROUNDS = {options[-1][0] for options in ETHNIC_BACKGROUNDS.values()}
ETHNIC_BACKGROUND_OTHER_MAX = 200

ADULT_AGE_BANDS = [
    ("under_18", _l("Under 18")),
    ("18_24", _l("18 to 24")),
    ("25_34", _l("25 to 34")),
    ("35_44", _l("35 to 44")),
    ("45_54", _l("45 to 54")),
    ("55_64", _l("55 to 64")),
    ("65_74", _l("65 to 74")),
    ("75_plus", _l("75 or over")),
]


@dataclass(frozen=True)
class Question:
    """One equality question page. ``slug`` is the URL part, ``column`` the EqualityAnswers field.

    ``characteristic`` names what it monitors for staff and reports (marked with N_, a
    plain string): the question pages never show it.
    """

    slug: str
    column: str
    characteristic: str
    adult_text: str
    young_text: str
    choices: list[tuple[str, str]]
    adult_hint: str = ""
    young_hint: str = ""
    young_choices: list[tuple[str, str]] | None = None
    # Age bands (from the young people's journey) that are NOT asked this question.
    not_for_bands: frozenset[str] = field(default_factory=frozenset)
    adults: bool = True

    def text(self, young: bool) -> str:
        return self.young_text if young else self.adult_text

    def hint(self, young: bool) -> str:
        return self.young_hint if young else self.adult_hint

    def options(self, young: bool) -> list[tuple[str, str]]:
        chosen = self.young_choices if (young and self.young_choices) else self.choices
        return [*chosen, PREFER_NOT]

    def values(self) -> set[str]:
        return {value for value, _label in [*self.choices, *(self.young_choices or []), PREFER_NOT]}


UNDER_16 = frozenset({"under_13", "13_15"})
UNDER_18 = frozenset({"under_13", "13_15", "16_17"})

# The labels below are plain versions of the GSS wording: the categories, and the
# values stored for them, are the GSS ones.
QUESTIONS: list[Question] = [
    Question(
        "age", "age", N_("Age"),
        _l("What is your age?"), _l("How old are you?"),
        ADULT_AGE_BANDS,
        # Young people already told us their age band: it is copied, never asked twice.
        not_for_bands=frozenset({"under_13", "13_15", "16_17", "18_25_care"}),
    ),
    Question(
        "disability", "disability", N_("Disability"),
        # GSS: "Are your day-to-day activities limited because of a health problem or
        # disability which has lasted, or is expected to last, at least 12 months?"
        _l("Do you have a health condition or illness that has lasted, or will last, a year or more?"),
        _l("Does a health problem or disability make everyday things harder for you?"),
        [
            ("yes_a_lot", _l("Yes, and it limits what I can do day to day a lot")),
            ("yes_a_little", _l("Yes, and it limits what I can do day to day a little")),
            ("no", _l("No, or it does not limit what I can do")),
        ],
        adult_hint=_l("This includes a disability, a mental health condition, and problems that come with "
                      "old age."),
        young_hint=_l("Only if it has lasted, or will last, a year or more. For example, a long-term illness, "
                      "a learning disability, or a mental health condition."),
        young_choices=[("yes_a_lot", _l("Yes, a lot")), ("yes_a_little", _l("Yes, a little")), ("no", _l("No"))],
    ),
    Question(
        # Its hint depends on whether the gender question comes next: see hint_for.
        "sex", "sex", N_("Sex"),
        _l("What is your sex?"), _l("What is your sex?"),
        [("female", _l("Female")), ("male", _l("Male"))],
    ),
    Question(
        "gender-identity", "gender_identity_same", N_("Gender reassignment"),
        # GSS: "Is the gender you identify with the same as your sex registered at birth?"
        _l("Is the gender you identify with the same as the sex you were registered at birth?"),
        _l("Is the gender you feel you are the same as the sex you were registered as when you were born?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
        not_for_bands=UNDER_16,
    ),
    Question(
        "ethnic-group", "ethnic_group", N_("Race"),
        _l("What is your ethnic group?"), _l("What is your ethnic group?"),
        ETHNIC_GROUPS,
        adult_hint=_l("Choose the one that best describes your ethnic group or background. You can say more "
                      "on the next page."),
        young_hint=_l("Choose the one that fits you best. You can say more on the next page."),
    ),
    Question(
        "ethnic-background", "ethnic_background", N_("Race"),
        _l("Which of these best describes your background?"),
        _l("Which of these best describes your background?"),
        [option for options in ETHNIC_BACKGROUNDS.values() for option in options],
        adult_hint=_l("Choose the one that fits you best. If none of them fit, choose the ‘Any other’ answer "
                      "and tell us in your own words."),
        young_hint=_l("Pick the one that fits you best. If none of them fit, pick the ‘Any other’ answer and "
                      "tell us in your own words."),
    ),
    Question(
        "religion", "religion", N_("Religion or belief"),
        _l("What is your religion, if you have one?"), _l("What is your religion, if you have one?"),
        [
            ("none", _l("No religion")),
            ("christian", _l("Christian")),
            ("buddhist", _l("Buddhist")),
            ("hindu", _l("Hindu")),
            ("jewish", _l("Jewish")),
            ("muslim", _l("Muslim")),
            ("sikh", _l("Sikh")),
            ("other", _l("Any other religion")),
        ],
        # GSS: "... and all other Christian denominations."
        adult_hint=_l("Christian includes Church of England, Catholic, Protestant and all other Christian "
                      "churches."),
        young_hint=_l("Pick the one that fits you. If you do not have a religion, pick ‘No religion’."),
    ),
    Question(
        "pregnancy", "pregnancy", N_("Pregnancy and maternity"),
        _l("Are you pregnant, or have you had a baby in the last 26 weeks (about 6 months)?"),
        _l("Are you pregnant, or have you had a baby in the last 6 months?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
        not_for_bands=UNDER_16,
    ),
    Question(
        "sexual-orientation", "sexual_orientation", N_("Sexual orientation"),
        _l("Which of these best describes your sexual orientation?"),
        _l("Which of these best describes your sexual orientation?"),
        [
            ("straight", _l("Straight or heterosexual")),
            ("gay_lesbian", _l("Gay or lesbian")),
            ("bisexual", _l("Bisexual")),
            ("other", _l("Other sexual orientation")),
        ],
        adult_hint=_l("This means who you are attracted to, or who you fall in love with. Choose the one that "
                      "fits you best."),
        young_hint=_l("This means who you are attracted to, or who you fall in love with. Choose the one that "
                      "fits you best."),
        not_for_bands=UNDER_16,
    ),
    Question(
        "marriage", "marriage", N_("Marriage and civil partnership"),
        # GSS: "What is your legal marital or registered civil partnership status?"
        _l("Are you married or in a civil partnership?"),
        _l("Are you married or in a civil partnership?"),
        [
            ("never", _l("Never married and never in a civil partnership")),
            ("married", _l("Married")),
            ("civil_partnership", _l("In a civil partnership")),
            ("separated_married", _l("Separated, but still married in law")),
            ("separated_civil", _l("Separated, but still in a civil partnership in law")),
            ("divorced", _l("Divorced")),
            ("dissolved", _l("Was in a civil partnership that has ended (dissolved)")),
            ("widowed", _l("Widowed: my husband or wife has died")),
            ("surviving_partner", _l("My civil partner has died")),
        ],
        adult_hint=_l("A civil partnership is a couple’s relationship that is registered in law, like a "
                      "marriage. Choose what is true in law today."),
        young_choices=[
            ("never", _l("No, never married or in a civil partnership")),
            ("married", _l("Married")),
            ("civil_partnership", _l("In a civil partnership")),
            ("divorced", _l("Divorced, separated or the partnership has ended")),
        ],
        not_for_bands=UNDER_18,
    ),
    Question(
        "low-income", "low_income", N_("Low income"),
        _l("Is your household on a low income?"),
        _l("Do you or your family find it hard to pay for everyday things like food and bills?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
        adult_hint=_l("Your household is you and the people you live with. For example, answer yes if you "
                      "find it hard to pay for food, rent or bills, or you get Universal Credit or Pension "
                      "Credit. We ask because we want to hear from people who have less money."),
        young_hint=_l("We ask because we want to hear from young people whose families have less money."),
    ),
]

# For under-18s, low income is asked as something a child knows: free school meals.
FREE_SCHOOL_MEALS = Question(
    "low-income", "low_income", N_("Low income"),
    _l("Do you get free school meals?"), _l("Do you get free school meals?"),
    [("fsm_yes", _l("Yes")), ("fsm_no", _l("No")), ("fsm_not_sure", _l("I’m not sure"))],
    young_hint=_l("We ask because we want to hear from young people whose families have less money."),
)

# Said on the sex question only to someone who is asked about gender next (never to
# 13 to 15-year-olds, who are not asked it).
GENDER_NEXT = {
    False: _l("The next question is about gender identity."),
    True: _l("The next question is about gender."),
}

BY_SLUG = {question.slug: question for question in QUESTIONS}
COLUMNS = [question.column for question in QUESTIONS] + ["ethnic_background_other"]


def eligible(audience: str, age_band: str | None) -> bool:
    """Whether anyone is asked at all: adults and young people aged 13 or over."""
    return audience == "adult" or (age_band is not None and age_band != "under_13")


def question_for(slug: str, audience: str, age_band: str | None) -> Question:
    if slug == "low-income" and audience == "young_person" and age_band in UNDER_18:
        return FREE_SCHOOL_MEALS
    return BY_SLUG[slug]


def questions_for(audience: str, age_band: str | None, answers: dict | None = None) -> list[Question]:
    """The questions this person is asked, in order.

    The background question is left out once the ethnic group is "Prefer not to say".
    """
    if not eligible(audience, age_band):
        return []
    answers = answers or {}
    asked = []
    for question in QUESTIONS:
        if audience == "young_person" and age_band in question.not_for_bands:
            continue
        if question.slug == "ethnic-background" and answers.get("ethnic_group") == "prefer_not":
            continue
        asked.append(question_for(question.slug, audience, age_band))
    return asked


def background_options(group: str | None) -> list[tuple[str, str]]:
    return ETHNIC_BACKGROUNDS.get(group or "", [])


def hint_for(question: Question, young: bool, asked: list[Question]) -> str:
    """The hint on a question page, told only what applies to this person."""
    if question.slug == "sex":
        slugs = [q.slug for q in asked]
        following = slugs[slugs.index("sex") + 1:] if "sex" in slugs else []
        return GENDER_NEXT[young] if following[:1] == ["gender-identity"] else ""
    return question.hint(young)


def background_title(group: str | None) -> str:
    return ETHNIC_BACKGROUND_TITLES.get(group or "", ETHNIC_BACKGROUND_TITLES["other"])


def label_for(question: Question, value: str | None, young: bool = False) -> str:
    for option_value, text in question.options(young):
        if option_value == value:
            return text
    return ""
