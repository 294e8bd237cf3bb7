// The search page's "Order" control: best match first, or newest first.
import { setOrder } from "./pagefind.js";

const select = document.getElementById("cohub-order");
select.addEventListener("change", () => {
  setOrder(select.value);
  // Search again with the same words and filters, once the Component UI has loaded.
  const search = window.PagefindComponents?.getInstanceManager().getInstance("default");
  if (search?.faceted || search?.searchTerm) {
    search.triggerSearch(search.searchTerm);
  }
});
