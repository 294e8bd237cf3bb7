// Small enhancements to the comment form. The form works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Move keyboard and screen reader focus to the error summary when a page
  // shows one, as the GOV.UK Design System does.
  var summary = document.querySelector("[data-cohub-focus]");
  if (summary) {
    summary.focus();
  }

  // A character count that says how many characters are left, announced
  // politely once the person pauses typing rather than at every key.
  var textarea = document.getElementById("comment");
  var count = document.getElementById("comment-count");
  if (!textarea || !count) {
    return;
  }
  // The limit is the service's own, written into the page by the template.
  var limit = parseInt(textarea.getAttribute("data-maxlength"), 10);
  if (!(limit > 0)) {
    return;
  }
  var timer = null;
  var update = function () {
    var left = limit - textarea.value.length;
    count.textContent = left >= 0
      ? "You have " + left.toLocaleString("en-GB") + " characters remaining"
      : "You have " + (-left).toLocaleString("en-GB") + " characters too many";
    count.classList.toggle("cohub-error-message", left < 0);
  };
  textarea.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 400);
  });
  update();
});
