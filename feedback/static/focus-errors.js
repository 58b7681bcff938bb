// A form sent back with errors: move the focus to its summary of what to correct, so
// that nobody is left at the top of a long page with the message below the fold. After
// "load": the browser's own scrolling to the form's #fragment comes first.
window.addEventListener("load", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); summary.scrollIntoView({block: "start"}); }
});
