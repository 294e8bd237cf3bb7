// Search for the words in the page's address (search/?q=words), as the home
// page's and the 404 page's search forms send them, once the search box exists.
const words = new URLSearchParams(window.location.search).get("q")?.trim().slice(0, 200);

function fill() {
  const input = document.querySelector("pagefind-input input");
  if (!input) {
    return false;
  }
  input.value = words;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  return true;
}

if (words && !fill()) {
  // The Component UI draws its box after it loads; stop looking after ten seconds.
  const observer = new MutationObserver(() => {
    if (fill()) {
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  setTimeout(() => observer.disconnect(), 10000);
}
