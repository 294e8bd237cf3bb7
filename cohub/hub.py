"""The whole hub as one value: taxonomy plus every case study."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cohub.corpus import Corpus, load_corpus
from cohub.tagging import tags_for
from cohub.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from pathlib import Path

    from cohub.corpus import Warn
    from cohub.model import CaseStudy
    from cohub.problems import Problem
    from cohub.readers import ReadOne


@dataclass(frozen=True)
class Hub:
    """What the site is built from.

    Attributes:
        root: The hub's root folder.
        taxonomy: The controlled vocabulary.
        corpus: Every case study and every problem in them.
        taxonomy_problems: Problems in ``taxonomy/``.
    """

    root: Path
    taxonomy: Taxonomy
    corpus: Corpus
    taxonomy_problems: tuple[Problem, ...] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem, taxonomy first: any one stops the build."""
        return (*self.taxonomy_problems, *self.corpus.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Things to put right that do not stop the build."""
        return self.corpus.warnings

    @property
    def case_studies(self) -> tuple[CaseStudy, ...]:
        """The published case studies, newest first."""
        return self.corpus.published

    def case_study(self, slug: str) -> CaseStudy | None:
        """The published case study at ``slug``, if there is one."""
        return next((case_study for case_study in self.case_studies if case_study.slug == slug), None)

    def tags(self, case_study: CaseStudy) -> tuple[str, ...]:
        """The tags a case study carries."""
        return tags_for(case_study, self.taxonomy)


def load_hub(root: Path, read_one: ReadOne | None = None, warn: Warn | None = None) -> Hub:
    """Read ``taxonomy/`` and ``case_studies/`` under ``root``.

    Args:
        root: The hub's root folder.
        read_one: Reads one case-study file, if not :func:`cohub.corpus.read_file`.
        warn: Gives one case study's warnings, if not :func:`cohub.corpus.case_study_warnings`.
    """
    taxonomy, taxonomy_problems = load_taxonomy(root)
    return Hub(
        root=root,
        taxonomy=taxonomy,
        # Files read by worker processes would not reach a preview's memory of them.
        corpus=load_corpus(root, taxonomy, read_one=read_one, warn=warn, workers=0 if read_one is not None else None),
        taxonomy_problems=taxonomy_problems,
    )
