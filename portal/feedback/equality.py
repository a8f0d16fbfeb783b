"""Optional equality monitoring: the questions, their GSS categories, and who is asked what.

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
question has "Prefer not to say".

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

PREFER_NOT = ("prefer_not", "Prefer not to say")

ETHNIC_GROUPS = [
    ("white", "White"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("asian", "Asian or Asian British"),
    ("black", "Black, Black British, Caribbean or African"),
    ("other", "Other ethnic group"),
]

# Background within each group; the last of each is the "any other" answer with free text.
ETHNIC_BACKGROUNDS = {
    "white": [
        ("white_british", "English, Welsh, Scottish, Northern Irish or British"),
        ("white_irish", "Irish"),
        ("white_gypsy_traveller", "Gypsy or Irish Traveller"),
        ("white_roma", "Roma"),
        ("white_other", "Any other White background"),
    ],
    "mixed": [
        ("mixed_white_black_caribbean", "White and Black Caribbean"),
        ("mixed_white_black_african", "White and Black African"),
        ("mixed_white_asian", "White and Asian"),
        ("mixed_other", "Any other Mixed or Multiple ethnic background"),
    ],
    "asian": [
        ("asian_indian", "Indian"),
        ("asian_pakistani", "Pakistani"),
        ("asian_bangladeshi", "Bangladeshi"),
        ("asian_chinese", "Chinese"),
        ("asian_other", "Any other Asian background"),
    ],
    "black": [
        ("black_caribbean", "Caribbean"),
        ("black_african", "African"),
        ("black_other", "Any other Black, Black British or Caribbean background"),
    ],
    "other": [
        ("other_arab", "Arab"),
        ("other_any", "Any other ethnic group"),
    ],
}
OTHER_BACKGROUNDS = {options[-1][0] for options in ETHNIC_BACKGROUNDS.values()}
ETHNIC_BACKGROUND_OTHER_MAX = 200

ADULT_AGE_BANDS = [
    ("under_18", "Under 18"),
    ("18_24", "18 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_74", "65 to 74"),
    ("75_plus", "75 or over"),
]


@dataclass(frozen=True)
class Question:
    """One equality question page. ``slug`` is the URL part, ``column`` the EqualityAnswers field."""

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
        return {value for value, _ in [*self.choices, *(self.young_choices or []), PREFER_NOT]}


UNDER_16 = frozenset({"under_13", "13_15"})
UNDER_18 = frozenset({"under_13", "13_15", "16_17"})

QUESTIONS: list[Question] = [
    Question(
        "age", "age", "Age",
        "What is your age?", "How old are you?",
        ADULT_AGE_BANDS,
        # Young people already told us their age band: it is copied, never asked twice.
        not_for_bands=frozenset({"under_13", "13_15", "16_17", "18_25_care"}),
    ),
    Question(
        "disability", "disability", "Disability",
        "Are your day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?",
        "Does a health problem or disability make everyday things harder for you?",
        [("yes_a_lot", "Yes, limited a lot"), ("yes_a_little", "Yes, limited a little"), ("no", "No")],
        adult_hint="Include problems related to old age.",
        young_hint="Only if it has lasted, or will last, a year or more. For example, "
        "a long-term illness, a learning disability, or a mental health condition.",
        young_choices=[("yes_a_lot", "Yes, a lot"), ("yes_a_little", "Yes, a little"), ("no", "No")],
    ),
    Question(
        "sex", "sex", "Sex",
        "What is your sex?", "What is your sex?",
        [("female", "Female"), ("male", "Male")],
        adult_hint="A question about gender identity will follow.",
        young_hint="There is a question about gender next, if you are 16 or over.",
    ),
    Question(
        "gender-identity", "gender_identity_same", "Gender reassignment",
        "Is the gender you identify with the same as your sex registered at birth?",
        "Is the gender you identify with the same as the sex you were registered as when you were born?",
        [("yes", "Yes"), ("no", "No")],
        not_for_bands=UNDER_16,
    ),
    Question(
        "ethnic-group", "ethnic_group", "Race",
        "What is your ethnic group?", "What is your ethnic group?",
        ETHNIC_GROUPS,
        adult_hint="Choose one option that best describes your ethnic group or background.",
        young_hint="Choose the one that fits you best. You will be able to say more on the next page.",
    ),
    Question(
        "ethnic-background", "ethnic_background", "Race",
        "Which of the following best describes your background?",
        "Which of these best describes your background?",
        [option for options in ETHNIC_BACKGROUNDS.values() for option in options],
    ),
    Question(
        "religion", "religion", "Religion or belief",
        "What is your religion?", "What is your religion, if you have one?",
        [
            ("none", "No religion"),
            ("christian", "Christian"),
            ("buddhist", "Buddhist"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other", "Any other religion"),
        ],
        adult_hint="Christian includes Church of England, Catholic, Protestant and all other Christian denominations.",
    ),
    Question(
        "pregnancy", "pregnancy", "Pregnancy and maternity",
        "Are you pregnant, or have you given birth in the last 26 weeks?",
        "Are you pregnant, or have you had a baby in the last 6 months?",
        [("yes", "Yes"), ("no", "No")],
        not_for_bands=UNDER_16,
    ),
    Question(
        "sexual-orientation", "sexual_orientation", "Sexual orientation",
        "Which of the following best describes your sexual orientation?",
        "Which of these best describes your sexual orientation?",
        [
            ("straight", "Straight or heterosexual"),
            ("gay_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Other sexual orientation"),
        ],
        not_for_bands=UNDER_16,
    ),
    Question(
        "marriage", "marriage", "Marriage and civil partnership",
        "What is your legal marital or registered civil partnership status?",
        "Are you married or in a civil partnership?",
        [
            ("never", "Never married and never registered a civil partnership"),
            ("married", "Married"),
            ("civil_partnership", "In a registered civil partnership"),
            ("separated_married", "Separated, but still legally married"),
            ("separated_civil", "Separated, but still legally in a civil partnership"),
            ("divorced", "Divorced"),
            ("dissolved", "Formerly in a civil partnership which is now legally dissolved"),
            ("widowed", "Widowed"),
            ("surviving_partner", "Surviving partner from a civil partnership"),
        ],
        young_choices=[
            ("never", "No, never married or in a civil partnership"),
            ("married", "Married"),
            ("civil_partnership", "In a civil partnership"),
            ("divorced", "Divorced, separated or the partnership has ended"),
        ],
        not_for_bands=UNDER_18,
    ),
    Question(
        "low-income", "low_income", "Low income",
        "Would you describe your household as being on a low income?",
        "Do you or your family find it hard to pay for everyday things like food and bills?",
        [("yes", "Yes"), ("no", "No")],
        adult_hint="For example, if you find it hard to pay for food, rent or bills, or you get "
        "Universal Credit or Pension Credit. Bradford District Council treats low income as a "
        "protected characteristic.",
        young_hint="We ask because we want to hear from young people whose families have less money.",
    ),
]

# For under-18s, low income is asked as something a child knows: free school meals.
FREE_SCHOOL_MEALS = Question(
    "low-income", "low_income", "Low income",
    "Do you get free school meals?", "Do you get free school meals?",
    [("fsm_yes", "Yes"), ("fsm_no", "No"), ("fsm_not_sure", "I'm not sure")],
    young_hint="We ask because we want to hear from young people whose families have less money.",
)

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


def label_for(question: Question, value: str | None, young: bool = False) -> str:
    for option_value, text in question.options(young):
        if option_value == value:
            return text
    return ""
