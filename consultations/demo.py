"""Believable demo consultations, dated around today (decision 23): the 2016/17 precept
consultation as history, with the proposal it consulted on; a 20mph consultation open now; a
town and parish council survey coming up; a victims' survey (sensitive) open now; a rural crime
survey closed five weeks ago whose feedback is due; a community remedy consultation whose
outcome is published; and one on police station front counters closed more than twelve weeks
ago with no feedback yet, so the overdue flag and its reminder show. A few thousand generated
responses, some with answers about the person (equality monitoring) and some free-text answers
tagged with themes.

Idempotent: each consultation is found by its web address and made, with its responses, only
when missing. The responses are random but seeded, so every laptop shows the same demo.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from engagement.models import ActivityArea, ReachedGroup
from pcc_portal.demo import create_demo_users, demo_email
from pcc_portal.models import Decision, LocalAuthority, OfficeProfile, PolicingArea, User
from pcc_portal.roles import ENGAGEMENT_OFFICER

from . import workflow
from .answering import HONEYPOT, REPEATED, TOO_FAST
from .documents import add_document
from .models import (
    Answer,
    AnswerScale,
    Consultation,
    EqualityAnswers,
    Question,
    QuestionOption,
    Response,
    Theme,
)
from .outcomes import publish_outcome, write_outcome
from .precept import add_precept_questions
from .services import move_consultation

Kind = Question.Kind
SEED = 2015
BATCH = 1000

CONFIDENCE = "How good a job do you think the police do in your local area?"
CONFIDENCE_MEASURE = "Confidence in the police"
CONFIDENCE_HINT = "The question of the 2008 joint strategy's survey, asked every year."
WHERE = "Where do you live?"
WHERE_HINT = "Choose your council area, or your policing area if you are not sure."
EMAIL = "Your email address, if you would like to hear what we decided"
EMAIL_HINT = "We will only use it to tell you the outcome of this consultation."


@dataclass(frozen=True)
class Ask:
    """One question of a demo consultation, and how the generated people answer it."""

    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    options: tuple[str, ...] = ()
    scale: str = ""
    measure: str = ""
    # Options, scale points or (yes, no) in order; equal when left out.
    weights: tuple[float, ...] = ()
    # Sample answers for text; a range (low, high) for a number.
    samples: tuple = ()
    # An earlier question's text and the options that show this one.
    show_if: tuple[str, tuple[str, ...]] | None = None
    # How many of those shown an optional question leave it unanswered.
    skipped: float = 0.15


@dataclass(frozen=True)
class Demo:
    slug: str
    title: str
    summary: str
    why: str
    can_change: str
    cannot_change: str
    audience: str
    activity_areas: tuple[int, ...]
    asks: tuple[Ask, ...]
    responses: int
    sensitive: bool = False
    band_d_increase: Decimal | None = None
    # Who answers "who is responding": residents, businesses, organisations.
    respondents: tuple[float, float, float] = (90, 6, 4)
    # How people answer the questions a template adds, by type.
    template: Mapping[str, Ask] = field(default_factory=dict)
    outcome: "Told | None" = None
    # Councils answering for themselves are not asked about themselves.
    asks_equality: bool = True
    # The document consulted on, if any: its title and the text of its one page.
    document: "Paper | None" = None


@dataclass(frozen=True)
class Told:
    """ "You said, we did", and the decision in the register it links to.

    A historic decision has its own date; one around today is taken `decided_after` the
    consultation closed, and its reference names that year ("DN {year}/031").
    """

    said: str
    decision: str
    shaped_by: str
    reference: str
    title: str
    summary: str
    decided_on: date | None = None
    decided_after: timedelta = timedelta(weeks=6)

    def decided(self, closes_at: datetime) -> date:
        return self.decided_on or timezone.localdate(closes_at) + self.decided_after


@dataclass(frozen=True)
class Paper:
    """A document consulted on, generated as a one-page PDF."""

    title: str
    file_name: str
    lines: tuple[str, ...]


def confidence(weights=(9, 33, 31, 17, 10)) -> Ask:
    return Ask(
        Kind.SCALE,
        CONFIDENCE,
        CONFIDENCE_HINT,
        required=True,
        scale="how-good-a-job",
        measure=CONFIDENCE_MEASURE,
        weights=weights,
    )


WHERE_YOU_LIVE = Ask(Kind.WHERE_YOU_LIVE, WHERE, WHERE_HINT, required=True)
EMAIL_ASK = Ask(Kind.EMAIL, EMAIL, EMAIL_HINT, skipped=0.7)
WHO = Ask(
    Kind.RESPONDENT_TYPE,
    "Are you responding as a resident, as a business, or on behalf of an organisation?",
    required=True,
)

PRECEPT_COMMENTS = (
    "I would rather pay a little more and see officers on foot in the town again.",
    "Pensioners cannot keep paying more every year. Find the savings first.",
    "Happy to pay if the money goes to the neighbourhood team and not to headquarters.",
    "Please spend it on answering 101 calls faster.",
    "Rural areas pay the same but never see a police car. Fairer shares for villages please.",
    "As a shop owner I would support it if business crime was taken seriously.",
    "The increase is small, but I want to see a report of what it paid for.",
    "Put more into tackling drug dealing on our estate.",
    "No. Council tax is already too high for a Band D house.",
    "Yes, as long as the police station counter stays open.",
)
LIMITS_REASONS = (
    "Nobody keeps to 30 now, so a 20 sign will change nothing without enforcement.",
    "The main road through the village is a bus route and would slow everyone down.",
    "Money would be better spent on speed cameras outside the schools.",
    "Drivers will look at their speedometers rather than at the road.",
    "It should be decided street by street, not for the whole town.",
)
LIMITS_COMMENTS = (
    "Cars race down our road at school time. A 20 limit would make parents feel safer.",
    "Please ask the community speed watch teams where the problems are.",
    "The limit outside the primary school should be enforced at drop-off.",
    "We need traffic calming as well as signs.",
    "Lorries cutting through the lanes are the real danger here.",
)
VICTIM_BETTER = (
    "Tell me when someone is charged without me having to chase it.",
    "The officer who came was kind but I never heard from anyone again.",
    "Give victims one person to contact who knows the case.",
    "I did not know victim support existed until months later.",
    "Let me give my statement somewhere other than the police station.",
    "Explain what happens at court before the day.",
)
RURAL_HELP = (
    "A named rural officer who answers emails.",
    "Quicker attendance when hare coursers are on the land.",
    "Marking kits for quad bikes and tools.",
    "Farm watch alerts by text message.",
    "More patrols on the lanes at night.",
    "Cameras on the main routes out of the valley.",
)

REMEDY_COMMENTS = (
    "Make them clean up the graffiti they sprayed, where people can see it being done.",
    "Victims should be told whether the remedy was actually carried out.",
    "Young people need a course on how their behaviour affects older neighbours.",
    "Mediation worked for us when nothing else did.",
    "An apology means nothing unless it is face to face.",
)
COUNTER_COMMENTS = (
    "Online reporting is fine for me but older people need a counter in town.",
    "Keep the counter open on Saturdays, it is the only day I can get there.",
    "A webchat in the evenings would be more useful than a counter.",
    "Please keep one counter open in each market town, not just the big stations.",
    "I would use a drop-in at the library or council office.",
)
# Themes staff tag free-text answers with, by the words of the generated answer.
THEMES = {
    PRECEPT_COMMENTS[0]: ("Visible policing",),
    PRECEPT_COMMENTS[1]: ("Cost of living",),
    PRECEPT_COMMENTS[2]: ("Visible policing", "Where the money goes"),
    PRECEPT_COMMENTS[3]: ("101 calls",),
    PRECEPT_COMMENTS[4]: ("Rural policing",),
    PRECEPT_COMMENTS[5]: ("Business crime",),
    PRECEPT_COMMENTS[6]: ("Where the money goes",),
    PRECEPT_COMMENTS[7]: ("Drugs",),
    PRECEPT_COMMENTS[8]: ("Cost of living",),
    PRECEPT_COMMENTS[9]: ("Visible policing",),
    LIMITS_REASONS[0]: ("Enforcement",),
    LIMITS_REASONS[1]: ("Buses and through traffic",),
    LIMITS_REASONS[2]: ("Schools", "Speed cameras"),
    LIMITS_REASONS[4]: ("Street by street",),
    LIMITS_COMMENTS[0]: ("Schools",),
    LIMITS_COMMENTS[1]: ("Community speed watch",),
    LIMITS_COMMENTS[2]: ("Schools", "Enforcement"),
    LIMITS_COMMENTS[3]: ("Traffic calming",),
    LIMITS_COMMENTS[4]: ("Buses and through traffic",),
    VICTIM_BETTER[0]: ("Kept informed",),
    VICTIM_BETTER[1]: ("Kept informed",),
    VICTIM_BETTER[2]: ("One point of contact",),
    VICTIM_BETTER[3]: ("Support services",),
    VICTIM_BETTER[5]: ("Court",),
    RURAL_HELP[0]: ("Rural officers",),
    RURAL_HELP[1]: ("Hare coursing",),
    RURAL_HELP[2]: ("Crime prevention",),
    RURAL_HELP[3]: ("Crime prevention",),
    RURAL_HELP[4]: ("Patrols",),
    REMEDY_COMMENTS[0]: ("Reparation",),
    REMEDY_COMMENTS[1]: ("Victims kept informed",),
    REMEDY_COMMENTS[3]: ("Mediation",),
    COUNTER_COMMENTS[0]: ("Older people", "Counters in towns"),
    COUNTER_COMMENTS[1]: ("Opening times",),
    COUNTER_COMMENTS[2]: ("Online contact",),
    COUNTER_COMMENTS[3]: ("Counters in towns",),
}
# How many of the answers with a theme staff have tagged so far.
THEMED_SHARE = 0.7

DEMOS = (
    Demo(
        slug="precept-2016-17",
        title="Policing precept 2016/17",
        summary=(
            "Part of your council tax pays for policing: the police precept. Before the budget "
            "for 2016/17 is set we asked one simple question: would you be willing to pay a "
            "little more a year for policing?"
        ),
        why=(
            "The law asks us to consult the public, and representatives of business ratepayers, "
            "before setting the precept each year. Last year's consultation brought mixed "
            "responses, low in volume, so this year there is a single question to answer."
        ),
        can_change="The level of the precept proposed to the Police and Crime Panel.",
        cannot_change=(
            "The police grant from central government, or the limit above which a rise needs "
            "a local referendum."
        ),
        audience="Residents, businesses and organisations in the force area",
        activity_areas=(1,),
        asks=(WHERE_YOU_LIVE, confidence()),
        band_d_increase=Decimal("3.50"),
        respondents=(86, 10, 4),
        template={
            Kind.YES_NO: Ask(Kind.YES_NO, "", weights=(57, 43)),
            Kind.LONG_TEXT: Ask(Kind.LONG_TEXT, "", samples=PRECEPT_COMMENTS, skipped=0.8),
        },
        responses=1200,
        outcome=Told(
            said=(
                "More than half of those who answered said they would be willing to pay £3.50 "
                "more a year for policing for a Band D property. Businesses' answers were "
                "counted separately and followed the same pattern. Many comments asked for "
                "officers to be seen on foot again, for 101 calls to be answered faster and "
                "for a fairer share of policing for rural areas."
            ),
            decision=(
                "The precept for 2016/17 was set with a Band D increase of £3.50 a year, after "
                "the Police and Crime Panel considered the proposal in February 2016."
            ),
            shaped_by=(
                "The support for a small rise gave the confidence to propose it. The comments "
                "about visible policing and rural areas shaped the budget's priorities: the "
                "money protects neighbourhood teams, and the rural crime teams keep their "
                "numbers. Faster answers to 101 calls are now a measure in the delivery plan."
            ),
            reference="DN 2016/004",
            title="Policing precept 2016/17",
            decided_on=date(2016, 2, 15),
            summary=(
                "The police precept for 2016/17, with a Band D increase of £3.50 a year, after "
                "public consultation from 1 December 2015 to 18 January 2016."
            ),
        ),
        document=Paper(
            title="Precept proposal 2016/17",
            file_name="precept-proposal-2016-17.pdf",
            lines=(
                "Policing precept 2016/17: the proposal",
                "",
                "The police grant from central government falls again in 2016/17.",
                "We propose to raise the police part of council tax by £3.50 a year",
                "for a Band D property, about 7p a week.",
                "",
                "The money would protect neighbourhood policing teams and the rural",
                "crime teams, and pay for answering 101 calls faster.",
                "",
                "Tell us what you think by 18 January 2016.",
            ),
        ),
    ),
    Demo(
        slug="20mph-limits",
        title="20mph limits in our towns and villages",
        summary=(
            "Councils are considering 20mph limits on residential streets, near schools and in "
            "village centres. We want to know where speeding worries you and whether lower "
            "limits would help."
        ),
        why=(
            "Speeding is among the issues people raise with us most. The police enforce speed "
            "limits, so your views shape what we say to the councils that set them."
        ),
        can_change="Where we ask the police to focus enforcement, and what we say to councils.",
        cannot_change="Speed limits are set by the highway authority, not by the police.",
        audience="Everyone who lives, works or drives in the area",
        activity_areas=(1, 2),
        asks=(
            WHERE_YOU_LIVE,
            confidence(weights=(8, 31, 33, 18, 10)),
            Ask(
                Kind.SCALE,
                "How worried are you about speeding traffic in your street?",
                required=True,
                scale="how-worried",
                weights=(30, 38, 22, 10),
            ),
            Ask(
                Kind.SINGLE_CHOICE,
                "Would you support a 20mph limit on the residential streets near you?",
                required=True,
                options=("Yes", "No", "Not sure"),
                weights=(62, 27, 11),
            ),
            Ask(
                Kind.LONG_TEXT,
                "Why would you not support a 20mph limit?",
                show_if=(
                    "Would you support a 20mph limit on the residential streets near you?",
                    ("No",),
                ),
                samples=LIMITS_REASONS,
                skipped=0.4,
            ),
            Ask(
                Kind.MULTIPLE_CHOICE,
                "Where would a 20mph limit make the most difference?",
                "Select all that apply.",
                options=(
                    "Outside schools",
                    "Residential streets",
                    "Village centres",
                    "Town centres",
                    "Near parks and play areas",
                ),
                weights=(80, 45, 40, 25, 35),
                skipped=0.1,
            ),
            Ask(
                Kind.NUMBER,
                "About how many days a week do you drive through a 20mph zone?",
                samples=(0, 7),
                skipped=0.3,
            ),
            Ask(
                Kind.LONG_TEXT,
                "Is there anything else you would like to tell us?",
                samples=LIMITS_COMMENTS,
                skipped=0.7,
            ),
            EMAIL_ASK,
        ),
        responses=700,
    ),
    Demo(
        slug="town-and-parish-council-survey",
        title="Town and parish council survey",
        summary=(
            "Town and parish councils know their communities. This survey asks councils how "
            "well the local policing team keeps in touch and what their priorities are."
        ),
        why=(
            "Councils told us they hear too little from their neighbourhood teams. The answers "
            "set how we work with councils over the coming year."
        ),
        can_change="How and how often neighbourhood teams report to councils.",
        cannot_change="Operational decisions, which are for the Chief Constable.",
        audience="Town and parish councils, through their clerks",
        activity_areas=(1, 5),
        asks=(
            Ask(
                Kind.RESPONDENT_TYPE,
                "Which council are you responding for?",
                "Choose 'on behalf of an organisation' and give the council's name.",
                required=True,
            ),
            WHERE_YOU_LIVE,
            Ask(
                Kind.NUMBER,
                "How many times did your council meet its local policing team last year?",
                required=True,
            ),
            Ask(
                Kind.SCALE,
                "Our local policing team keeps the council well informed.",
                required=True,
                scale="agreement",
            ),
            Ask(
                Kind.MULTIPLE_CHOICE,
                "Which are your council's policing priorities?",
                "Select up to three.",
                required=True,
                options=(
                    "Speeding",
                    "Anti-social behaviour",
                    "Rural crime",
                    "Burglary",
                    "Drug dealing",
                    "Fly-tipping",
                ),
            ),
            Ask(Kind.SHORT_TEXT, "Who is your council's contact for policing matters?"),
            EMAIL_ASK,
        ),
        respondents=(0, 0, 1),
        responses=0,
        asks_equality=False,
    ),
    Demo(
        slug="victims-survey",
        title="Your experience of reporting a crime",
        summary=(
            "If you have reported a crime in the last two years, tell us how you were treated "
            "and what would have helped. You do not need to give your name."
        ),
        why=(
            "We must obtain the views of victims of crime, and we commission the services that "
            "support them. Your answers help us decide what those services offer."
        ),
        can_change="What victim services offer and how they are commissioned.",
        cannot_change="The outcome of any case.",
        audience="People who have reported a crime in the last two years",
        activity_areas=(3,),
        sensitive=True,
        asks=(
            Ask(
                Kind.SINGLE_CHOICE,
                "What kind of crime did you report?",
                required=True,
                options=(
                    "Burglary or theft",
                    "Violence",
                    "Harassment or stalking",
                    "Fraud or a scam",
                    "Damage to property",
                    "Something else",
                ),
                weights=(30, 18, 14, 16, 15, 7),
            ),
            Ask(
                Kind.SCALE,
                "I was kept informed about my case.",
                required=True,
                scale="agreement",
                weights=(12, 24, 18, 22, 24),
            ),
            Ask(
                Kind.YES_NO,
                "Were you offered support from a victim service?",
                required=True,
                weights=(55, 45),
            ),
            Ask(
                Kind.LONG_TEXT,
                "What could we have done better?",
                samples=VICTIM_BETTER,
                skipped=0.5,
            ),
            Ask(
                Kind.WHERE_YOU_LIVE,
                WHERE,
                "You can choose 'prefer not to say'.",
            ),
        ),
        responses=250,
    ),
    Demo(
        slug="rural-crime-survey",
        title="Rural crime survey",
        summary=(
            "Farmers, rural businesses and people living in the countryside: tell us about the "
            "crime that affects you and how the police respond."
        ),
        why=(
            "Farmers at our markets tell us rural crime goes unreported because nothing "
            "happens. We want to know how much, and what would help."
        ),
        can_change="How rural crime teams are deployed and what crime prevention we fund.",
        cannot_change="How individual crimes already reported were dealt with.",
        audience="Farmers, rural businesses and rural residents",
        activity_areas=(5,),
        asks=(
            WHERE_YOU_LIVE,
            WHO,
            Ask(
                Kind.MULTIPLE_CHOICE,
                "Which of these have affected you in the last year?",
                "Select all that apply.",
                required=True,
                options=(
                    "Theft of machinery or tools",
                    "Hare coursing",
                    "Fly-tipping",
                    "Livestock worrying",
                    "Fuel theft",
                    "None of these",
                ),
                weights=(45, 30, 50, 20, 25, 15),
            ),
            Ask(
                Kind.SCALE,
                "How worried are you about crime in your area?",
                required=True,
                scale="how-worried",
                weights=(25, 40, 25, 10),
            ),
            Ask(
                Kind.YES_NO,
                "Did you report the last crime that affected you?",
                weights=(48, 52),
            ),
            Ask(
                Kind.SHORT_TEXT,
                "What one thing would help most?",
                samples=RURAL_HELP,
                skipped=0.4,
            ),
            EMAIL_ASK,
        ),
        respondents=(58, 38, 4),
        responses=350,
    ),
    Demo(
        slug="community-remedy",
        title="The community remedy: putting anti-social behaviour right",
        summary=(
            "When someone admits low-level crime or anti-social behaviour, the victim can have "
            "a say in how it is put right, out of court: an apology, repairing the damage, "
            "unpaid work in the community. We asked which of these should be on the list."
        ),
        why=(
            "The law asks us to consult the public on the community remedy document, the list "
            "of actions officers can offer, and to agree it with the Chief Constable."
        ),
        can_change="Which actions are on the list officers offer victims.",
        cannot_change="Whether a case is dealt with out of court, which is for the police.",
        audience="Everyone in the area, and victims of anti-social behaviour in particular",
        activity_areas=(3,),
        asks=(
            WHERE_YOU_LIVE,
            Ask(
                Kind.MULTIPLE_CHOICE,
                "Which of these should officers be able to offer?",
                "Select all that apply.",
                required=True,
                options=(
                    "A written or spoken apology",
                    "Repairing or paying for the damage",
                    "Unpaid work in the community",
                    "A course on the harm caused, such as drugs or alcohol awareness",
                    "Mediation between neighbours",
                    "An acceptable behaviour contract",
                ),
                weights=(70, 82, 64, 48, 55, 40),
            ),
            Ask(
                Kind.SCALE,
                "Victims should have a say in how anti-social behaviour is put right.",
                required=True,
                scale="agreement",
                weights=(46, 34, 10, 6, 4),
            ),
            Ask(
                Kind.LONG_TEXT,
                "Is there anything else that should be on the list?",
                samples=REMEDY_COMMENTS,
                skipped=0.6,
            ),
            EMAIL_ASK,
        ),
        responses=250,
        outcome=Told(
            said=(
                "Most people wanted offenders to repair or pay for the damage they caused, and "
                "to apologise. Mediation between neighbours had strong support from people who "
                "had lived next to anti-social behaviour. Several asked that victims be told "
                "what happened after they chose."
            ),
            decision=(
                "The community remedy document now lists an apology, repairing or paying for "
                "the damage, unpaid work in the community, a course on the harm caused, "
                "mediation and an acceptable behaviour contract."
            ),
            shaped_by=(
                "Mediation was added to the list because of what people told us, and officers "
                "now write to the victim once the remedy has been carried out."
            ),
            reference="DN {year}/031",
            title="Community remedy document",
            summary="The list of out-of-court actions victims can choose from, after consultation.",
            decided_after=timedelta(weeks=6),
        ),
    ),
    Demo(
        slug="front-counters",
        title="Police station front counters: when should they open?",
        summary=(
            "Fewer people now come to a police station to report a crime. We asked which front "
            "counters should stay open, at what times, and how else you would like to reach us."
        ),
        why=(
            "Keeping every counter open all day costs officers' and staff time. Your answers "
            "decide which counters stay open and when."
        ),
        can_change="Which front counters open, on which days and at what times.",
        cannot_change="The 999 and 101 services, which are not changing.",
        audience="Everyone in the area",
        activity_areas=(1,),
        asks=(
            WHERE_YOU_LIVE,
            confidence(weights=(8, 30, 33, 18, 11)),
            Ask(
                Kind.YES_NO,
                "Have you been to a police station front counter in the last two years?",
                required=True,
                weights=(22, 78),
            ),
            Ask(
                Kind.SINGLE_CHOICE,
                "When would a front counter be most useful to you?",
                required=True,
                options=(
                    "Weekday mornings",
                    "Weekday evenings",
                    "Saturdays",
                    "I would not use one",
                ),
                weights=(24, 31, 27, 18),
            ),
            Ask(
                Kind.LONG_TEXT,
                "How else would you like to reach the police?",
                samples=COUNTER_COMMENTS,
                skipped=0.6,
            ),
            EMAIL_ASK,
        ),
        responses=300,
    ),
)

# Organisations that answer on their own behalf.
ORGANISATIONS = (
    "Ledbury Chamber of Trade",
    "Ludlow Neighbourhood Watch",
    "Redditch Business Improvement District",
    "Kidderminster Town Centre Partnership",
    "Bridgnorth Town Council",
    "National Farmers' Union, Herefordshire branch",
    "Malvern Community Speed Watch",
    "Wellington Residents' Association",
)
CHANNELS = (
    (Response.Channel.ONLINE, 88),
    (Response.Channel.PAPER, 6),
    (Response.Channel.EMAIL, 3),
    (Response.Channel.MEETING, 3),
)
SUSPECT_SHARE = 0.015
SUSPECT_REASONS = ((TOO_FAST,), (HONEYPOT,), (REPEATED,), (TOO_FAST, REPEATED))

# Of the people answering for themselves, how many fill in the "About you" section at all; of
# those, how many say "Prefer not to say" to every question in it.
ABOUT_YOU_SHARE = 0.45
PREFER_NOT_TO_ALL = 0.12
# Of the rest, how many leave any one question blank.
ABOUT_YOU_SKIPPED = 0.06
PREFER_NOT = EqualityAnswers.YesNo.PREFER_NOT.value
# Who answers consultations, roughly: older people more than younger, the area's own mix of
# ethnic groups and religions; "Prefer not to say" more for the more personal questions.
ABOUT_YOU = {
    "age_band": {
        "under_16": 0.5,
        "16_19": 2,
        "20_24": 4,
        "25_34": 10,
        "35_44": 14,
        "45_54": 18,
        "55_64": 20,
        "65_74": 17,
        "75_plus": 7,
        PREFER_NOT: 7.5,
    },
    "sex": {"female": 50, "male": 42, PREFER_NOT: 8},
    "gender_same_as_birth": {"yes": 84, "no": 1, PREFER_NOT: 15},
    "ethnicity": {"asian": 3, "black": 1, "mixed": 1.5, "white": 83.5, "other": 1, PREFER_NOT: 10},
    "disability": {"yes": 14, "no": 72, PREFER_NOT: 14},
    "religion": {
        "none": 34,
        "christian": 43,
        "buddhist": 0.5,
        "hindu": 0.7,
        "jewish": 0.3,
        "muslim": 1.5,
        "sikh": 0.7,
        "other": 1.3,
        PREFER_NOT: 18,
    },
    "sexual_orientation": {
        "straight": 74,
        "gay_lesbian": 2,
        "bisexual": 1.5,
        "other": 0.5,
        PREFER_NOT: 22,
    },
}
# How many say they belong to each of the office's groups reached.
IN_A_GROUP = 0.06


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def windows(today: date) -> dict[str, tuple[datetime, datetime]]:
    """When each demo consultation opens and closes: history, or around today."""
    return {
        "precept-2016-17": (_at(date(2015, 12, 1), 9), _at(date(2016, 1, 18), 23, 59)),
        "20mph-limits": (
            _at(today - timedelta(days=10), 9),
            _at(today + timedelta(weeks=3), 23, 59),
        ),
        "town-and-parish-council-survey": (
            _at(today + timedelta(weeks=2), 9),
            _at(today + timedelta(weeks=8), 23, 59),
        ),
        "victims-survey": (
            _at(today - timedelta(days=20), 9),
            _at(today + timedelta(weeks=6), 23, 59),
        ),
        "rural-crime-survey": (
            _at(today - timedelta(weeks=11), 9),
            _at(today - timedelta(weeks=5), 23, 59),
        ),
        # Its outcome was published some weeks after it closed.
        "community-remedy": (
            _at(today - timedelta(weeks=18), 9),
            _at(today - timedelta(weeks=10), 23, 59),
        ),
        # Closed sixteen weeks ago and nothing published: four weeks overdue.
        "front-counters": (
            _at(today - timedelta(weeks=24), 9),
            _at(today - timedelta(weeks=16), 23, 59),
        ),
    }


def _officer() -> User:
    email = demo_email(ENGAGEMENT_OFFICER.name)
    officer = User.objects.filter(email=email).first()
    if officer is None:
        create_demo_users()
        officer = User.objects.get(email=email)
    return officer


def _build(demo: Demo, *, opens_at, closes_at, officer) -> Consultation:
    consultation = Consultation(
        slug=demo.slug,
        title=demo.title,
        summary=demo.summary,
        why=demo.why,
        can_change=demo.can_change,
        cannot_change=demo.cannot_change,
        audience=demo.audience,
        opens_at=opens_at,
        closes_at=closes_at,
        owner=officer,
        sensitive=demo.sensitive,
        asks_equality=demo.asks_equality,
    )
    consultation._history_user = officer
    consultation.save()
    consultation.activity_areas.set(ActivityArea.objects.filter(number__in=demo.activity_areas))
    scales = {scale.slug: scale for scale in AnswerScale.objects.prefetch_related("points")}
    made: dict[str, Question] = {}

    def add(ask: Ask, position: int) -> None:
        question = Question.objects.create(
            consultation=consultation,
            position=position,
            text=ask.text,
            help_text=ask.help_text,
            required=ask.required,
            kind=ask.kind,
            scale=scales[ask.scale] if ask.scale else None,
            measure_name=ask.measure,
            show_if_question=made[ask.show_if[0]] if ask.show_if else None,
        )
        QuestionOption.objects.bulk_create(
            QuestionOption(question=question, position=n, label=label)
            for n, label in enumerate(ask.options, start=1)
        )
        if ask.measure:
            question.measure_points.set(
                [p for p in scales[ask.scale].points.all() if p.label in ("Excellent", "Good")]
            )
        if ask.show_if:
            question.show_if_options.set(
                made[ask.show_if[0]].options.filter(label__in=ask.show_if[1])
            )
        made[ask.text] = question

    for position, ask in enumerate(demo.asks, start=1):
        add(ask, position)
    if demo.band_d_increase is not None:
        add_precept_questions(
            consultation=consultation, band_d_increase=demo.band_d_increase, by=officer
        )
        add(EMAIL_ASK, consultation.questions.count() + 1)
    return move_consultation(consultation=consultation, to=workflow.PUBLISHED, by=officer)


@dataclass
class Places:
    """Where generated people live: council areas weighted by population, some giving only
    their policing area, a few from outside or preferring not to say."""

    authorities: list[LocalAuthority]
    weights: list[int]
    areas: list[PolicingArea]

    @classmethod
    def load(cls) -> "Places":
        authorities = list(LocalAuthority.objects.filter(policing_area__isnull=False))
        return cls(
            authorities=authorities,
            weights=[a.residents or 100_000 for a in authorities],
            areas=list(PolicingArea.objects.all()),
        )

    def place(self, chance: random.Random, response: Response) -> None:
        roll = chance.random()
        if roll < 0.03:
            response.whereabouts = Response.Whereabouts.OUTSIDE
        elif roll < 0.07 or not self.areas:
            response.whereabouts = Response.Whereabouts.PREFER_NOT
        elif roll < 0.35 or not self.authorities:
            response.whereabouts = Response.Whereabouts.IN_AREA
            response.policing_area = chance.choice(self.areas)
        else:
            authority = chance.choices(self.authorities, self.weights)[0]
            response.whereabouts = Response.Whereabouts.IN_AREA
            response.local_authority = authority
            response.policing_area_id = authority.policing_area_id


def _moment(chance: random.Random, start: datetime, end: datetime) -> datetime:
    """A time in the window, busier in the first days (the launch) and the last (the deadline
    reminders), and during the day."""
    span = (end - start).total_seconds()
    roll = chance.random()
    if roll < 0.2:
        share = chance.random() * 0.1
    elif roll < 0.35:
        share = 0.9 + chance.random() * 0.1
    else:
        share = chance.random()
    moment = start + timedelta(seconds=span * share)
    hour = chance.choices(range(24), [1] * 7 + [3] * 2 + [5] * 8 + [6] * 5 + [2] * 2)[0]
    moment = moment.replace(
        hour=hour, minute=chance.randrange(60), second=chance.randrange(60), microsecond=0
    )
    if not start <= moment <= end:
        moment = start + timedelta(seconds=int(span * chance.random()))
    return moment


def _choose(chance: random.Random, items: list, weights: tuple) -> object:
    return chance.choices(items, weights or None)[0]


def _respond(
    chance: random.Random,
    demo: Demo,
    questions: list[Question],
    response: Response,
    places: Places,
    number: int,
) -> list[Answer]:
    """One person's answers, valid by construction: required questions answered, choices from
    the question's own options, "show only if" questions only when shown."""
    asks = {ask.text: ask for ask in demo.asks}
    rows: list[Answer] = []
    chosen: dict[int, set[int]] = {}
    for question in questions:
        kind = question.kind
        ask = asks.get(question.text) or demo.template.get(kind) or Ask(kind, question.text)
        if question.show_if_question_id is not None:
            wanted = {o.pk for o in question.show_if_options.all()}
            if not wanted & chosen.get(question.show_if_question_id, set()):
                continue
        if not question.required and chance.random() < ask.skipped:
            continue
        if kind == Kind.WHERE_YOU_LIVE:
            places.place(chance, response)
        elif kind == Kind.RESPONDENT_TYPE:
            who = _choose(chance, Response.RespondentType.values, demo.respondents)
            response.respondent_type = who
            if who == Response.RespondentType.ORGANISATION:
                response.organisation_name = chance.choice(ORGANISATIONS)
        elif kind == Kind.EMAIL:
            response.email = f"respondent{number}@example.invalid"
            response.wants_feedback = chance.random() < 0.85
        elif kind in Question.WITH_OPTIONS:
            options = list(question.options.all())
            if kind == Kind.SINGLE_CHOICE:
                picked = [_choose(chance, options, ask.weights)]
            else:
                weights = ask.weights or (50,) * len(options)
                picked = [
                    o for o, w in zip(options, weights, strict=True) if chance.random() * 100 < w
                ]
                picked = picked or [_choose(chance, options, ask.weights)]
            chosen[question.pk] = {o.pk for o in picked}
            rows += [Answer(question=question, option=o) for o in picked]
        elif kind == Kind.SCALE:
            point = _choose(chance, list(question.scale.points.all()), ask.weights)
            rows.append(Answer(question=question, scale_point=point))
        elif kind == Kind.YES_NO:
            rows.append(Answer(question=question, yes=_choose(chance, [True, False], ask.weights)))
        elif kind == Kind.NUMBER:
            low, high = ask.samples or (0, 12)
            rows.append(Answer(question=question, number=Decimal(chance.randint(low, high))))
        elif ask.samples:
            rows.append(Answer(question=question, text=chance.choice(ask.samples)))
        elif question.required:
            rows.append(Answer(question=question, text="No comment."))
    return rows


