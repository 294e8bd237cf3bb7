// How Pagefind ranks results, shared by the header's search box and the
// search page. A word in a case study's title or subject (the words of the
// labels and synonyms of the terms it is tagged with) counts for more than the same
// word in its body, so the story tagged "Supported living" comes before one
// that only says "support service"; so does a word of its summary, twice a
// word of its story (data-pagefind-weight in overrides/case-study.html). The figures were chosen by measurement
// (python -m bench.relevance), on the queries tests/test_search_relevance.py checks.
export const RANKING = {
  metaWeights: { title: 5.0, subject: 8.0 },
};
