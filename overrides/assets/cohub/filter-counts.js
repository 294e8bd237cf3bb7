// Pagefind writes a bare number beside each filter ("Tendering 2"), which a
// screen reader reads with no unit. Each count gets hidden words saying what it
// counts, written again whenever Pagefind rewrites the number.
(() => {
  const pane = document.querySelector(".cohub-search-page pagefind-filter-pane");
  if (!pane) return;
  const label = () => {
    for (const count of pane.querySelectorAll(".pf-filter-checkbox-count")) {
      if (count.querySelector(".cohub-visually-hidden")) continue;
      const number = Number(count.textContent.trim());
      const unit = document.createElement("span");
      unit.className = "cohub-visually-hidden";
      unit.textContent = number === 1 ? " case study" : " case studies";
      count.append(unit);
    }
  };
  new MutationObserver(label).observe(pane, { childList: true, subtree: true, characterData: true });
  label();
})();
