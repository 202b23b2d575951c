// The web chat: posts text or button payloads to /api/chat and shows the replies.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var KEY = "camtay.session";
  var sessionId = stored();
  var counter = 0;

  // Storage can be refused in a framed page (the widget) when a browser blocks third-party storage.
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function store(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* this visit only */ }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;  // never innerHTML: replies and input are shown as text
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function showReply(message) {
    var div = show("", "bot");
    if (message.image) {
      var img = document.createElement("img");
      img.src = message.image;
      img.alt = message.alt || "";
      div.appendChild(img);
    }
    div.appendChild(document.createTextNode(message.text));
    if (message.buttons && message.buttons.length) {
      var box = document.createElement("div");
      box.className = "buttons";
      message.buttons.forEach(function (row) {
        var line = document.createElement("div");
        line.className = "row";
        row.forEach(function (b) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = b.label;
          button.addEventListener("click", function () {
            box.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
            show(b.label, "me");
            send({ payload: b.payload });
          });
          line.appendChild(button);
        });
        box.appendChild(line);
      });
      div.appendChild(box);
    }
    log.scrollTop = log.scrollHeight;
  }

  function send(body, waited) {
    body.session_id = sessionId;
    body.message_id = body.message_id || Date.now().toString(36) + "-" + (counter++);
    return fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 429) {
        // Too many messages from this address, or the assistant is busy: wait as told, then send the same
        // message again (its message_id is kept, so it is never answered twice). A random part of a second
        // is added so that pages refused together do not all come back at the same instant.
        var seconds = Math.min(parseInt(r.headers.get("Retry-After"), 10) || 5, 120);
        if (!waited) { show("Xin chờ một chút, tin của bạn sẽ được gửi sau " + seconds + " giây.", "bot"); }
        return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000 + Math.random() * 1000); })
          .then(function () { return send(body, true); });
      }
      return r.json().then(function (data) { (data.messages || []).forEach(showReply); });
    })
      .catch(function () { show("Mạng đang chập chờn, tin chưa gửi được. Xin thử gửi lại ạ.", "bot"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { return; }
    input.value = "";
    show(text, "me");
    send({ text: text });
  });

  if (!sessionId) {
    sessionId = newId();
    store(sessionId);
  }
  send({ text: "/start" });
}());
