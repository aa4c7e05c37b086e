// "Copy or share" buttons (a static file: the CSP allows no inline script). On a phone the
// system share sheet opens; elsewhere the link is copied; failing both, it is selected.
(function () {
  "use strict";
  function status(button, text) {
    var out = button.parentNode.querySelector("[data-share-status]");
    if (out) out.textContent = text;
  }
  function select(button) {
    var input = button.parentNode.querySelector("input");
    if (input) { input.focus(); input.select(); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-share-link]");
    if (!button) return;
    var url = button.getAttribute("data-share-link");
    var title = button.getAttribute("data-share-title") || document.title;
    if (navigator.share && window.matchMedia("(pointer: coarse)").matches) {
      navigator.share({ title: title, url: url }).catch(function () {});
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { status(button, "Copied."); },
        function () { select(button); status(button, "Selected: copy it."); }
      );
      return;
    }
    select(button);
    status(button, "Selected: copy it.");
  });
})();
