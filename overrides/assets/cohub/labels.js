// Pagefind makes its inputs itself, with ids of its own choosing, after the
// page has loaded. A label marked data-cohub-label-for="SELECTOR" is tied to
// the input that SELECTOR finds as soon as it appears.
(() => {
  const labels = [...document.querySelectorAll("label[data-cohub-label-for]")];
  const tie = () => {
    for (const label of labels) {
      const input = document.querySelector(label.dataset.cohubLabelFor);
      if (input && input.id && label.htmlFor !== input.id) label.htmlFor = input.id;
    }
    return labels.every((label) => label.htmlFor);
  };
  if (!labels.length || tie()) return;
  const observer = new MutationObserver(() => tie() && observer.disconnect());
  observer.observe(document.body, { childList: true, subtree: true });
})();
