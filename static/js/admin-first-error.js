// A form sent back with errors opens at its first one: "Please correct the errors below." stands at the top,
// and the field at fault may be a section thousands of pixels down. Its field takes the focus (which scrolls
// it into view, and has a screen reader read it with its message). On every admin page (admin/base_site.html).
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), textarea:not([disabled]), select:not([disabled])";

  // On "load", after Django's change_form.js (loaded async), which focuses an add form's first field.
  window.addEventListener("load", function () {
    if (!document.querySelector(".errornote")) {
      return;
    }
    var error = document.querySelector("#content-main .errorlist");
    var place = error && error.closest(".form-row, .inline-related, fieldset, tr");
    var field = place && place.querySelector(FIELDS);
    if (field) {
      field.focus();
    } else if (error) {
      error.scrollIntoView({ block: "center" });
    }
  });
})();
