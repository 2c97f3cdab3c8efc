// The reference form shows the fields of the chosen kind only, and names them
// for that kind ("Journal" rather than "Journal / book / website"). The kinds'
// fields and labels come from the kind select's data-kind-fields attribute
// (references/admin.py). Without this script every field shows, in labelled
// groups. Hiding uses the hidden attribute: no inline style for a CSP to refuse.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind || !kind.dataset.kindFields) {
    return;
  }
  var config = JSON.parse(kind.dataset.kindFields);
  var form = kind.form;

  // Every field that some kind shows and another hides.
  var optional = {};
  Object.keys(config.fields).forEach(function (name) {
    config.fields[name].forEach(function (field) {
      optional[field] = true;
    });
  });

  function row(field) {
    return form.querySelector(".form-row.field-" + field);
  }

  function label(field) {
    var element = form.querySelector('label[for="id_' + field + '"]');
    if (element && element.dataset.defaultLabel === undefined) {
      element.dataset.defaultLabel = element.textContent;
    }
    return element;
  }

  function show() {
    var shown = config.fields[kind.value];
    if (!shown) {
      return; // an unknown kind: leave every field in view
    }
    Object.keys(optional).forEach(function (field) {
      var element = row(field);
      if (element) {
        // A field with an error stays in view, whatever the kind, so the error can be read.
        element.hidden = shown.indexOf(field) === -1 && !element.classList.contains("errors");
      }
    });
    var precision = row("accessed_precision");
    if (precision) {
      precision.hidden = shown.indexOf("accessed") === -1;
    }
    Object.keys(config.labels).forEach(function (field) {
      var element = label(field);
      if (element) {
        var text = config.labels[field][kind.value];
        var original = element.dataset.defaultLabel;
        var colon = /:\s*$/.test(original) ? ":" : "";
        element.textContent = text ? text + colon : original;
      }
    });
    // A group with nothing in view goes too.
    form.querySelectorAll("fieldset.module").forEach(function (fieldset) {
      var rows = fieldset.querySelectorAll(".form-row");
      var visible = Array.prototype.some.call(rows, function (element) {
        return !element.hidden;
      });
      fieldset.hidden = rows.length > 0 && !visible;
    });
  }

  kind.addEventListener("change", show);
  show();
});
