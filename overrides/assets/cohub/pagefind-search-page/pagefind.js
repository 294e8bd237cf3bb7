// Pagefind for the search page, which can list results newest first.
//
// The Component UI has no way to ask Pagefind for a sort, so the search
// page's <pagefind-config> points it here instead of at pagefind.js: the same
// Pagefind and index, whose search() adds the order that order.js sets.
// Sorting by date leaves out pages without one (the hand-written pages). A
// search with no words and ticked terms is answered from cohub's own listing
// (listing.js): newest first, case studies only, without Pagefind's index.
//
// The filter pane shows a ticked value's count from totalFilters: how many
// pages have the words, whatever else is ticked (and none at all when there
// are no words), so it could show 2 beside a ticked term while 1 result was
// listed. Each count here is Pagefind's count within the listed results.
import * as pagefind from "../../../pagefind/pagefind.js";
import { RANKING } from "../ranking.js";
import { listByFilters, ticked } from "./listing.js";

export * from "../../../pagefind/pagefind.js";

let sortKey = "";

export function setOrder(key) {
  sortKey = key;
}

export function createInstance(options) {
  const instance = pagefind.createInstance({ ...options, ranking: RANKING });
  return {
    ...instance,
    search: async (term, searchOptions = {}) => {
      if (!term && ticked(searchOptions.filters)) return listByFilters(searchOptions.filters, await instance.filters());
      const key = sortKey || (term ? "" : "date");
      const found = await instance.search(term, key ? { ...searchOptions, sort: { [key]: "desc" } } : searchOptions);
      return found && { ...found, totalFilters: found.filters };
    },
  };
}