def _about_you(
    chance: random.Random, response: Response, groups: list[int]
) -> tuple[dict[str, str], list[int]] | None:
    """What one generated person says about themselves, as record_equality_answers takes it,
    or None: most skip the section, and those answering for a business or an organisation are
    not asked about themselves."""
    if response.respondent_type not in ("", Response.RespondentType.RESIDENT):
        return None
    if chance.random() >= ABOUT_YOU_SHARE:
        return None
    if chance.random() < PREFER_NOT_TO_ALL:
        return dict.fromkeys(ABOUT_YOU, PREFER_NOT), []
    values = {}
    for name, weights in ABOUT_YOU.items():
        if chance.random() >= ABOUT_YOU_SKIPPED:
            values[name] = chance.choices(list(weights), list(weights.values()))[0]
    chosen = [group for group in groups if chance.random() < IN_A_GROUP]
    if not values and not chosen:
        return None
    return values, chosen


def _make_themes(demo: Demo, consultation: Consultation) -> dict[str, Theme]:
    """The themes the generated text answers of this consultation can be tagged with."""
    texts = {
        sample
        for ask in (*demo.asks, *demo.template.values())
        for sample in ask.samples
        if isinstance(sample, str)
    }
    names = sorted({name for text in texts for name in THEMES.get(text, ())})
    made = Theme.objects.bulk_create(Theme(consultation=consultation, name=n) for n in names)
    return {theme.name: theme for theme in made}


