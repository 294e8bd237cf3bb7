// Pagefind for the search page, which can list results newest first.
//
// The Component UI has no way to ask Pagefind for a sort, so the search
// page's <pagefind-config> points it here instead of at pagefind.js: the same
// Pagefind and index, whose search() adds the order that order.js sets.
// Sorting by date leaves out pages without one (the hand-written pages).
import * as pagefind from "../../../pagefind/pagefind.js";

export * from "../../../pagefind/pagefind.js";

let sortKey = "";

export function setOrder(key) {
  sortKey = key;
}

export function createInstance(options) {
  const instance = pagefind.createInstance(options);
  return {
    ...instance,
    search: (term, searchOptions = {}) =>
      instance.search(term, sortKey ? { ...searchOptions, sort: { [sortKey]: "desc" } } : searchOptions),
  };
}
