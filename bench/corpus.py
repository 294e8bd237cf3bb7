"""A synthetic corpus: valid case studies from the real taxonomy, for benchmarks.

Each case study has front matter that ``cohub check`` accepts and about 800
words of varied prose in the five sections of ``case_studies/_template.md``,
with acronyms spelled out on first use, wikilinks to earlier case studies,
and parts of series. Besides the real organisations there is one synthetic
organisation for every eight case studies, so organisation pages are as
spread out as in a large real hub.

Generation is deterministic: case study ``i`` of seed ``s`` is the same bytes
whatever the corpus size, so a 1,000-case corpus is the first 1,000 of a
10,000-case one.

    python -m bench.corpus /tmp/hub --cases 1000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from datetime import date as Date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cohub.corpus import CASE_STUDIES_DIR, slugify
from cohub.scaffold import TEMPLATE
from cohub.schema import SCHEMA_PATH
from cohub.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cohub.taxonomy import Taxonomy, Term

REPO = Path(__file__).resolve().parent.parent
# The real hub's settings, pages, taxonomy, hooks and theme. Its case studies
# are content that a council adds and removes, so each copy brings its own.
HUB_PARTS = ("mkdocs.yml", "docs", "taxonomy", "hooks", "overrides")
# What comes with the case studies for contributors and their editors.
CASE_STUDY_COMPANIONS = (Path(CASE_STUDIES_DIR, TEMPLATE), Path(SCHEMA_PATH))
DEFAULT_SEED = 2024
FIRST_DATE = Date(2015, 1, 1)
WORDS_PER_CASE = 800
# One synthetic organisation per this many case studies.
CASES_PER_ORGANISATION = 8
# Case studies come in blocks of this many; the first two to four of each
# block are the parts of one series.
SERIES_BLOCK = 20
# The share of case studies that link to an earlier one.
WIKILINK_SHARE = 0.2
SECTIONS = ("What happened", "Who was involved", "What changed", "What we learned", "What could be better")

# Word banks. Place and person names are built from parts, so the corpus has
# the long tail of rare words (names, places) that real stories have.
PLACE_STARTS = (
    "Ash",
    "Bram",
    "Church",
    "Dal",
    "Elm",
    "Fern",
    "Glen",
    "Hart",
    "Ivy",
    "Kings",
    "Lang",
    "Mill",
    "Nor",
    "Oak",
    "Pen",
    "Queens",
    "Red",
    "Stan",
    "Thorn",
    "Upper",
    "Wal",
    "West",
    "Whit",
    "York",
    "Brad",
    "Cal",
    "Dun",
    "Eas",
    "Fair",
    "Gold",
    "Hol",
    "Kirk",
    "Lee",
    "Marl",
    "New",
    "Old",
    "Rother",
)
PLACE_ENDS = (
    "bridge",
    "brook",
    "bury",
    "by",
    "caster",
    "cliffe",
    "combe",
    "dale",
    "field",
    "ford",
    "gate",
    "ham",
    "hill",
    "holme",
    "hurst",
    "ley",
    "mere",
    "minster",
    "mouth",
    "port",
    "stead",
    "stow",
    "thorpe",
    "ton",
    "wick",
    "wood",
    "worth",
)
FIRST_NAMES = (
    "Aisha",
    "Alan",
    "Amara",
    "Ben",
    "Bethan",
    "Carys",
    "Chidi",
    "Claire",
    "Dan",
    "Deepa",
    "Eilidh",
    "Emma",
    "Farah",
    "Fiona",
    "Gareth",
    "Grace",
    "Hamza",
    "Helen",
    "Imran",
    "Isla",
    "Jack",
    "Jasmine",
    "Kemi",
    "Kieran",
    "Leah",
    "Liam",
    "Maria",
    "Mohammed",
    "Nadia",
    "Niamh",
    "Olu",
    "Owen",
    "Priya",
    "Rachel",
    "Rhys",
    "Ruth",
    "Sam",
    "Sana",
    "Sean",
    "Tariq",
    "Tom",
    "Una",
    "Viktor",
    "Wendy",
    "Yusuf",
)
LAST_NAMES = (
    "Adebayo",
    "Ahmed",
    "Bailey",
    "Begum",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Hussain",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "Lewis",
    "MacDonald",
    "Mensah",
    "Morgan",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okafor",
    "Patel",
    "Price",
    "Roberts",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Walker",
    "Watson",
    "Williams",
    "Wilson",
    "Wright",
    "Young",
)
ROLES = (
    "Commissioning Manager",
    "Commissioner",
    "Head of Adult Social Care",
    "Co-production Lead",
    "Social Worker",
    "Service Manager",
    "Expert by Experience",
    "Chief Executive",
    "Project Worker",
    "Carers Lead",
    "Market Development Officer",
    "Procurement Officer",
    "Advocate",
    "Trustee",
)
GROUPS = (
    "people with learning disabilities",
    "autistic adults",
    "unpaid carers",
    "older people",
    "tenants of supported housing",
    "young adults moving on from children's services",
    "people who arrange their own support",
    "Deaf people who use British Sign Language",
    "people with mental health needs",
    "people living with dementia",
    "disabled people",
    "personal assistants and the people who employ them",
    "family carers",
    "people who use day services",
    "people with sensory impairments",
    "people recovering from a stroke",
    "people who are homeless",
)
ACTIVITIES = (
    "ran a series of workshops",
    "held listening events in libraries and community centres",
    "co-wrote the service specification",
    "scored the written bids",
    "interviewed the bidders",
    "visited every day centre in the area",
    "mapped what already existed",
    "tested new ideas for six months",
    "agreed a shared set of outcomes",
    "set up a reference group",
    "wrote an easy read version of the plan",
    "reviewed the contract together",
    "trained as peer researchers",
    "designed a feedback survey",
    "chaired the steering group",
    "planned the budget line by line",
    "held drop-in sessions every fortnight",
)
OUTCOMES = (
    "waiting times fell",
    "more people took up the new offer",
    "complaints dropped",
    "people said they felt listened to",
    "staff turnover went down",
    "the new service started on time",
    "fewer people reached a crisis",
    "the council saved money in the second year",
    "people chose support that suited their lives",
    "providers began to work together",
    "the reference group became permanent",
    "new micro-providers opened",
    "carers got breaks sooner",
    "the contract was rewritten in plain English",
    "people moved into homes of their own",
)
LESSONS = (
    "start early, before anything is decided",
    "pay people for their time and expertise",
    "meet where people already feel comfortable",
    "share power, not just information",
    "explain every acronym and avoid jargon",
    "budget for accessible information from the start",
    "give feedback on what changed because of people's views",
    "expect to be challenged",
    "keep meeting after the contract is awarded",
    "build trust before you ask for ideas",
    "let people set the agenda",
    "check you have understood before you act",
    "make room for people who cannot come to meetings",
    "measure what matters to people",
)
ORGANISATION_KINDS = (
    ("Council", "local-authority"),
    ("Centre for Independent Living", "user-led-organisation"),
    ("Carers Centre", "voluntary-sector"),
    ("Care Services", "provider"),
    ("People's Forum", "user-led-organisation"),
    ("Integrated Care Board", "nhs-organisation"),
)
ORGANISATION_ROLES = (
    "Commissioned the service",
    "Ran the engagement",
    "Won the contract",
    "Supported people to take part",
    "Published the story",
)
GAPS = (
    "we did not record how many people took part",
    "some groups were not reached",
    "meetings were held in working hours, which shut some people out",
    "we ran out of time before the deadline",
    "the budget for interpreters was too small",
    "we should have involved providers earlier",
    "the feedback loop broke down after a year",
    "not everyone was paid the same for their time",
    "we relied too much on a few voices",
)
ADJECTIVES = (
    "honest",
    "practical",
    "difficult",
    "useful",
    "patient",
    "open",
    "careful",
    "unexpected",
    "regular",
    "small",
    "bold",
    "steady",
    "local",
    "shared",
    "fair",
    "clear",
    "slow",
    "rewarding",
)
# Topic words (direct payments, tenders ...) come only from a story's own
# terms, so each appears in a realistic share of the corpus, not in all of it.
VENUES = (
    "the library",
    "a community centre",
    "the town hall",
    "a church hall",
    "a cafe run by volunteers",
    "the leisure centre",
    "a housing scheme's lounge",
    "the football club",
    "a college",
    "the market hall",
    "a Gurdwara's community kitchen",
    "the museum",
    "a garden centre",
    "the fire station",
    "a mosque",
)
EVENTS = (
    "first meeting",
    "walkabout",
    "budget workshop",
    "storytelling afternoon",
    "bid scoring day",
    "open evening",
    "review meeting",
    "training day",
    "celebration lunch",
    "online drop-in",
    "site visit",
    "planning session",
    "photography project",
    "peer support group",
    "board meeting",
)
FEELINGS = (
    "nervous",
    "hopeful",
    "frustrated",
    "surprised",
    "proud",
    "tired",
    "curious",
    "relieved",
    "sceptical",
    "welcome",
    "excited",
    "uncertain",
)
DETAILS = (
    "{person} remembers the {event} at {venue} in {place}, where everyone felt {feeling} at first.",
    "The {event} was held at {venue}, with transport paid for and a quiet room available.",
    "Some people came to the {event} feeling {feeling}; by the end most wanted to stay involved.",
    "{person} brought photographs to the {event} to show what a good day looks like.",
    "Interpreters, easy read papers and large print were ready before the {event} at {venue}.",
    "After the {event}, {person} wrote up what people said and shared it within {number} days.",
)
CONNECTIVES = ("At first", "Over time", "Later", "In the end", "Soon", "Meanwhile", "After that", "By then")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

SENTENCES = {
    "What happened": (
        "In {month} {year}, {org} set out to change how it commissioned {service} in {place}.",
        "{Connective}, the council asked {group} what good {service} would look like.",
        "Together they {activity}, which took {number} weeks.",
        "The work was part of a wider plan about {theme}.",
        "People said the old arrangements for {service} felt {adjective} and hard to change.",
        "{person}, {role}, led the work and {activity} with local people.",
        "The team looked closely at {stage}, and at how decisions would be made.",
        "A budget of {number} thousand pounds was set aside for the new service.",
        "Local people {activity} and told the council what mattered most to them.",
        "The council wanted {theme} to be at the heart of the new contract.",
        "{about_theme}",
        "{about_service}",
        *DETAILS,
    ),
    "Who was involved": (
        "{person}, {role} at {org}, brought the group together.",
        "{group} from across {place} took part, and {number} of them stayed involved throughout.",
        "A local user-led organisation helped people take part on equal terms.",
        "{person}, an expert by experience, co-chaired every meeting.",
        "Staff from {org} joined in, as did providers of {service}.",
        "{person} and {person2} {activity}.",
        "Advocates supported people who wanted help to speak up.",
        *DETAILS,
    ),
    "What changed": (
        "{Connective}, {outcome}.",
        "Because of the work, {outcome} and {outcome2}.",
        "{group} now sit on the panel that reviews {service}.",
        "The council changed its approach to {theme}.",
        "The new contract for {service} was shaped by what people said.",
        "Within {number} months, {outcome}.",
        "{person} said the {adjective} conversations changed how the team works.",
        "People said the {acronym} made a real difference to {service}.",
        "The way the council handles {stage} is now more open.",
    ),
    "What we learned": (
        "The biggest lesson was to {lesson}.",
        "We learned to {lesson}, and to {lesson2}.",
        "Co-production takes time, and it is worth it.",
        "{person} says the most {adjective} moment came when {group} challenged the plan.",
        "Good commissioning of {service} depends on listening to {group}.",
        "It helps to {lesson}.",
        "Talking to the {acronym} early helped us {lesson}.",
        "{about_stage}",
    ),
    "What could be better": (
        "Looking back, {gap}.",
        "We know that {gap}, and we want to put that right.",
        "Next time we would {lesson} from the very first meeting.",
        "Other councils may want to know more about how {outcome}.",
        "If you were part of this work, please add what you know.",
    ),
}


# A hub's case studies come from the same council areas again and again:
# there are about 210 UK councils (and trusts) with duties for adult social care.
PLACES = tuple(random.Random("places").sample(sorted(start + end for start in PLACE_STARTS for end in PLACE_ENDS), 210))


def place_name(rng: random.Random) -> str:
    """A made-up English place name, such as "Ashbrook", one of ``PLACES``."""
    return rng.choice(PLACES)


def person_name(rng: random.Random) -> str:
    """A made-up person's name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


