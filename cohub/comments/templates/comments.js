// Move keyboard and screen reader focus to the error summary when a page
// shows one, as the GOV.UK Design System does.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-cohub-focus]");
  if (summary) {
    summary.focus();
  }
});
