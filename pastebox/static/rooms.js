// pastebox rooms: the room page, live. Polls the feed API (If-None-Match: a 304 costs nothing)
// about every second while the page is visible and every 15 s while hidden, and fills the page
// in place; sends the page's own forms with fetch; uploads files picked, dropped or pasted;
// copies with navigator.clipboard, or through a selected textarea on plain-HTTP origins.
// Without this script the page is forms and a reload.
(function () {
  "use strict";

  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
               ["hour", 3600], ["minute", 60]];

  // -- words (as the server writes them: web/pages/layout.py) ---------------------------------

  function humanDelta(seconds) {
    seconds = Math.abs(Math.floor(seconds));
    for (var i = 0; i < UNITS.length; i++) {
      if (seconds >= UNITS[i][1]) {
        var count = Math.floor(seconds / UNITS[i][1]);
        return count + " " + UNITS[i][0] + (count !== 1 ? "s" : "");
      }
    }
    return "moments";
  }

  function ago(iso) {
    var seconds = (Date.now() - Date.parse(iso)) / 1000;
    return seconds < 60 ? "just now" : humanDelta(seconds) + " ago";
  }

  function timeLeft(iso) {
    var seconds = (Date.parse(iso) - Date.now()) / 1000;
    return seconds < 60 ? "expiring now" : humanDelta(seconds) + " left";
  }

  function humanSize(size) {
    if (size < 1024) return size + " bytes";
    if (size < 1024 * 1024) return (size / 1024).toFixed(1) + " KiB";
    return (size / 1048576).toFixed(1) + " MiB";
  }

  function isImage(mediaType) {
    var type = (mediaType || "").split(";")[0].trim().toLowerCase();
    return type.indexOf("image/") === 0 && type !== "image/svg+xml";
  }

  // -- copy --------------------------------------------------------------------------------

  // The one copy of pastebox.js (navigator.clipboard, else a selected text box on plain HTTP).
  function copyText(text) {
    return window.pastebox.copyText(text);
  }


  function onCopyClick(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    copyText(source.textContent).then(function () {
      button.textContent = "Copied";
    }, function () {
      button.textContent = "Copy failed";
    }).then(function () {
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  }

  // -- the feed, drawn as the server draws it (templates/room.tpl) --------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(className, href, text) {
    var a = element("a", className, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }

  function itemHead(item) {
    var head = element("div", "item-head");
    head.appendChild(element("span", "item-device", item.device));
    var time = element("time", "", ago(item.at));
    time.setAttribute("datetime", item.at);
    head.appendChild(time);
    var tools = element("span", "item-tools");
    if (item.kind === "text") {
      var copy = element("button", "copy", "Copy");
      copy.type = "button";
      copy.setAttribute("data-copy", "item-" + item.id);
      tools.appendChild(copy);
    } else {
      head.appendChild(element("span", "item-size", humanSize(item.size)));
      tools.appendChild(link("", item.url, "View"));
      tools.appendChild(document.createTextNode(" "));
      var download = link("", item.url, "Download");
      download.removeAttribute("target");
      download.setAttribute("download", item.name);
      tools.appendChild(download);
    }
    head.appendChild(tools);
    return head;
  }

  // The API's file URLs are absolute, on the configured base_url; the page asks its own origin
  // (where its room cookie goes and its img-src 'self' allows), like the server-drawn feed.
  function localPath(url) {
    try { var parsed = new URL(url, location.href); return parsed.pathname + parsed.search; } catch (e) { return url; }
  }

  function itemNode(item) {
    if (item.url) item.url = localPath(item.url);
    var li = element("li", "item item-" + item.kind);
    li.setAttribute("data-id", item.id);
    li.appendChild(itemHead(item));
    if (item.kind === "text") {
      var body = element("pre", "item-body", item.text);
      body.id = "item-" + item.id;
      li.appendChild(body);
      return li;
    }
    li.appendChild(link("item-file", item.url, item.name));
    if (isImage(item.mediaType)) {
      var picture = link("item-picture", item.url);
      var img = element("img", "item-image");
      img.src = item.url;
      img.alt = item.name;
      picture.appendChild(img);
      li.appendChild(picture);
    }
    return li;
  }

  function drawFeed(items) {
    var list = document.getElementById("feed");
    var old = {};
    Array.prototype.forEach.call(list.children, function (li) { old[li.getAttribute("data-id")] = li; });
    items.forEach(function (item, index) {
      var li = old[String(item.id)] || itemNode(item);
      delete old[String(item.id)];
      var time = li.querySelector("time");
      if (time) time.textContent = ago(item.at);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    Object.keys(old).forEach(function (id) { old[id].remove(); });
    document.getElementById("feed-empty").hidden = items.length > 0;
  }

  function draw(data) {
    var content = document.getElementById("room-content");
    if (content.textContent !== data.content) content.textContent = data.content;
    document.getElementById("room-content-at").textContent = data.content ? "sent " + ago(data.timestamp) : "";
    var count = data.deviceCount;
    document.getElementById("room-devices").textContent = count + " device" + (count === 1 ? "" : "s") + " here";
    var left = document.getElementById("room-left");
    left.setAttribute("datetime", data.expiresAt);
    left.textContent = timeLeft(data.expiresAt);
    drawFeed(data.items || []);
  }

  // Times said in words ("3 minutes ago", "23 hours left") age between changes of the feed.
  function refreshTimes() {
    var times = document.querySelectorAll("#feed time");
    for (var i = 0; i < times.length; i++) times[i].textContent = ago(times[i].getAttribute("datetime"));
    var left = document.getElementById("room-left");
    left.textContent = timeLeft(left.getAttribute("datetime"));
  }

  // -- live: polling -----------------------------------------------------------------------

  function Poller(room) {
    this.url = room.getAttribute("data-feed");
    this.visibleMs = +room.getAttribute("data-poll") || 1000;
    this.hiddenMs = +room.getAttribute("data-poll-hidden") || 15000;
    this.etag = "";
    this.timer = null;
    this.busy = false;
    this.again = false;
    this.stopped = false;
  }

  Poller.prototype.schedule = function () {
    if (this.stopped) return;
    clearTimeout(this.timer);
    var wait = document.visibilityState === "hidden" ? this.hiddenMs : this.visibleMs;
    this.timer = setTimeout(this.poll.bind(this), wait);
  };

  Poller.prototype.now = function () {
    if (this.busy) { this.again = true; return; }
    clearTimeout(this.timer);
    this.poll();
  };

  Poller.prototype.poll = function () {
    var self = this, headers = { Accept: "application/json" };
    if (this.etag) headers["If-None-Match"] = this.etag;
    this.busy = true;
    fetch(this.url, { headers: headers, cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (response.status === 304) return null;
      if (response.status === 404) { self.stopped = true; showGone(); return null; }
      if (response.status === 401 || response.status === 403) { self.stopped = true; location.reload(); return null; }
      if (!response.ok) return null;  // busy or throttled: the next poll tries again
      var etag = response.headers.get("ETag");
      return response.json().then(function (data) {
        draw(data);
        self.etag = etag || "";
      });
    }).catch(function () {
      return null;  // offline for a moment: the next poll tries again
    }).then(function () {
      self.busy = false;
      if (self.again) { self.again = false; self.poll(); } else self.schedule();
    });
  };

  function showGone() {
    showError("This room is gone: it was deleted or it expired.");
    var forms = document.querySelectorAll("#room form");
    for (var i = 0; i < forms.length; i++) {
      var controls = forms[i].querySelectorAll("button, input, textarea");
      for (var j = 0; j < controls.length; j++) controls[j].disabled = true;
    }
  }

  function showError(message) {
    var box = document.getElementById("room-error");
    box.textContent = message;
    box.hidden = !message;
  }

  // -- sending -----------------------------------------------------------------------------

  function post(action, body) {
    return fetch(action, { method: "POST", body: body, credentials: "same-origin",
                           headers: { Accept: "application/json" } }).then(function (response) {
      if (response.ok) return response;
      return response.json().catch(function () { return {}; }).then(function (reply) {
        throw new Error(reply.message || "the server refused it (" + response.status + ")");
      });
    });
  }

  function deviceName() {
    return document.querySelector('#send-form input[name="device"]').value;
  }

  function uploadFiles(files, poller) {
    var form = document.getElementById("upload-form");
    var max = +document.getElementById("room").getAttribute("data-max-bytes");
    var pending = Array.prototype.slice.call(files);
    showError("");
    (function next() {
      var file = pending.shift();
      if (!file) { poller.now(); return; }
      if (max && file.size > max) {
        showError((file.name || "The file") + " is " + humanSize(file.size) + "; a room takes files of at most " + humanSize(max) + ".");
        next();
        return;
      }
      var body = new FormData();
      body.append("csrf", form.querySelector('input[name="csrf"]').value);
      body.append("device", deviceName());
      body.append("file", file, file.name || "pasted." + ((file.type || "").split("/")[1] || "bin"));
      post(form.action, body).then(next, function (error) { showError(error.message); next(); });
    })();
  }

  function setUpForms(poller) {
    var send = document.getElementById("send-form");
    var area = document.getElementById("room-text");
    send.addEventListener("submit", function (event) {
      event.preventDefault();
      showError("");
      post(send.action, new FormData(send)).then(function () {
        area.value = "";
        poller.now();
      }, function (error) { showError(error.message); });
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (send.requestSubmit) send.requestSubmit(); else send.querySelector('button[type="submit"]').click();
      }
    });
    send.querySelector('input[name="device"]').addEventListener("input", function (event) {
      document.querySelector('#upload-form input[name="device"]').value = event.target.value;
    });
    var upload = document.getElementById("upload-form");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = upload.querySelector('input[type="file"]');
      uploadFiles(input.files, poller);
      input.value = "";
    });
    upload.querySelector('input[type="file"]').addEventListener("change", function (event) {
      // Chosen is sent: no second click on Upload (the button is for pages without this script).
      if (!event.target.files.length) return;
      uploadFiles(event.target.files, poller);
      event.target.value = "";
    });
  }

  function hasFiles(transfer) {
    return transfer && Array.prototype.indexOf.call(transfer.types || [], "Files") !== -1;
  }

  function setUpDropAndPaste(poller) {
    document.addEventListener("dragover", function (event) {
      if (!hasFiles(event.dataTransfer)) return;
      event.preventDefault();
      document.body.classList.add("dragging");
    });
    document.addEventListener("dragleave", function (event) {
      if (!event.relatedTarget) document.body.classList.remove("dragging");
    });
    document.addEventListener("drop", function (event) {
      document.body.classList.remove("dragging");
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      event.preventDefault();
      uploadFiles(files, poller);
    });
    document.addEventListener("paste", function (event) {
      // A screenshot (or a file copied in a file manager) is sent; text pastes as usual.
      var files = event.clipboardData && event.clipboardData.files;
      if (!files || !files.length) return;
      event.preventDefault();
      uploadFiles(files, poller);
    });
  }

  function start() {
    var room = document.getElementById("room");
    if (!room) return;
    var poller = new Poller(room);
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button.copy");
      if (button) onCopyClick(button);
    });
    setUpForms(poller);
    setUpDropAndPaste(poller);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") poller.now(); else poller.schedule();
    });
    poller.schedule();
    setInterval(refreshTimes, 30000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
