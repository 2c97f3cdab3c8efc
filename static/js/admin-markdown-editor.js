// The Markdown editor's own tools (see articles/widgets.py):
// - the citation picker: "Cite a reference" or typing "[@" opens a search of the reference
//   library (author, title, year or key); choosing a work inserts [@key] at the cursor. Arrow
//   keys, Enter and Escape work (Enter before the results have come takes the first that comes);
//   selected text is kept (the citation goes after it) and Ctrl+Z takes the citation back. "Add a
//   new reference" opens the reference form in Django's related-object pop-up and cites the work
//   once it is saved (if the picker was closed meanwhile, it opens again at the cursor offering
//   it). Opened by typing "[@", it never swallows what is typed: closed without a choice, or at a
//   ";" or "]" (someone writing the citation by hand, "[@neumann2017, p. 45]"), the search text
//   goes into the editor after "[@" and typing goes on there. A "," stays in the search:
//   "Neumann, 2017" is a search too.
// - the preview follows the cursor: it scrolls to the heading of the part being written.
// Everything is bound on the document, so rows added with "Add another" work too. Results are
// shown with textContent only: a title is never read as HTML.
(function () {
  "use strict";

  var POPUP_NAME = "cite_reference";
  var picker = null; // built on first use
  var target = null; // {editor, start, end}: where the citation goes, while the picker is open
  var popupEditor = null; // the editor an "Add a new reference…" pop-up was opened from
  var results = [];
  var active = -1;
  var pending = null;
  var timer = null;
  var enterWaiting = false; // Enter was pressed before the results came: the first found is chosen,
  var typedWhileWaiting = ""; // and what is typed meanwhile follows the citation in the text

  function editorOf(element) {
    var wrapper = element.closest(".markdown-editor");
    return wrapper ? wrapper.querySelector("textarea.markdownx-editor") : null;
  }

  function make(tag, attrs, text) {
    var element = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      element.setAttribute(name, attrs[name]);
    });
    if (text) {
      element.textContent = text;
    }
    return element;
  }

  function buildPicker() {
    var dialog = make("dialog", { class: "cite-picker", "aria-labelledby": "cite-picker-title" });
    dialog.appendChild(make("h2", { id: "cite-picker-title" }, "Cite a reference"));
    dialog.appendChild(
      make("label", { for: "cite-picker-search" }, "Search the library by author, title, year or key")
    );
    var input = make("input", {
      type: "search",
      id: "cite-picker-search",
      role: "combobox",
      autocomplete: "off",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": "cite-picker-results",
    });
    dialog.appendChild(input);
    dialog.appendChild(make("p", { class: "cite-picker-status", role: "status" }));
    dialog.appendChild(make("ul", { id: "cite-picker-results", role: "listbox", "aria-label": "Works found" }));
    var actions = make("p", { class: "cite-picker-actions" });
    var add = make("a", { href: "#", class: "cite-picker-add" }, "Add a new reference…");
    var cancel = make("button", { type: "button", class: "button cite-picker-cancel" }, "Cancel");
    actions.appendChild(add);
    actions.appendChild(cancel);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);

    input.addEventListener("input", function () {
      clearTimeout(timer);
      stopWaiting();
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (enterWaiting && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        typedWhileWaiting += event.key;
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (results.length) {
          var step = event.key === "ArrowDown" ? 1 : -1;
          highlight((active + step + results.length) % results.length);
        }
      } else if (event.key === "Enter") {
        event.preventDefault(); // never submits the article form
        if (active >= 0 && !timer && !pending) {
          choose(results[active]);
        } else if (input.value.trim()) {
          enterWaiting = true; // the results shown are of an older search, or none yet
          clearTimeout(timer);
          search();
        }
      } else if (event.key === "Escape") {
        event.preventDefault(); // closes at once (a search box's own Escape only empties it)
        close();
      } else if (target && target.typed && (event.key === ";" || event.key === "]")) {
        event.preventDefault();
        input.value += event.key; // written by hand: back to the editor with it
        close();
      }
    });
    dialog.querySelector("ul").addEventListener("click", function (event) {
      var option = event.target.closest("li[role=option]");
      if (option) {
        choose(results[Number(option.dataset.index)]);
      }
    });
    cancel.addEventListener("click", function () {
      close();
    });
    dialog.addEventListener("close", function () {
      if (!target) {
        return;
      }
      target.editor.focus();
      var typed = input.value;
      if (target.typed && !target.chosen && typed) {
        insert(target.editor, target.end, target.end, typed); // typed into the search after "[@": the text's
      }
      target = null; // its place in the text may change from now on
    });
    add.addEventListener("click", function (event) {
      event.preventDefault();
      popupEditor = target.editor;
      var url = new URL(dataOf(popupEditor).citeAddUrl, window.location.href);
      url.searchParams.set("_popup", "1");
      var popup = window.open(url.href, POPUP_NAME + "__1", "height=700,width=900,resizable=yes,scrollbars=yes");
      if (popup) {
        popup.focus();
      }
    });
    return dialog;
  }

  function dataOf(editor) {
    return editor.closest(".markdown-editor").dataset;
  }

  function open(editor, start, end, typed) {
    picker = picker || buildPicker();
    stopWaiting();
    target = { editor: editor, start: start, end: end, typed: Boolean(typed), chosen: false };
    var input = picker.querySelector("input");
    input.value = "";
    show([], "Type a name, a word of the title, a year or a key.");
    if (!picker.open) {
      picker.showModal();
    }
    input.focus();
  }

  function close() {
    if (picker && picker.open) {
      picker.close();
    }
  }

  function search() {
    timer = null;
    if (!target) {
      return; // closed before the pause after typing ended
    }
    var query = picker.querySelector("input").value.trim();
    if (!query) {
      show([], "Type a name, a word of the title, a year or a key.");
      return;
    }
    fetchResults("q=" + encodeURIComponent(query)).then(function (found) {
      if (found === undefined) {
        return; // a newer search is under way
      }
      if (!found) {
        stopWaiting(); // the library could not be searched (its message is shown)
        return;
      }
      show(found, found.length ? found.length + (found.length === 1 ? " work found." : " works found.") : "No work in the library matches “" + query + "”.");
      if (enterWaiting && found.length && target) {
        var typed = typedWhileWaiting;
        typedWhileWaiting = "";
        choose(found[0], typed);
      }
      stopWaiting();
    });
  }

  function stopWaiting() {
    if (typedWhileWaiting && picker && picker.open) {
      picker.querySelector("input").value += typedWhileWaiting; // no work found: the search goes on with it
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    }
    enterWaiting = false;
    typedWhileWaiting = "";
  }

  function fetchResults(params) {
    if (pending) {
      pending.abort();
    }
    var controller = (pending = new AbortController());
    var url = dataOf(target.editor).citeSearchUrl + "?" + params;
    return fetch(url, { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) {
        if (pending === controller) {
          pending = null;
        }
        return response.json().then(function (body) {
          if (!response.ok) {
            show([], body.error || "The library could not be searched.");
            return null;
          }
          return body.results;
        });
      })
      .catch(function (error) {
        if (error.name === "AbortError") {
          return undefined; // replaced by a newer search
        }
        show([], "The library could not be searched: " + error.message);
        return null;
      });
  }

  function show(found, status) {
    results = found;
    active = -1;
    var list = picker.querySelector("ul");
    list.replaceChildren();
    found.forEach(function (work, index) {
      var option = make("li", { role: "option", id: "cite-picker-option-" + index, "aria-selected": "false" });
      option.dataset.index = String(index);
      option.appendChild(make("strong", {}, work.cited_as));
      option.appendChild(document.createTextNode(" " + work.title + " "));
      option.appendChild(make("code", {}, "[@" + work.key + "]"));
      list.appendChild(option);
    });
    var input = picker.querySelector("input");
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
    picker.querySelector(".cite-picker-status").textContent = status;
    if (found.length) {
      highlight(0);
    }
  }

  function highlight(index) {
    active = index;
    picker.querySelectorAll("li[role=option]").forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      if (i === index) {
        option.scrollIntoView({ block: "nearest" });
        picker.querySelector("input").setAttribute("aria-activedescendant", option.id);
      }
    });
  }

  function choose(work, typedAfter) {
    var editor = target.editor;
    var citation = "[@" + work.key + "]" + (typedAfter || "");
    target.chosen = true;
    close(); // first: while the modal picker is open, the editor cannot take focus
    insert(editor, target.start, target.end, citation);
  }

  // Puts `text` in place of start..end as typing does: Ctrl+Z takes it back (setRangeText is not
  // undone), and "input" fires, which markdownx's preview and the unsaved-changes warning listen to.
  function insert(editor, start, end, text) {
    editor.focus();
    editor.setSelectionRange(start, end);
    if (!document.execCommand("insertText", false, text)) {
      editor.setRangeText(text, start, end, "end");
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  // Django's pop-up calls this on its opener when the new reference is saved.
  function takeOverPopupResponse() {
    var djangoDismiss = window.dismissAddRelatedObjectPopup;
    window.dismissAddRelatedObjectPopup = function (win, newId) {
      if (win.name.indexOf(POPUP_NAME) !== 0 || !popupEditor) {
        return djangoDismiss.apply(this, arguments);
      }
      win.close();
      var waiting = Boolean(target); // the picker is still open where the citation goes
      if (!waiting) {
        // Closed while the work was written: offer it where the cursor is now, never insert unasked.
        open(popupEditor, popupEditor.selectionEnd, popupEditor.selectionEnd);
      }
      fetchResults("id=" + encodeURIComponent(newId)).then(function (found) {
        if (!found || !found.length) {
          return;
        }
        if (waiting) {
          choose(found[0]);
        } else {
          show(found, "Added to the library. Enter cites it at the cursor; Escape leaves the text as it is.");
        }
      });
    };
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".markdown-editor .cite-open");
    if (!button) {
      return;
    }
    var editor = editorOf(button);
    open(editor, editor.selectionEnd, editor.selectionEnd); // after a selection, never over it
  });

  document.addEventListener("input", function (event) {
    var editor = event.target;
    if (!editor.matches || !editor.matches("textarea.markdownx-editor") || event.data !== "@") {
      return;
    }
    var caret = editor.selectionStart;
    if (editor.value.slice(caret - 2, caret) === "[@") {
      open(editor, caret - 2, caret, true); // the "[@" typed becomes the whole citation
    }
  });

  // The preview follows the cursor: the block (paragraph, list, quote, chart) being written is
  // marked and scrolled into the pane. Blocks are counted as Markdown separates them, by blank lines;
  // other things the preview shows (problems, figures about the text) are not counted.
  var BLOCKS = "p, ul, ol, blockquote, figure, pre, table, hr, h1, h2, h3, h4, h5, h6";

  function followCursor(editor) {
    var pane = editor.closest(".markdownx").querySelector(".markdownx-preview");
    var before = editor.value.slice(0, editor.selectionStart).replace(/^\s+/, "");
    var index = before ? before.split(/\n[ \t]*\n\s*/).length - 1 : 0;
    var blocks = Array.prototype.filter.call(pane.children, function (element) {
      return element.matches(BLOCKS);
    });
    var current = blocks[Math.min(index, blocks.length - 1)];
    blocks.forEach(function (block) {
      block.classList.toggle("preview-current", block === current);
    });
    if (current) {
      // The pane is positioned, so offsets are within it.
      pane.scrollTop = Math.max(0, current.offsetTop - pane.clientHeight / 3);
    }
  }

  ["keyup", "click", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.matches && event.target.matches("textarea.markdownx-editor")) {
        followCursor(event.target);
      }
    });
  });
  // After markdownx puts in a new preview, place it again.
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      var pane = mutation.target.closest && mutation.target.closest(".markdownx-preview");
      var editor = pane && pane.closest(".markdownx").querySelector("textarea.markdownx-editor");
      if (editor && document.activeElement === editor) {
        followCursor(editor);
      }
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", takeOverPopupResponse);
  } else {
    takeOverPopupResponse();
  }
})();
