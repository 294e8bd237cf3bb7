// Pagefind for the header's search box, which has no filters.
//
// Pagefind's Component UI asks for every filter's data as soon as it starts
// (about 230 KB at 10,000 case studies), although a search without filters
// never uses it. The header's <pagefind-config> points the Component UI here
// instead of at pagefind.js: the same Pagefind and the same index, except that
// filters() answers "none" without fetching anything.
import * as pagefind from "../../../pagefind/pagefind.js";
import { RANKING } from "../ranking.js";

export * from "../../../pagefind/pagefind.js";

export function createInstance(options) {
  return { ...pagefind.createInstance({ ...options, ranking: RANKING }), filters: async () => ({}) };
}
