// Pagefind for the search page, which can list results newest first.
//
// The Component UI has no way to ask for an order, so the search page's
// <pagefind-config> points it here instead of at pagefind.js: the same
// Pagefind and index, whose search() puts results in the order that order.js
// sets. The index holds no sort (a sort would add every page to the file that
// every search fetches first): "newest first" fetches the case studies'
// order, which cohub writes beside the index (cohub/search_order.py), once,
// when a reader first asks for it. It leaves out pages without a date (the
// hand-written pages). A search with no words and ticked terms is answered
// from cohub's own listing (listing.js): newest first, case studies only,
// without Pagefind's index.
//
// The filter pane shows a ticked value's count from totalFilters: how many
// pages have the words, whatever else is ticked (and none at all when there
// are no words), so it could show 2 beside a ticked term while 1 result was
// listed. Each count here is Pagefind's count within the listed results.
import * as pagefind from "../../../pagefind/pagefind.js";
import { RANKING } from "../ranking.js";
import { listByFilters, ticked } from "./listing.js";

export * from "../../../pagefind/pagefind.js";

let newestFirst = false;
let newestOrder = null;

export function setOrder(key) {
  newestFirst = key === "date";
}

// Each dated page's place in the order, by the id Pagefind gives its results.
function newestRanks() {
  if (!newestOrder) {
    const url = new URL(document.getElementById("cohub-filter-params").dataset.newestFirst, document.baseURI);
    newestOrder = fetch(url)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`${url}: ${response.status}`))))
      .then((ids) => new Map(ids.map((id, rank) => [id, rank])));
    newestOrder.catch(() => {
      newestOrder = null;
    });
  }
  return newestOrder;
}

export function createInstance(options) {
  const instance = pagefind.createInstance({ ...options, ranking: RANKING });
  return {
    ...instance,
    search: async (term, searchOptions = {}) => {
      if (!term && ticked(searchOptions.filters)) return listByFilters(searchOptions.filters, await instance.filters());
      const [found, ranks] = await Promise.all([
        instance.search(term, searchOptions),
        newestFirst ? newestRanks() : null,
      ]);
      if (!found) return found;
      const results = ranks
        ? found.results.filter((result) => ranks.has(result.id)).sort((a, b) => ranks.get(a.id) - ranks.get(b.id))
        : found.results;
      return { ...found, results, totalFilters: found.filters };
    },
  };
}
