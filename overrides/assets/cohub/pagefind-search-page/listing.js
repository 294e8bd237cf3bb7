// Filters ticked with no words: the case studies carrying every ticked term,
// newest first, from the small files cohub writes at build time
// (cohub/filter_listing.py), not from Pagefind, which fetches its whole word
// index for a search with no words (about 17 MB at 10,000 case studies).
//
// The answer has the shape of Pagefind's own, so the Component UI shows,
// counts, announces and pages it as it does any search: results whose data()
// fetches a chunk of the shared listing only when the result is shown, and
// beside each term the number of listed case studies carrying it.

const cache = new Map();

function fetched(url) {
  if (!cache.has(url.href)) {
    cache.set(
      url.href,
      fetch(url).then((response) => (response.ok ? response.json() : Promise.reject(new Error(`${url}: ${response.status}`)))),
    );
  }
  return cache.get(url.href);
}

// The Component UI puts an excerpt into the page as HTML (Pagefind's hold
// <mark>); a summary is plain text, and may hold anything.
function escaped(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

// The registry as the search page lists it: each filter's terms in order,
// whose positions are the term numbers in the listing's files.
function registry() {
  const list = document.getElementById("cohub-filter-params");
  const facets = new Map();
  const terms = [];
  for (const item of list.querySelectorAll("[data-param]")) {
    const labels = new Map();
    for (const term of item.querySelectorAll("[data-term]")) {
      labels.set(term.textContent, { id: term.dataset.term, number: terms.length });
      terms.push({ name: item.dataset.filter, label: term.textContent });
    }
    facets.set(item.dataset.filter, { param: item.dataset.param, labels });
  }
  const base = new URL(list.dataset.listing, document.baseURI);
  return { facets, terms, base, chunkSize: Number(list.dataset.chunkSize) };
}

// A term's file gives each row's place as a step from the row before's.
function placed(rows) {
  let place = 0;
  return rows.map(([step, ...numbers]) => {
    place += step;
    return [place, ...numbers];
  });
}

export function ticked(filters) {
  return Object.values(filters ?? {}).some((values) => [values].flat().length > 0);
}

// filters: the ticked terms, as Pagefind takes them; known: Pagefind's filters() for the whole index.
export async function listByFilters(filters, known) {
  const { facets, terms, base, chunkSize } = registry();
  const files = [];
  let unknown = false;
  for (const [name, values] of Object.entries(filters)) {
    for (const label of [values].flat()) {
      const facet = facets.get(name);
      const term = facet?.labels.get(label);
      if (term) files.push(new URL(`${facet.param}/${term.id}.json`, base));
      else unknown = true;
    }
  }
  const lists = unknown ? [[]] : (await Promise.all(files.map(fetched))).map(placed);
  // Pagefind's filters ask for every ticked term, within a facet too: keep the
  // rows of the shortest list whose case study is in every other list.
  const [shortest, ...others] = [...lists].sort((a, b) => a.length - b.length);
  const within = others.map((rows) => new Set(rows.map(([place]) => place)));
  const rows = shortest.filter(([place]) => within.every((places) => places.has(place)));

  // Counted for the filters and values the index has (those the pane shows):
  // any other would make the pane draw itself again, closing its groups.
  const counts = Object.fromEntries(
    Object.entries(known).map(([name, values]) => [name, Object.fromEntries(Object.keys(values).map((label) => [label, 0]))]),
  );
  for (const [, ...numbers] of rows) {
    for (const number of numbers) {
      const { name, label } = terms[number];
      if (counts[name]?.[label] !== undefined) counts[name][label] += 1;
    }
  }
  const root = new URL("../../", base);
  const results = rows.map(([place]) => ({
    id: `cohub-listing-${place}`,
    score: 0,
    words: [],
    data: async () => {
      const chunk = await fetched(new URL(`${Math.floor(place / chunkSize)}.json`, base));
      const [address, title, details, summary] = chunk[place % chunkSize];
      const url = new URL(address, root).pathname;
      return {
        url,
        raw_url: url,
        content: summary,
        excerpt: escaped(summary),
        meta: { title, details },
        filters: {},
        anchors: [],
        locations: [],
        weighted_locations: [],
        sub_results: [],
        word_count: 0,
      };
    },
  }));
  return { results, unfilteredResultCount: rows.length, filters: counts, totalFilters: counts, timings: [] };
}