def _tag(chance: random.Random, answers: list[Answer], themes: dict[str, Theme]) -> int:
    """Tag a share of the text answers with their themes, as staff part-way through reading
    them would have. The answers must have been stored."""
    Tagged = Answer.themes.through
    rows = [
        Tagged(answer_id=answer.pk, theme_id=themes[name].pk)
        for answer in answers
        if answer.text in THEMES and chance.random() < THEMED_SHARE
        for name in THEMES[answer.text]
    ]
    Tagged.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _store_about_you(made: list[tuple[Response, tuple[dict, list[int]]]]) -> None:
    """Store the answers about the people, apart from their answers, once the responses are."""
    answers = EqualityAnswers.objects.bulk_create(
        EqualityAnswers(response=response, **values) for response, (values, _) in made
    )
    InGroup = EqualityAnswers.groups.through
    InGroup.objects.bulk_create(
        (
            InGroup(equalityanswers_id=equality.pk, reachedgroup_id=group)
            for equality, (_, (_, groups)) in zip(answers, made, strict=True)
            for group in groups
        ),
        batch_size=BATCH,
    )


def _responses(
    demo: Demo,
    consultation: Consultation,
    *,
    today: date,
    count: int,
    chance: random.Random,
    officer: User,
    places: Places,
    groups: list[int],
) -> int:
    """Generate `count` responses over the consultation's open window, up to `today`, with the
    answers about the people where the consultation asks them, and themes on some of the text.

    Written with bulk_create, a few inserts per thousand responses, rather than through
    submit_response one at a time: a few thousand responses through the full checks would make
    loading the demo slow, and these answers are valid by construction.
    """
    if count <= 0:
        return 0
    # In UK time, so that people answer during the day here.
    start = timezone.localtime(consultation.opens_at)
    # Up to the start of the day it is loaded, so the same day always gives the same demo.
    end = min(consultation.closes_at, _at(today, 0))
    if end <= start:
        return 0
    questions = list(
        Question.objects.filter(consultation=consultation)
        .select_related("scale")
        .prefetch_related("options", "scale__points", "show_if_options")
        .order_by("position", "id")
    )
    channels, channel_weights = zip(*CHANNELS, strict=True)
    themes = _make_themes(demo, consultation)
    made = 0
    for first in range(0, count, BATCH):
        responses, answers, about = [], [], []
        for number in range(first, min(first + BATCH, count)):
            channel = chance.choices(channels, channel_weights)[0]
            response = Response(
                consultation=consultation,
                channel=channel,
                submitted_at=_moment(chance, start, end),
            )
            if channel == Response.Channel.ONLINE:
                response.client_key = f"{chance.getrandbits(128):032x}"
                if chance.random() < SUSPECT_SHARE:
                    response.suspect = True
                    response.suspect_reasons = list(chance.choice(SUSPECT_REASONS))
            else:
                response.keyed_in_by = officer
            answers.append(_respond(chance, demo, questions, response, places, number))
            responses.append(response)
            said = _about_you(chance, response, groups) if consultation.asks_equality else None
            if said is not None:
                about.append((response, said))
        Response.objects.bulk_create(responses)
        _store_about_you(about)
        rows = []
        for response, its_answers in zip(responses, answers, strict=True):
            for answer in its_answers:
                answer.response = response
                rows.append(answer)
        Answer.objects.bulk_create(rows, batch_size=BATCH * 2)
        if themes:
            _tag(chance, [row for row in rows if row.text], themes)
        made += len(responses)
    return made


