// Runs static/js/admin-reference-kinds.js against a small stand-in for the admin form's DOM
// (tests/test_reference_kinds_admin.py builds it from the real page), chooses each kind in turn
// and prints what is in view. Node has no DOM of its own and the project has no npm packages.
"use strict";
const fs = require("fs");
const vm = require("vm");

const page = JSON.parse(fs.readFileSync(0, "utf-8"));

function element(props) {
  const listeners = {};
  return Object.assign(
    {
      hidden: false,
      dataset: {},
      classes: [],
      addEventListener(type, fn) {
        (listeners[type] = listeners[type] || []).push(fn);
      },
      fire(type) {
        (listeners[type] || []).forEach((fn) => fn());
      },
      get classList() {
        return { contains: (name) => this.classes.includes(name) };
      },
    },
    props,
  );
}

const rows = {};
const labels = {};
const fieldsets = page.fieldsets.map((fieldset) => {
  const own = fieldset.rows.map((row) => {
    const el = element({ classes: row.errors ? ["errors"] : [] });
    if (row.field) {
      rows[row.field] = el;
      labels[row.field] = element({ textContent: row.label });
    }
    return el;
  });
  return element({ legend: fieldset.legend, querySelectorAll: () => own });
});

const form = element({
  querySelector(selector) {
    let match = /^\.form-row\.field-(\w+)$/.exec(selector);
    if (match) return rows[match[1]] || null;
    match = /^label\[for="id_(\w+)"\]$/.exec(selector);
    if (match) return labels[match[1]] || null;
    throw new Error("unexpected selector " + selector);
  },
  querySelectorAll(selector) {
    if (selector !== "fieldset.module") throw new Error("unexpected selector " + selector);
    return fieldsets;
  },
});
const kind = element({ value: page.kinds[0], form, dataset: { kindFields: page.config } });
const document = element({ getElementById: (id) => (id === "id_kind" ? kind : null) });

vm.runInNewContext(fs.readFileSync(page.script, "utf-8"), { document, JSON });
document.fire("DOMContentLoaded");

const seen = {};
for (const value of page.kinds) {
  kind.value = value;
  kind.fire("change");
  seen[value] = {
    shown: Object.keys(rows).filter((field) => !rows[field].hidden),
    groups: fieldsets.filter((fieldset) => !fieldset.hidden).map((fieldset) => fieldset.legend),
    labels: Object.fromEntries(Object.entries(labels).map(([field, label]) => [field, label.textContent])),
  };
}
process.stdout.write(JSON.stringify(seen));
