// pastebox: end-to-end encrypted pastes, sealed and opened in this browser with tweetnacl.
// The server stores base64url(nonce ‖ secretbox(record)) and never sees the key, which travels
// only in the link's #fragment (browsers do not send fragments). The wire format is a contract
// (docs: ARCHITECTURE.md, Crypto): key = 32 random bytes; record = UTF-8 JSON
// {"v": 1, "title": str, "files": [{"name": str, "language": str|null, "content": str}]};
// content = base64url-unpadded(24-byte nonce ‖ secretbox); link = /ID#base64url-unpadded(key).
// Form page: "Encrypt in my browser" seals the typed files and posts only the sealed content.
// View page: opens the sealed content kept in a data attribute. Burn page: keeps the key in
// the reveal form's action. Under node (tests/e2ee_node.js) it exports the wire format alone.
(function (root) {
  "use strict";

  var VERSION = 1;
  var KEY_BYTES = 32;
  var NONCE_BYTES = 24;
  var KEY_CHARS = 43; // base64url of 32 bytes, unpadded
  var B64URL = /^[A-Za-z0-9_-]*$/;
  var CHUNK = 0x8000; // String.fromCharCode.apply takes this many arguments safely

  // -- the wire format: pure functions over tweetnacl, shared with the node tests ------------

  function wire(nacl) {
    function b64url(bytes) {
      var parts = [];
      for (var i = 0; i < bytes.length; i += CHUNK) {
        parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK)));
      }
      return btoa(parts.join("")).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }

    function b64urlDecode(text) {
      if (typeof text !== "string" || !B64URL.test(text) || text.length % 4 === 1) {
        throw new Error("not base64url");
      }
      var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return bytes;
    }

    function newKey() {
      return nacl.randomBytes(KEY_BYTES);
    }

    // The key in a link's fragment (without the #), or null when it is not one.
    function keyFromFragment(fragment) {
      if (typeof fragment !== "string" || fragment.length !== KEY_CHARS) return null;
      try {
        var key = b64urlDecode(fragment);
        return key.length === KEY_BYTES ? key : null;
      } catch (e) {
        return null;
      }
    }

    // What the server stores for `record` sealed under `key` (`nonce` only for test vectors).
    function seal(record, key, nonce) {
      nonce = nonce || nacl.randomBytes(NONCE_BYTES);
      var box = nacl.secretbox(new TextEncoder().encode(JSON.stringify(record)), nonce, key);
      var sealed = new Uint8Array(nonce.length + box.length);
      sealed.set(nonce);
      sealed.set(box, nonce.length);
      return b64url(sealed);
    }

    // The record sealed in `content`, or null for a wrong key or damaged content (the two
    // cannot be told apart, by design). Never throws for bad input.
    function open(content, key) {
      var data;
      try {
        data = b64urlDecode(String(content).trim());
      } catch (e) {
        return null;
      }
      if (data.length < NONCE_BYTES + nacl.secretbox.overheadLength) return null;
      var plain = nacl.secretbox.open(data.subarray(NONCE_BYTES), data.subarray(0, NONCE_BYTES), key);
      if (!plain) return null;
      try {
        var record = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
      } catch (e) {
        return null;
      }
      return record && typeof record === "object" && !Array.isArray(record) ? record : null;
    }

    // The paste a version-1 record holds, or null when the record is not one this page shows.
    function pasteOf(record) {
      if (!record || record.v !== VERSION || !Array.isArray(record.files) || !record.files.length) return null;
      var files = [];
      for (var i = 0; i < record.files.length; i++) {
        var f = record.files[i];
        if (!f || typeof f.content !== "string") return null;
        files.push({
          name: typeof f.name === "string" ? f.name : "",
          language: typeof f.language === "string" && f.language ? f.language : null,
          content: f.content,
        });
      }
      return { title: typeof record.title === "string" ? record.title : "", files: files };
    }

    return {
      b64url: b64url,
      b64urlDecode: b64urlDecode,
      newKey: newKey,
      keyFromFragment: keyFromFragment,
      seal: seal,
      open: open,
      pasteOf: pasteOf,
    };
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { wire: wire, VERSION: VERSION, KEY_CHARS: KEY_CHARS };
    return;
  }

  var nacl = root.nacl && root.nacl.secretbox && root.nacl.randomBytes ? root.nacl : null;
  var codec = nacl ? wire(nacl) : null;
  var NO_SCRIPT = "The encryption script did not load, so nothing can be sealed or opened here. Reload the page.";

  // -- the form: seal, post only the sealed content, go to /ID#key -----------------------------

  function Refusal(message) {
    this.message = message;
  }

  function showFormError(form, message) {
    var box = form.querySelector("#form-error");
    box.textContent = message;
    box.hidden = !message;
    if (message) box.scrollIntoView({ block: "nearest" });
  }

  function fieldValue(form, name) {
    var field = form.querySelector('[name="' + name + '"]');
    return field ? field.value : "";
  }

  // The record of what was typed: the title and every file block that is not blank (as the
  // server skips them). Chosen uploads and a password are refused rather than dropped silently.
  function recordOf(form) {
    var chosen = form.querySelector('input[type="file"]');
    if (chosen && chosen.files && chosen.files.length) {
      throw new Refusal("Chosen files cannot be encrypted here, and would reach the server as they are. " +
        "Remove them (or turn encryption off), or drop text files on the page instead.");
    }
    if (fieldValue(form, "password")) {
      throw new Refusal("An encrypted paste needs no password: its key is in its link. " +
        "Clear the password, or turn encryption off.");
    }
    var blocks = form.querySelectorAll(".files .file-input"), files = [];
    for (var i = 0; i < blocks.length; i++) {
      var name = blocks[i].querySelector('input[name="name"]').value.trim();
      var language = blocks[i].querySelector('select[name="lang"]').value;
      var content = blocks[i].querySelector('textarea[name="content"]').value;
      if (!name && !content) continue;
      if (!content) throw new Refusal("File " + (i + 1) + " is empty.");
      files.push({ name: name, language: language || null, content: content });
    }
    if (!files.length) throw new Refusal("A paste needs content.");
    return { v: VERSION, title: fieldValue(form, "title").trim(), files: files };
  }

  // What the server is sent: the form's anti-forgery token, the sealed content and the options
  // that are not secret. Never the title, names, languages or text.
  function sealedForm(form, content) {
    var data = new FormData();
    var csrf = form.querySelector('input[type="hidden"][name="csrf"]');
    if (csrf) data.append("csrf", csrf.value);
    data.append("e2ee", "1");
    data.append("content", content);
    data.append("ttl", fieldValue(form, "ttl"));
    data.append("exposure", fieldValue(form, "exposure"));
    var burn = form.querySelector('input[name="burn"]');
    if (burn && burn.checked) data.append("burn", "1");
    return data;
  }

  function replyOf(response) {
    return response.json().then(
      function (body) { return { status: response.status, body: body }; },
      function () { return { status: response.status, body: null }; }
    );
  }

  function setUpForm(form, toggle) {
    var sending = false;
    var buttons = form.querySelectorAll('button[type="submit"]');

    function busy(on) {
      sending = on;
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
    }

    function refuse(message) {
      busy(false);
      showFormError(form, message);
    }

    form.addEventListener("submit", function (event) {
      if (!toggle.checked) return;
      var refused = event.defaultPrevented; // pastebox.js found it too large: its message stands
      event.preventDefault(); // with encryption on, the plain form never goes to the server
      var submitter = event.submitter;
      if (refused || sending || (submitter && submitter.name && submitter.name !== "submit")) return;
      if (!codec) { showFormError(form, NO_SCRIPT); return; }
      var record, key = codec.newKey(), content;
      try {
        record = recordOf(form);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        showFormError(form, e.message);
        return;
      }
      content = codec.seal(record, key);
      var max = +form.getAttribute("data-max-bytes");
      if (max && content.length > max) {
        showFormError(form, "Encrypted, this paste is " + content.length + " bytes; the server takes at most " + max + " bytes.");
        return;
      }
      showFormError(form, "");
      busy(true);
      fetch("/new", {
        method: "POST",
        body: sealedForm(form, content),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      }).then(replyOf).then(function (reply) {
        var id = reply.body && reply.body.id;
        if (reply.status === 201 && typeof id === "string" && /^[A-Za-z0-9_-]+$/.test(id)) {
          location.assign("/" + id + "#" + codec.b64url(key));
          return;
        }
        var message = reply.body && typeof reply.body.message === "string" ? reply.body.message : "";
        refuse(message || "The server refused the paste (status " + reply.status + ").");
      }, function () {
        refuse("The paste could not be sent: the server did not answer. Try again.");
      });
    });
  }

  // -- the view page: open the sealed content with the key in the fragment --------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Source lines as the server splits them (render._split_lines): CRLF and CR end lines too,
  // and a final newline does not start another line.
  function linesOf(text) {
    text = text.replace(/\r\n?/g, "\n");
    if (!text) return [];
    var lines = text.split("\n");
    if (text.charAt(text.length - 1) === "\n") lines.pop();
    return lines;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // One file in the markup of a server-rendered one, so pastebox.js copies it the same way.
  // Line numbers are not links here: the fragment holds the key, and a line link would replace it.
  function fileSection(file, number, labels) {
    var lines = linesOf(file.content);
    var section = element("section", "file");
    section.id = "file-" + number;
    var head = element("header");
    head.appendChild(element("span", "name", file.name || (number === 1 ? "paste.txt" : "file" + number + ".txt")));
    var language = file.language;
    head.appendChild(element("span", "lang", !language || language === "text" ? "Plain text" : labels[language] || language));
    head.appendChild(element("span", "lines", plural(lines.length, "line")));
    var tools = element("span", "tools");
    var copy = element("button", "copy", "Copy");
    copy.type = "button";
    copy.setAttribute("data-copy", section.id);
    tools.appendChild(copy);
    head.appendChild(tools);
    section.appendChild(head);
    var wrap = element("div", "code-wrap");
    if (/[\r\n]$/.test(file.content)) wrap.setAttribute("data-newline", "1");
    var code = element("pre", "code");
    for (var i = 0; i < lines.length; i++) {
      var line = element("span", "line");
      var ln = element("span", "ln", String(i + 1));
      ln.setAttribute("aria-hidden", "true");
      var lc = element("span", "lc");
      // A blank line holds a <br>, as on the server's pages: a selection copies it as a line.
      if (lines[i]) lc.textContent = lines[i]; else lc.appendChild(element("br"));
      line.appendChild(ln);
      line.appendChild(lc);
      code.appendChild(line);
      code.appendChild(document.createTextNode("\n"));
    }
    wrap.appendChild(code);
    section.appendChild(wrap);
    return section;
  }

  function languageLabels(shell) {
    try {
      var labels = JSON.parse(shell.getAttribute("data-languages") || "{}");
      return labels && typeof labels === "object" ? labels : {};
    } catch (e) {
      return {};
    }
  }

  function setUpView(shell) {
    var status = document.getElementById("e2ee-status");
    var heading = document.querySelector(".paste-head h1");
    var summary = document.getElementById("e2ee-summary");
    var shown = [];
    var original = { heading: heading ? heading.textContent : "", title: document.title };

    function say(message) {
      status.textContent = message;
      status.className = "error";
      status.setAttribute("role", "alert");
      status.hidden = false;
    }

    function clear() {
      while (shown.length) shell.removeChild(shown.pop());
      if (heading) heading.textContent = original.heading;
      document.title = original.title;
    }

    function openWithHash() {
      clear();
      if (!codec) { say(NO_SCRIPT); return; }
      var fragment = location.hash.slice(1);
      if (!fragment) {
        say("This paste is encrypted; the link's key is missing. Open it with the whole link, including the part after #.");
        return;
      }
      var key = codec.keyFromFragment(fragment);
      var paste = key && codec.pasteOf(codec.open(shell.getAttribute("data-sealed"), key));
      if (!paste) {
        say("The key in this link does not open this paste. Check that the link was copied whole.");
        return;
      }
      status.hidden = true;
      if (paste.title) {
        if (heading) heading.textContent = paste.title;
        document.title = paste.title + " · pastebox";
      }
      if (summary) summary.textContent = plural(paste.files.length, "file") + ", end-to-end encrypted";
      var labels = languageLabels(shell);
      for (var i = 0; i < paste.files.length; i++) {
        var section = fileSection(paste.files[i], i + 1, labels);
        shell.appendChild(section);
        shown.push(section);
      }
    }

    window.addEventListener("hashchange", openWithHash);
    openWithHash();
  }

  // -- the burn interstitial: the one reading must carry the key ----------------------------

  function setUpReveal(form) {
    var path = form.getAttribute("action").split("#")[0];
    var warning = document.getElementById("e2ee-reveal-warning");

    function keep() {
      form.setAttribute("action", path + location.hash);
      if (warning) warning.hidden = !!location.hash;
    }

    window.addEventListener("hashchange", keep);
    form.addEventListener("submit", keep);
    keep();
  }

  function start() {
    var form = document.querySelector("form.paste-form");
    var toggle = form && form.querySelector("#e2ee-toggle");
    if (toggle) {
      if (codec) setUpForm(form, toggle);
      else toggle.closest("label").hidden = true; // no tweetnacl: offer nothing it cannot do
    }
    var shell = document.getElementById("e2ee");
    if (shell && shell.hasAttribute("data-sealed")) setUpView(shell);
    var reveal = document.querySelector("form[data-e2ee-reveal]");
    if (reveal) setUpReveal(reveal);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof self !== "undefined" ? self : this);
