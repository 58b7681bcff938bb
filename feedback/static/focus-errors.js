// A form sent back with errors: move the focus to its summary of what to correct, so
// that nobody is left at the top of a long page with the message below the fold.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); summary.scrollIntoView({block: "center"}); }
});
