// django-markdownx binds its editor and live preview once, when the page loads
// (upstream issue 275), so rows added later with "Add another" would get a
// plain textarea. The admin announces each new row with "formset:added"; the
// row is a copy of the hidden template row, including the template's
// "already bound" mark, so clear that mark and run markdownx's script again:
// it binds every editor on the page that is not bound yet.
(function () {
  "use strict";
  document.addEventListener("formset:added", function (event) {
    var editors = event.target.querySelectorAll(".markdownx-editor");
    if (!editors.length) {
      return;
    }
    editors.forEach(function (editor) {
      editor.removeAttribute("data-markdownx-init");
    });
    var original = document.querySelector('script[src*="markdownx/js/markdownx"]');
    if (original) {
      var again = document.createElement("script");
      again.src = original.src;
      document.body.appendChild(again);
    }
  });
})();
