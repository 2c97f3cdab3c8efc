// The site works without JavaScript; this only adds what CSS cannot do.
// A citation's card, or a glossary word's explanation, opens on hover or keyboard focus (CSS). Escape closes it without moving
// the pointer or the focus (WCAG 2.2, 1.4.13 "Content on hover or focus"); it may open again
// once the pointer or focus has left that citation.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll(".cite:hover, .cite:focus-within, .term:hover, .term:focus-within").forEach(function (cite) {
      cite.classList.add("cite-dismissed");
    });
  });
  function reopen(event) {
    var cite = event.target.closest && event.target.closest(".cite-dismissed");
    if (cite && !cite.contains(event.relatedTarget)) {
      cite.classList.remove("cite-dismissed");
    }
  }
  document.addEventListener("focusout", reopen);
  document.addEventListener("mouseout", reopen);
})();
