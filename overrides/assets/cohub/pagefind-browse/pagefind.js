// Pagefind for the search page: browsing without words lists case studies newest first.
//
// With words typed, results come best match first. With none, the search page
// lists whatever the filters allow (Pagefind's faceted mode), and the best
// order for that is by date; the Component UI has no way to ask for a sort,
// so the search page's <pagefind-config> points it here instead of at
// pagefind.js. Pages without a date (the hand-written ones) drop out of that
// list, which leaves the case studies.
import * as pagefind from "../../../pagefind/pagefind.js";

export * from "../../../pagefind/pagefind.js";

export function createInstance(options) {
  const instance = pagefind.createInstance(options);
  return {
    ...instance,
    search: (term, searchOptions = {}) =>
      instance.search(term, term ? searchOptions : { sort: { date: "desc" }, ...searchOptions }),
  };
}
