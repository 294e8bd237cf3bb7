"""A seeded, synthetic hub: the real taxonomy plus any number of valid case studies.

The same seed and size always give the same files, so timings can be compared
between runs and machines.
"""

from __future__ import annotations

import random
import shutil
from datetime import date as Date
from datetime import timedelta
from pathlib import Path

from cohub.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parent.parent
FIRST_DAY = Date(2015, 1, 1)
SUMMARY = "People who use services and commissioners worked together as equals to change a service."
DAYS = 3650

# Sentences to build bodies from: plain English, acronyms spelled out first.
OPENINGS = (
    "The council wanted to change how people get support, and asked the people who use it to help.",
    "A user-led organisation (ULO) brought people with lived experience and commissioners together.",
    "People who use services said the old service did not fit their lives.",
    "Staff and local people met every month for a year to plan the new service.",
)
MIDDLES = (
    "They talked over tea, listened to each other and agreed what mattered most.",
    "People with lived experience helped write the service specification and score the bids.",
    "The group checked every document for jargon and rewrote it in plain English.",
    "Carers and disabled people sat on the panel that chose the provider.",
    "The ULO ran sessions so that everyone could take part on equal terms.",
    "The council paid people for their time and covered their travel.",
)
ENDINGS = (
    "More people now ask for help early, before a crisis.",
    "The service is reviewed every year by the people who use it.",
    "Commissioners say they now start with a conversation, not a plan.",
    "Trust between the council and local people has grown.",
)


def _pick(rng: random.Random, values: tuple[str, ...], low: int, high: int) -> list[str]:
    # Earlier terms are picked more often, as in a real hub where a few themes are common.
    count = rng.randint(low, min(high, len(values)))
    picked: list[str] = []
    while len(picked) < count:
        value = rng.choices(values, weights=[1 / (rank + 1) for rank in range(len(values))])[0]
        if value not in picked:
            picked.append(value)
    return picked


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_synthetic_hub(root: Path, cases: int, seed: int = 1) -> Path:
    """Write a hub with ``cases`` valid case studies under ``root``.

    The taxonomy is the real one, with one synthetic organisation for every
    eight case studies and one synthetic series for every twenty, so that
    organisations and series are as spread out as in a large real hub.

    Args:
        root: An empty or missing folder.
        cases: How many case studies to write.
        seed: Picks every choice; the same seed gives the same hub.

    Returns:
        ``root``.
    """
    rng = random.Random(seed)
    shutil.copytree(REPO / "taxonomy", root / "taxonomy")
    taxonomy, _problems = load_taxonomy(REPO)
    facets = {facet_id: tuple(facet.term_ids) for facet_id, facet in taxonomy.facets.items()}
    regions = facets["regions"]

    organisation_ids = list(taxonomy.organisations)
    with (root / "taxonomy" / "organisations.yml").open("a", encoding="utf-8") as handle:
        for number in range(1, cases // 8 + 2):
            org_id = f"synthetic-organisation-{number}"
            organisation_ids.append(org_id)
            handle.write(
                f"{org_id}:\n  name: Synthetic Organisation {number}\n"
                f"  type: {rng.choice(facets['organisation_types'])}\n"
                f"  description: An organisation made up for the benchmark.\n"
                f"  region: {rng.choice(regions)}\n"
            )
    series_parts: list[tuple[str, int]] = []
    with (root / "taxonomy" / "series.yml").open("a", encoding="utf-8") as handle:
        for number in range(1, cases // 20 + 1):
            series_id = f"synthetic-series-{number}"
            handle.write(f"{series_id}:\n  title: Synthetic series {number}\n")
            series_parts.extend((series_id, position) for position in range(1, rng.randint(2, 4) + 1))
    series_parts = series_parts[:cases]
    rng.shuffle(series_parts)

    folder = root / "case_studies"
    folder.mkdir(parents=True)
    for number in range(1, cases + 1):
        slug = f"case-{number:05d}"
        region = rng.choice(regions)
        organisations = _pick(rng, tuple(organisation_ids), 1, 4)
        paragraphs = [
            rng.choice(OPENINGS),
            " ".join(rng.sample(MIDDLES, 3)),
            rng.choice(ENDINGS),
        ]
        if number > 1 and rng.random() < 0.2:
            paragraphs.append(f"This builds on [[case-{rng.randint(1, number - 1):05d}]].")
        lines = [
            "---",
            f"title: {_quote(f'Synthetic case study {number}: working together on services')}",
            f"summary: {_quote(SUMMARY)}",
            f"date: {(FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()}",
            "authors:",
            f"  - name: Author {number}",
            "    role: Commissioner",
            "organisations:",
            *(line for org_id in organisations for line in (f"  - id: {org_id}", "    role: Took part")),
            f"place: Place {rng.randint(1, max(1, cases // 10))}",
            f"region: {region}",
            f"service_types: [{', '.join(_pick(rng, facets['service_types'], 1, 3))}]",
            f"commissioning_stages: [{', '.join(_pick(rng, facets['commissioning_stages'], 1, 4))}]",
            f"ladder_rung: {rng.choice(facets['ladder_rungs'])}",
            f"themes: [{', '.join(_pick(rng, facets['themes'], 2, 5))}]",
        ]
        if number <= len(series_parts):
            series_id, position = series_parts[number - 1]
            lines += ["series:", f"  id: {series_id}", f"  position: {position}"]
        lines += [
            "source:",
            f"  title: Synthetic source {number}",
            "  publisher: The benchmark",
            f"  url: https://example.org/{slug}",
            "---",
            "",
            "## What happened",
            "",
            "\n\n".join(paragraphs),
            "",
        ]
        (folder / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")
    return root
