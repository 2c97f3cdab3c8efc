// A counter under each text box that has a length limit (data-max-length, set by
// articles.forms.LengthCounted in place of maxlength, which cuts off pasted text without a
// word). Over the limit it says by how much; saving is then refused with the same limit.
(function () {
  "use strict";

  function update(field) {
    var counter = field._lengthCounter;
    var limit = Number(field.dataset.maxLength);
    var length = field.value.length;
    counter.textContent =
      length > limit
        ? length + " / " + limit + " characters: " + (length - limit) + " too many"
        : length + " / " + limit + " characters";
    counter.classList.toggle("over-limit", length > limit);
  }

  function attach(field) {
    if (field._lengthCounter || field.name.indexOf("__prefix__") !== -1) {
      return;
    }
    var counter = document.createElement("div");
    counter.className = "length-counter help";
    counter.id = field.id + "-length";
    counter.setAttribute("aria-live", "polite");
    field._lengthCounter = counter;
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    // Under the field, where the admin puts its help text (after the label-and-field row).
    var row = field.closest(".flex-container") || field;
    row.insertAdjacentElement("afterend", counter);
    update(field);
  }

  function attachAll(root) {
    root.querySelectorAll("[data-max-length]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () {
    attachAll(document);
  });
  document.addEventListener("formset:added", function (event) {
    attachAll(event.target);
  });
  document.addEventListener("input", function (event) {
    if (event.target._lengthCounter) {
      update(event.target);
    }
  });
  // A field another script fills (the slug, from the title, by Django's prepopulate.js) fires no "input":
  // after each key or change anywhere, every counter is brought up to date.
  ["keyup", "change"].forEach(function (type) {
    document.addEventListener(type, function () {
      document.querySelectorAll("[data-max-length]").forEach(function (field) {
        if (field._lengthCounter) {
          update(field);
        }
      });
    });
  });
})();