def one_page_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page A4 PDF of the lines in Helvetica, built in memory: a real document for the
    upload checks and any reader, without shipping a file or a PDF library."""

    def shown(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    # Each ' moves down one line (TL) and shows its text.
    text = ["BT", "/F1 12 Tf", "16 TL", "72 790 Td", *(f"({shown(line)}) '" for line in lines)]
    stream = "\n".join([*text, "ET"]).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(pdf)


def _publish_outcome(told: Told, consultation: Consultation, officer: User) -> None:
    """Publish the outcome before the generated responses exist: those who asked to hear it were
    told at the time, and loading the demo writes to nobody."""
    office = OfficeProfile.objects.first()
    holder = ", ".join(filter(None, [office.holder_name, office.holder_title])) if office else ""
    decided_on = told.decided(consultation.closes_at)
    record, _ = Decision.objects.get_or_create(
        reference=told.reference.format(year=decided_on.year),
        defaults={
            "title": told.title,
            "decided_on": decided_on,
            "decided_by": holder or "The office holder",
            "summary": told.summary,
            "is_public": True,
        },
    )
    outcome = write_outcome(
        consultation=consultation,
        said=told.said,
        decision=told.decision,
        shaped_by=told.shaped_by,
        decision_record=record,
        by=officer,
    )
    publish_outcome(outcome=outcome, by=officer)


def fill(*, today: date, stdout, sizes: Mapping[str, int] | None = None) -> None:
    """Make each demo consultation that is missing, with its responses. `sizes` replaces the
    number of responses per consultation (by web address), for quick tests."""
    officer = _officer()
    places = Places.load()
    groups = list(ReachedGroup.objects.order_by("pk").values_list("pk", flat=True))
    dates = windows(today)
    made = responses = 0
    for demo in DEMOS:
        if Consultation.objects.filter(slug=demo.slug).exists():
            continue
        # Seeded by consultation, so each one's responses are the same whichever are missing.
        chance = random.Random(f"{SEED}:{demo.slug}")  # noqa: S311  demo data, not security
        opens_at, closes_at = dates[demo.slug]
        with transaction.atomic():
            consultation = _build(demo, opens_at=opens_at, closes_at=closes_at, officer=officer)
            if demo.document is not None:
                add_document(
                    consultation=consultation,
                    title=demo.document.title,
                    file=ContentFile(
                        one_page_pdf(demo.document.lines), name=demo.document.file_name
                    ),
                    by=officer,
                )
            if demo.outcome is not None:
                _publish_outcome(demo.outcome, consultation, officer)
            count = demo.responses if sizes is None else sizes.get(demo.slug, 0)
            responses += _responses(
                demo,
                consultation,
                today=today,
                count=count,
                chance=chance,
                officer=officer,
                places=places,
                groups=groups,
            )
        made += 1
    stdout.write(f"  {made} consultations, {responses} responses\n")
