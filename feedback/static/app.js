// The site's only script (the Content-Security-Policy allows no inline code):
// buttons marked data-print print the page.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
