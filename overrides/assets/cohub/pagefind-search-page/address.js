// The search page's address holds its search: the words (q), the ticked
// terms (one parameter per facet, named as in the registry, with term ids:
// themes=tendering&themes=direct-payments) and the order (order=date). The
// page restores them on load, so a search can be bookmarked or sent as a
// link, and writes them back as the reader types or ticks, with
// history.replaceState: one history entry for the page, not one per letter.
import { setOrder } from "./pagefind.js";

const MAX_WORDS = 200;
const ORDERS = new Set(["", "date"]);
const select = document.getElementById("cohub-order");

// The registry as the page lists it: address name <-> index name, term id <-> label.
const facets = [...document.querySelectorAll("#cohub-filter-params [data-param]")].map((item) => ({
  param: item.dataset.param,
  name: item.dataset.filter,
  labels: new Map([...item.querySelectorAll("[data-term]")].map((term) => [term.dataset.term, term.textContent])),
}));

function fromAddress(params) {
  const filters = {};
  for (const facet of facets) {
    const labels = params.getAll(facet.param).map((id) => facet.labels.get(id)).filter(Boolean);
    if (labels.length) filters[facet.name] = [...new Set(labels)];
  }
  const order = params.get("order") ?? "";
  return {
    words: (params.get("q") ?? "").trim().slice(0, MAX_WORDS),
    filters,
    order: ORDERS.has(order) ? order : "",
  };
}

function toAddress(words, filters, order) {
  const params = new URLSearchParams();
  if (words.trim()) params.set("q", words.trim());
  for (const facet of facets) {
    const chosen = [filters?.[facet.name] ?? []].flat();
    for (const [id, label] of facet.labels) {
      if (chosen.includes(label)) params.append(facet.param, id);
    }
  }
  if (order) params.set("order", order);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
}

function loaded(instance) {
  // The Component UI sets availableFilters once Pagefind and its filters have loaded.
  return new Promise((resolve) => {
    const check = () => (instance.availableFilters !== null ? resolve() : setTimeout(check, 50));
    check();
  });
}

async function start() {
  const manager = window.PagefindComponents?.getInstanceManager();
  if (!manager) {
    setTimeout(start, 50);
    return;
  }
  const instance = manager.getInstance("default");
  const wanted = fromAddress(new URLSearchParams(window.location.search));
  select.value = wanted.order;
  setOrder(wanted.order);
  const input = document.querySelector(".cohub-search-page pagefind-input input");
  if (input) input.value = wanted.words;
  await loaded(instance);
  instance.on("search", (words, filters) => {
    // A search with no words lists every case study with the ticked terms (the
    // Component UI's faceted switch; listing.js answers it, not Pagefind's index);
    // with nothing ticked either, the page asks for words rather than list the whole hub.
    instance.faceted = Object.values(filters ?? {}).some((values) => [values].flat().length > 0);
    window.history.replaceState(window.history.state, "", toAddress(words ?? "", filters, select.value));
  });
  // Words typed while Pagefind loaded win over an address without any.
  const box = document.querySelector(".cohub-search-page pagefind-input input");
  const words = wanted.words || box?.value.trim().slice(0, MAX_WORDS) || "";
  if (box && !box.value.trim()) box.value = words;
  instance.triggerSearchWithFilters(words, wanted.filters);
}

start();
