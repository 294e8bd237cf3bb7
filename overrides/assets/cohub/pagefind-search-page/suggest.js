// When a search finds nothing, suggest the nearest words from the hub's
// vocabulary (the words of its terms' labels and synonyms): "tendr" finds no
// page, so the page offers a link to search for "tender". Pagefind matches
// whole words and their beginnings only, so it cannot forgive a slip itself.
// The suggestion is a link to the search page's own address, and it sits in
// a status region, so screen readers hear it after "No results".
const box = document.getElementById("cohub-suggestion");
const vocabulary = (box?.dataset.words ?? "").split(" ").filter(Boolean);
const known = new Set(vocabulary);

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbouring letters each cost one.
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = [...Array(a.length + 1)].map((_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

// The nearest vocabulary word: one slip in a word of up to six letters, two in a longer one.
function nearest(word) {
  if (known.has(word) || word.length < 4) return word;
  const limit = word.length > 6 ? 2 : 1;
  let best = word;
  let bestDistance = limit + 1;
  for (const candidate of vocabulary) {
    const d = distance(word, candidate, limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function suggestion(words) {
  const suggested = words.toLowerCase().split(/\s+/).filter(Boolean).map(nearest).join(" ");
  return suggested !== words.trim().toLowerCase() ? suggested : "";
}

function show(words, count) {
  box.replaceChildren();
  const suggested = words && count === 0 ? suggestion(words) : "";
  if (!suggested) return;
  const link = document.createElement("a");
  const params = new URLSearchParams(window.location.search);
  params.set("q", suggested);
  link.href = `?${params}`;
  link.textContent = suggested;
  box.append("Did you mean ", link, "?");
}

function start() {
  const instance = window.PagefindComponents?.getInstanceManager().getInstance("default");
  if (!instance || !box) {
    setTimeout(start, 50);
    return;
  }
  instance.on("results", (found) => show(instance.searchTerm ?? "", found?.results?.length ?? 0));
}

start();
