// The camtay chat bubble for commune websites: paste
//   <script src="https://<camtay host>/widget.js" async></script>
// A bubble opens the web chat (<host>/embed) in a panel: full screen on a phone, a corner panel on a computer.
// No CDN, no cookies; the host page's styles cannot reach inside (shadow DOM).
(function () {
  "use strict";
  if (window.camtayWidget) { return; }
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var base = new URL(script.src, location.href).origin;
  var TITLE = "Cầm tay chỉ việc";

  var STYLE = [
    ":host { all: initial; }",
    "[hidden] { display: none !important; }",
    ".bubble { position: fixed; right: 16px; bottom: 16px; height: 56px; padding: 0 20px 0 16px; border: 0;",
    "  border-radius: 28px; background: #0b5cad; color: #fff; cursor: pointer; z-index: 2147483000;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.3); display: flex; align-items: center; gap: 8px;",
    "  font: 600 17px/1 system-ui, sans-serif; }",
    ".bubble:focus-visible, .close:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }",
    ".bubble svg { width: 30px; height: 30px; }",
    ".panel { position: fixed; right: 16px; bottom: 16px; width: 380px; height: 620px;",
    "  max-height: calc(100vh - 32px); z-index: 2147483000; display: flex; flex-direction: column;",
    "  background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 8px 30px rgba(0,0,0,.35);",
    "  font: 16px/1.4 system-ui, sans-serif; }",
    ".bar { display: flex; align-items: center; justify-content: space-between; background: #0b5cad;",
    "  color: #fff; padding: 8px 8px 8px 14px; }",
    ".bar strong { font-size: 17px; }",
    ".close { border: 0; background: transparent; color: #fff; font: 600 16px/1 system-ui, sans-serif;",
    "  min-width: 44px; height: 44px; padding: 0 10px; cursor: pointer; border-radius: 8px; }",
    "iframe { flex: 1; width: 100%; border: 0; background: #f3f5f7; }",
    "@media (max-width: 600px) {",
    "  .panel { right: 0; bottom: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; }",
    "}"
  ].join("\n");

  var MARKUP =
    '<button class="bubble" type="button" aria-label="Hỏi trợ lý ' + TITLE + '" aria-expanded="false">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 ' +
    '2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"/></svg>' +
    '<span aria-hidden="true">Hỏi trợ lý</span></button>' +
    '<section class="panel" role="dialog" aria-label="' + TITLE + '" hidden>' +
    '<div class="bar"><strong>' + TITLE + '</strong>' +
    '<button class="close" type="button" aria-label="Đóng">Đóng ✕</button></div>' +
    '</section>';

  function mount() {
    var host = document.createElement("div");
    host.setAttribute("data-camtay-widget", "");
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = STYLE;
    root.appendChild(style);
    var holder = document.createElement("div");
    holder.innerHTML = MARKUP;  // constant markup, no data from the page or the chat
    while (holder.firstChild) { root.appendChild(holder.firstChild); }
    document.body.appendChild(host);

    var bubble = root.querySelector(".bubble");
    var panel = root.querySelector(".panel");
    var frame = null;

    function open() {
      if (!frame) {  // created on first open, then kept: the conversation survives closing the panel
        frame = document.createElement("iframe");
        frame.src = base + "/embed";
        frame.title = TITLE;
        panel.appendChild(frame);
      }
      panel.hidden = false;
      bubble.hidden = true;
      bubble.setAttribute("aria-expanded", "true");
      root.querySelector(".close").focus();
    }

    function close() {
      panel.hidden = true;
      bubble.hidden = false;
      bubble.setAttribute("aria-expanded", "false");
      bubble.focus();
    }

    bubble.addEventListener("click", open);
    root.querySelector(".close").addEventListener("click", close);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); }
    });
    window.camtayWidget = { open: open, close: close };
  }

  window.camtayWidget = { pending: true };
  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
}());
