// The search page's "Order" control: best match first, or newest first.
import { setOrder } from "./pagefind.js";

const select = document.getElementById("cohub-order");
select.addEventListener("change", () => {
  setOrder(select.value);
  const search = window.PagefindComponents.getInstanceManager().getInstance("default");
  if (search.searchTerm) {
    search.triggerSearch(search.searchTerm);
  }
});