class _Story:
    """The facts of one synthetic case study, and prose written from them."""

    def __init__(self, rng: random.Random, taxonomy: Taxonomy, organisations: dict[str, str]) -> None:
        self.rng = rng
        self.taxonomy = taxonomy
        facets = taxonomy.facets
        self.place = place_name(rng)
        # Each place lies in one region.
        self.region = facets["regions"].terms[PLACES.index(self.place) % len(facets["regions"].terms)]
        self.services = rng.sample(facets["service_types"].terms, rng.randint(1, 3))
        self.stages = rng.sample(facets["commissioning_stages"].terms, rng.randint(1, 4))
        self.rung = rng.choice(facets["ladder_rungs"].terms)
        self.themes = rng.sample(facets["themes"].terms, rng.randint(1, 4))
        self.organisations = rng.sample(sorted(organisations), rng.randint(1, 3))
        self.organisation_names = organisations
        self.people = [person_name(rng) for _ in range(rng.randint(2, 5))]
        self.date = Date.fromordinal(FIRST_DATE.toordinal() + rng.randrange(4000))
        self.acronyms = rng.sample(sorted(taxonomy.acronyms.values(), key=lambda acronym: acronym.abbreviation), 2)

    def _term_words(self, terms: list[Term]) -> str:
        term = self.rng.choice(terms)
        # Acronym synonyms ("ULO") are left out: the story spells out only its own two.
        words = [synonym for synonym in term.synonyms if synonym not in self.taxonomy.acronyms]
        return self.rng.choice((term.label.lower(), *words))

    def _fill(self, template: str) -> str:
        rng = self.rng
        # The taxonomy's own definitions are real prose, and vary the vocabulary.
        about = {
            "about_theme": rng.choice(self.themes).description,
            "about_service": rng.choice(self.services).description,
            "about_stage": rng.choice(self.stages).description,
        }
        people = rng.sample(self.people, 2)
        organisation = self.organisation_names[rng.choice(self.organisations)]
        acronym = rng.choice(self.acronyms).abbreviation
        values = {
            "month": rng.choice(MONTHS),
            "year": str(rng.randint(2012, 2025)),
            "org": organisation,
            "place": self.place,
            "number": str(rng.randint(3, 60)),
            "service": self._term_words(self.services),
            "theme": self._term_words(self.themes),
            "stage": self._term_words(self.stages),
            "group": rng.choice(GROUPS),
            "activity": rng.choice(ACTIVITIES),
            "outcome": rng.choice(OUTCOMES),
            "outcome2": rng.choice(OUTCOMES),
            "lesson": rng.choice(LESSONS),
            "lesson2": rng.choice(LESSONS),
            "gap": rng.choice(GAPS),
            "adjective": rng.choice(ADJECTIVES),
            "person": people[0],
            "person2": people[1],
            "role": rng.choice(ROLES),
            "Connective": rng.choice(CONNECTIVES),
            "venue": rng.choice(VENUES),
            "event": rng.choice(EVENTS),
            "feeling": rng.choice(FEELINGS),
            "acronym": acronym,
            **about,
        }
        sentence = template.format(**values)
        return sentence[0].upper() + sentence[1:]

    def introduction(self) -> str:
        """The opening sentence, which spells out the acronyms the story uses later."""
        first, second = (f"{acronym.expansion} ({acronym.abbreviation})" for acronym in self.acronyms)
        return f"This story is about {self.place}, and involves the {first} and the {second}."

    def section(self, name: str, words: int, opening: str = "") -> str:
        """One section of prose, about ``words`` long, sometimes with a list."""
        paragraphs: list[str] = [opening] if opening else []
        count = len(opening.split())
        while count < words - 20:
            if name in ("What we learned", "Who was involved") and self.rng.random() < 0.3:
                items = [self._fill(self.rng.choice(SENTENCES[name])) for _ in range(self.rng.randint(2, 4))]
                text = "\n".join(f"- {item}" for item in items)
            else:
                sentences = [self._fill(self.rng.choice(SENTENCES[name])) for _ in range(self.rng.randint(2, 5))]
                text = " ".join(sentences)
            paragraphs.append(text)
            count += len(text.split())
        return f"## {name}\n\n" + "\n\n".join(paragraphs)

    def title(self) -> str:
        service = self.services[0].label.lower()
        return self.rng.choice(
            (
                f"How {self.place} co-designed {service}",
                f"Commissioning {service} with people in {self.place}",
                f"{self.place}: {self.themes[0].label.lower()} and {service}",
                f"What {self.place} learned about {self.themes[0].label.lower()}",
            )
        )

    def summary(self) -> str:
        return (
            f"{self.organisation_names[self.organisations[0]]} worked with "
            f"{self.rng.choice(GROUPS)} in {self.place} on {self.services[0].label.lower()}. "
            f"They {self.rng.choice(ACTIVITIES)}, and {self.rng.choice(OUTCOMES)}."
        )


