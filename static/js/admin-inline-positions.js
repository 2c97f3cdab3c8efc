// Rows added with "Add another" get the next position number, so new sections
// and key points land at the end in the order they were added, not all at 0.
document.addEventListener("formset:added", function (event) {
  "use strict";
  var row = event.target;
  var input = row.querySelector('input[name$="-position"]');
  var group = row.closest(".inline-group");
  if (!input || !group) {
    return;
  }
  var highest = 0;
  group.querySelectorAll('input[name$="-position"]').forEach(function (other) {
    if (other !== input && !other.name.includes("__prefix__")) {
      highest = Math.max(highest, parseInt(other.value, 10) || 0);
    }
  });
  input.value = highest + 1;
});
