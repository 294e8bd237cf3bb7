// The header's menu button opens and closes Material's drawer, which is a
// checkbox (#__drawer) that its CSS reads. The button says whether the menu is
// open, gives it the id it names, moves focus into it when it opens, and
// closes it on Escape or when focus leaves it, giving focus back.
(() => {
  const button = document.querySelector(".cohub-menu");
  const toggle = document.getElementById("__drawer");
  const drawer = document.querySelector(".md-sidebar--primary");
  if (!button || !toggle || !drawer) return;
  drawer.id = button.getAttribute("aria-controls");

  const sync = () => button.setAttribute("aria-expanded", String(toggle.checked));
  const setOpen = (open) => {
    if (toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change", { bubbles: true }));
    sync();
  };

  button.addEventListener("click", () => {
    setOpen(!toggle.checked);
    if (toggle.checked) {
      drawer.querySelector("a[href], button, input:not([type=hidden]), [tabindex]:not([tabindex='-1'])")?.focus();
    }
  });
  toggle.addEventListener("change", sync);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.checked) {
      setOpen(false);
      button.focus();
    }
  });
  drawer.addEventListener("focusout", (event) => {
    const next = event.relatedTarget;
    if (toggle.checked && next && next !== button && !drawer.contains(next)) setOpen(false);
  });
  sync();
})();