@cache
def synthetic_organisation(number: int, seed: int = DEFAULT_SEED) -> tuple[str, str, str]:
    """Synthetic organisation ``number`` (from 1): its id, name and organisation type."""
    rng = random.Random(f"{seed}:organisation:{number}")
    kind, org_type = rng.choice(ORGANISATION_KINDS)
    return f"synthetic-organisation-{number}", f"{place_name(rng)} {kind}", org_type


def case_study_name(index: int, seed: int = DEFAULT_SEED) -> str:
    """The file name of case study ``index``: its number and its place, the first thing its story picks."""
    place = place_name(random.Random(f"{seed}:{index}"))
    return f"synthetic-{index:05d}-{slugify(place)}.md"


def series_part(index: int) -> tuple[str, int] | None:
    """The series id and part number of case study ``index``, if it is part of a series."""
    block, offset = divmod(index, SERIES_BLOCK)
    parts = 2 + block % 3
    return (f"synthetic-series-{block + 1}", offset + 1) if offset < parts else None


def _organisations_for(index: int, taxonomy: Taxonomy, seed: int) -> dict[str, str]:
    # The real organisations, and the synthetic ones that exist by this case study.
    names = {
        org_id: organisation.name
        for org_id, organisation in taxonomy.organisations.items()
        if not org_id.startswith("synthetic-")
    }
    for number in range(1, index // CASES_PER_ORGANISATION + 2):
        org_id, name, _type = synthetic_organisation(number, seed)
        names[org_id] = name
    return names


def case_study_text(index: int, taxonomy: Taxonomy, seed: int = DEFAULT_SEED) -> tuple[str, str]:
    """Case study number ``index`` of the corpus for ``seed``.

    Returns:
        Its file name and its text (front matter and body).
    """
    rng = random.Random(f"{seed}:{index}")
    story = _Story(rng, taxonomy, _organisations_for(index, taxonomy, seed))
    title = story.title()

    def quoted(text: str) -> str:
        # JSON strings are valid YAML double-quoted strings.
        return json.dumps(text)

    part = series_part(index)
    series_lines = [] if part is None else ["series:", f"  id: {part[0]}", f"  position: {part[1]}"]
    organisations = "\n".join(
        f"  - id: {org_id}\n    role: {quoted(rng.choice(ORGANISATION_ROLES))}" for org_id in story.organisations
    )
    front = "\n".join(
        (
            "---",
            f"title: {quoted(title)}",
            f"summary: {quoted(story.summary())}",
            f'date: "{story.date.isoformat()}"',
            "authors:",
            f"  - name: {quoted(story.people[0])}",
            f"    role: {quoted(rng.choice(ROLES))}",
            "organisations:",
            organisations,
            f"place: {quoted(story.place)}",
            f"region: {story.region.id}",
            f"service_types: [{', '.join(term.id for term in story.services)}]",
            f"commissioning_stages: [{', '.join(term.id for term in story.stages)}]",
            f"ladder_rung: {story.rung.id}",
            f"themes: [{', '.join(term.id for term in story.themes)}]",
            *series_lines,
            "source:",
            f"  title: {quoted(title)}",
            f"  publisher: {quoted(story.place + ' Council')}",
            f"  url: https://example.org/stories/{index}",
            f"comments: {'true' if rng.random() < 0.8 else 'false'}",
            "---",
        )
    )
    shares = (0.25, 0.15, 0.25, 0.2, 0.15)
    openings = [story.introduction(), "", "", "", ""]
    if index > 0 and rng.random() < WIKILINK_SHARE:
        earlier = slugify(Path(case_study_name(rng.randrange(index), seed)).stem)
        openings[3] = f"We learned a lot from [[{earlier}]]."
    body = "\n\n".join(
        story.section(name, int(WORDS_PER_CASE * share), opening)
        for name, share, opening in zip(SECTIONS, shares, openings, strict=True)
    )
    return case_study_name(index, seed), f"{front}\n\n{body}\n"


def generate(count: int, taxonomy: Taxonomy, seed: int = DEFAULT_SEED) -> Iterator[tuple[str, str]]:
    """The first ``count`` case studies of the corpus for ``seed``, as (file name, text)."""
    for index in range(count):
        yield case_study_text(index, taxonomy, seed)


def copy_real_hub(target: Path, case_studies: Path | None = None) -> Path:
    """Make a hub in ``target`` from the real hub's settings, pages, taxonomy, hooks and theme.

    Args:
        target: An empty or missing folder.
        case_studies: A folder of case studies for the hub, which also gets
            the real hub's template and schema beside them; None to leave the
            case studies to the caller.

    Returns:
        ``target``.
    """
    target.mkdir(parents=True, exist_ok=True)
    for part in HUB_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    if case_studies is not None:
        shutil.copytree(case_studies, target / CASE_STUDIES_DIR)
        for companion in CASE_STUDY_COMPANIONS:
            shutil.copy2(REPO / companion, target / companion)
    return target


def make_hub(target: Path, count: int, seed: int = DEFAULT_SEED) -> Path:
    """A hub at ``target``: the real hub's settings and pages, and ``count`` synthetic case studies.

    Args:
        target: An empty or missing folder.
        count: How many case studies to generate.
        seed: Which corpus.

    Returns:
        ``target``.
    """
    copy_real_hub(target)
    with (target / "taxonomy" / "organisations.yml").open("a", encoding="utf-8") as handle:
        for number in range(1, max(0, count - 1) // CASES_PER_ORGANISATION + 2):
            org_id, name, org_type = synthetic_organisation(number, seed)
            handle.write(
                f"{org_id}:\n  name: {json.dumps(name)}\n  type: {org_type}\n"
                "  description: An organisation made up for the benchmarks.\n"
            )
    with (target / "taxonomy" / "series.yml").open("a", encoding="utf-8") as handle:
        for block in range((count + SERIES_BLOCK - 1) // SERIES_BLOCK):
            handle.write(f"synthetic-series-{block + 1}:\n  title: Synthetic series {block + 1}\n")
    folder = target / CASE_STUDIES_DIR
    folder.mkdir()
    taxonomy, problems = load_taxonomy(target)
    if problems:
        raise ValueError(f"the taxonomy has problems: {problems[0]}")
    for name, text in generate(count, taxonomy, seed):
        (folder / name).write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic hub: ``python -m bench.corpus FOLDER --cases N``."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the hub (must not exist yet)")
    parser.add_argument("--cases", type=int, default=1000, help="how many case studies (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="which corpus (default %(default)s)")
    args = parser.parse_args(argv)
    if args.folder.exists():
        print(f"bench.corpus: {args.folder} already exists: choose a new folder", file=sys.stderr)
        return 1
    make_hub(args.folder, args.cases, args.seed)
    print(f"Wrote a hub with {args.cases} case studies to {args.folder}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
