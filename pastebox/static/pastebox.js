// pastebox: small enhancements over pages that work without JavaScript.
// View page: line links and ranges, copy buttons, keyboard shortcuts.
// Form page: Tab indents, Ctrl/Cmd+Enter submits, files added and removed in place, dropped
// text files fill a file, oversize pastes are stopped before the upload.
(function () {
  "use strict";

  var LINE_HASH = /^#((?:f\d+-)?L)(\d{1,7})(?:-L(\d{1,7}))?$/;
  document.documentElement.classList.add("js");

  function isTyping(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // -- view: line links ------------------------------------------------------------------

  function clearHighlight() {
    var lit = document.querySelectorAll(".line.hl");
    for (var i = 0; i < lit.length; i++) lit[i].classList.remove("hl");
  }

  function highlightHash(hash, scroll) {
    var match = LINE_HASH.exec(hash || "");
    clearHighlight();
    if (!match) return;
    var prefix = match[1], first = +match[2], last = match[3] ? +match[3] : first;
    if (last < first) { var swap = first; first = last; last = swap; }
    var firstLine = null;
    for (var n = first; n <= last && n - first < 100000; n++) {
      var line = document.getElementById(prefix + n);
      if (!line) break;
      line.classList.add("hl");
      firstLine = firstLine || line;
    }
    if (firstLine && scroll) firstLine.scrollIntoView({ block: "center" });
    if (firstLine) rangeStart = { prefix: prefix, number: first };
  }

  var rangeStart = null; // {prefix, number}: the line a shift-click extends from

  function onLineNumberClick(event) {
    var link = event.target.closest("a.ln");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.altKey) return;
    var line = link.parentNode;
    var match = LINE_HASH.exec("#" + line.id);
    if (!match) return;
    event.preventDefault();
    var prefix = match[1], number = +match[2], hash;
    if (event.shiftKey && rangeStart && rangeStart.prefix === prefix && rangeStart.number !== number) {
      var low = Math.min(rangeStart.number, number), high = Math.max(rangeStart.number, number);
      hash = "#" + prefix + low + "-L" + high;
    } else {
      rangeStart = { prefix: prefix, number: number };
      hash = "#" + prefix + number;
    }
    history.replaceState(null, "", hash);
    highlightHash(hash, false);
    if (window.getSelection) window.getSelection().removeAllRanges();
  }

  // -- view: copy --------------------------------------------------------------------------

  function fileText(section) {
    var lines = section.querySelectorAll(".lc");
    var parts = [];
    for (var i = 0; i < lines.length; i++) parts.push(lines[i].textContent);
    var text = parts.join("\n");
    if (section.querySelector(".code-wrap[data-newline]")) text += "\n";
    return text;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyBySelection(text); });
    }
    return copyBySelection(text);
  }

  // Shared with the room page's script (rooms.js), which loads after this one.
  window.pastebox = { copyText: copyText };

  function copyBySelection(text) {
    // Plain-HTTP LAN origins have no async clipboard: copy through a selected textarea.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function onCopyClick(button) {
    var section = document.getElementById(button.getAttribute("data-copy"));
    if (!section) return;
    var label = button.textContent;
    copyText(fileText(section)).then(function () {
      button.textContent = "Copied";
    }, function () {
      button.textContent = "Copy failed";
    }).then(function () {
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  }

  function copyButtonForShortcut() {
    var lit = document.querySelector(".line.hl");
    var section = lit ? lit.closest("section.file") : null;
    // A file cut short has no copy button (a copy would silently miss the rest): none then.
    if (section) return section.querySelector("button.copy");
    return document.querySelector("button.copy");
  }

  // -- view: keyboard ----------------------------------------------------------------------

  function toggleKeys(open) {
    var keys = document.getElementById("keys");
    if (!keys) return;
    keys.open = open === undefined ? !keys.open : open;
    if (keys.open) keys.scrollIntoView({ block: "nearest" });
  }

  function onViewKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    var raw = document.querySelector('a[data-key="r"]');
    if (event.key === "r" && raw) {
      location.href = raw.href;
    } else if (event.key === "c") {
      var button = copyButtonForShortcut();
      if (button) onCopyClick(button);
    } else if (event.key === "n") {
      location.href = "/new";
    } else if (event.key === "?") {
      toggleKeys();
    } else if (event.key === "Escape") {
      toggleKeys(false);
    } else {
      return;
    }
    event.preventDefault();
  }

  function setUpView() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button.copy");
      if (button) { onCopyClick(button); return; }
      onLineNumberClick(event);
    });
    document.addEventListener("keydown", onViewKey);
    window.addEventListener("hashchange", function () { highlightHash(location.hash, true); });
    highlightHash(location.hash, true);
  }

  // -- form: editing -----------------------------------------------------------------------

  var leaveEditor = false; // after Esc, Tab moves focus as usual

  function insertAtCursor(area, text) {
    area.focus();
    // execCommand keeps the browser's undo history; setRangeText is the fallback.
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
    }
  }

  function dedentLine(line) {
    if (line.charAt(0) === "\t") return line.slice(1);
    return line.replace(/^ {1,4}/, "");
  }

  // Tab and Shift+Tab on a selection that spans lines indent or dedent every one of them.
  function shiftLines(area, outdent) {
    var value = area.value, start = area.selectionStart, end = area.selectionEnd;
    var blockStart = value.lastIndexOf("\n", start - 1) + 1;
    var lastChar = end > start && value.charAt(end - 1) === "\n" ? end - 1 : end;
    var blockEnd = value.indexOf("\n", lastChar);
    if (blockEnd === -1) blockEnd = value.length;
    var lines = value.slice(blockStart, blockEnd).split("\n");
    var changed = lines.map(function (line) { return outdent ? dedentLine(line) : "\t" + line; }).join("\n");
    area.setSelectionRange(blockStart, blockEnd);
    insertAtCursor(area, changed);
    area.setSelectionRange(blockStart, blockStart + changed.length);
  }

  function onEditorKey(event) {
    var area = event.target;
    if (area.tagName !== "TEXTAREA") return;
    if (event.key === "Escape") { leaveEditor = true; return; }
    if (event.key !== "Tab" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (leaveEditor) { leaveEditor = false; return; }
    event.preventDefault();
    var multiline = area.value.slice(area.selectionStart, area.selectionEnd).indexOf("\n") !== -1;
    if (event.shiftKey || multiline) shiftLines(area, event.shiftKey);
    else insertAtCursor(area, "\t");
  }

  function onFormKey(event, form) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var submit = form.querySelector('button[name="submit"]');
      if (form.requestSubmit) form.requestSubmit(submit); else submit.click();
    }
  }

  // -- form: file blocks -------------------------------------------------------------------

  function renumber(form) {
    var blocks = form.querySelectorAll(".files .file-input");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i], number = i + 1;
      block.querySelector(".file-number").textContent = number;
      var remove = block.querySelector('button[name="remove_file"]');
      remove.value = i;
      remove.setAttribute("aria-label", "Remove file " + number);
      block.querySelector("textarea").setAttribute("aria-label", "Content of file " + number);
    }
    return blocks;
  }

  function addBlock(form) {
    var template = document.getElementById("file-template");
    var block = template.content.firstElementChild.cloneNode(true);
    form.querySelector(".files").appendChild(block);
    renumber(form);
    return block;
  }

  function showError(form, message) {
    var box = form.querySelector("#form-error");
    box.textContent = message;
    box.hidden = !message;
    if (message) box.scrollIntoView({ block: "nearest" });
  }

  function utf8Length(text) {
    return new TextEncoder().encode(text).length;
  }

  function onSubmit(event, form) {
    var max = +form.getAttribute("data-max-bytes");
    var submitter = event.submitter;
    if (!max || (submitter && submitter.name && submitter.name !== "submit")) return;
    var total = 0, areas = form.querySelectorAll(".files textarea"), chosen = form.querySelector('input[type="file"]');
    // The server stores textarea text with LF line ends, as utf8Length counts it.
    for (var i = 0; i < areas.length; i++) total += utf8Length(areas[i].value);
    if (chosen) for (var j = 0; j < chosen.files.length; j++) total += chosen.files[j].size;
    if (total > max) {
      event.preventDefault();
      showError(form, "This paste is " + total + " bytes; the server takes at most " + max + " bytes.");
    }
  }

  // -- form: dropped files -----------------------------------------------------------------

  function looksBinary(text) {
    return text.indexOf("\u0000") !== -1;
  }

  function fillBlock(block, file, text) {
    block.querySelector("textarea").value = text;
    var name = block.querySelector('input[name="name"]');
    if (!name.value) name.value = file.name;
  }

  function emptyBlocks(form) {
    return Array.prototype.filter.call(form.querySelectorAll(".files .file-input"), function (block) {
      return !block.querySelector("textarea").value && !block.querySelector('input[name="name"]').value;
    });
  }

  function onDrop(event, form) {
    var files = event.dataTransfer && event.dataTransfer.files;
    document.body.classList.remove("dragging");
    if (!files || !files.length) return;
    if (event.target.matches && event.target.matches('input[type="file"]')) return; // its own job
    event.preventDefault();
    var max = +form.getAttribute("data-max-bytes");
    var target = event.target.closest ? event.target.closest(".file-input") : null;
    var pending = Array.prototype.slice.call(files);
    showError(form, "");
    (function next() {
      var file = pending.shift();
      if (!file) return;
      if (max && file.size > max) {
        showError(form, file.name + " is " + file.size + " bytes; the server takes at most " + max + " bytes.");
        next();
        return;
      }
      file.text().then(function (text) {
        if (looksBinary(text)) {
          showError(form, file.name + " looks binary: choose it with the upload button instead.");
        } else {
          var block = target || emptyBlocks(form)[0] || addBlock(form);
          target = null;
          fillBlock(block, file, text);
        }
      }, function () {
        showError(form, file.name + " could not be read.");
      }).then(next);
    })();
  }

  // -- form: a pasted image (a screenshot) -------------------------------------------------

  function pastedImages(data) {
    var images = [];
    if (!data || !data.items) return images;
    // Cells copied from a spreadsheet carry their text and a picture of them: paste the text.
    if (Array.prototype.indexOf.call(data.types || [], "text/plain") !== -1) return images;
    for (var i = 0; i < data.items.length; i++) {
      var item = data.items[i];
      if (item.kind === "file" && /^image\//.test(item.type)) {
        var file = item.getAsFile();
        if (file) images.push(file);
      }
    }
    return images;
  }

  function pastedName(file, count) {
    var stamp = new Date().toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
    var extension = file.type.split("/")[1].replace("jpeg", "jpg").replace(/[^a-z0-9]/g, "") || "img";
    return "paste-" + stamp + (count ? "-" + (count + 1) : "") + "." + extension;
  }

  function onPaste(event, form) {
    var input = form.querySelector('input[type="file"][name="upload"]');
    var encrypt = form.querySelector("#e2ee-toggle");
    if (!input || typeof DataTransfer !== "function" || (encrypt && encrypt.checked)) return;
    var images = pastedImages(event.clipboardData);
    if (!images.length) return;
    event.preventDefault();
    // The file input's list is read-only: a DataTransfer makes a new one with what was chosen
    // and the pasted images, so the form's own multipart submit uploads them.
    var all = new DataTransfer(), names = [];
    for (var i = 0; i < input.files.length; i++) all.items.add(input.files[i]);
    images.forEach(function (image, n) {
      var file = new File([image], pastedName(image, n), { type: image.type, lastModified: Date.now() });
      all.items.add(file);
      names.push(file.name + " (" + file.size + " bytes)");
    });
    input.files = all.files;
    var note = form.querySelector("#form-pasted");
    if (note) {
      note.textContent = "Pasted, to be uploaded with the paste: " + names.join(", ");
      note.hidden = false;
    }
  }

  function setUpForm(form) {
    form.addEventListener("keydown", function (event) {
      onEditorKey(event);
      onFormKey(event, form);
    });
    form.addEventListener("focusout", function (event) {
      if (event.target.tagName === "TEXTAREA") leaveEditor = false;
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.name === "add_file") {
        event.preventDefault();
        addBlock(form).querySelector("textarea").focus();
      } else if (button.name === "remove_file") {
        event.preventDefault();
        var blocks = form.querySelectorAll(".files .file-input");
        if (blocks.length > 1) button.closest(".file-input").remove();
        else { fillBlock(blocks[0], { name: "" }, ""); blocks[0].querySelector('input[name="name"]').value = ""; }
        renumber(form);
      }
    });
    form.addEventListener("submit", function (event) { onSubmit(event, form); });
    document.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        document.body.classList.add("dragging");
      }
    });
    document.addEventListener("dragleave", function (event) {
      if (!event.relatedTarget) document.body.classList.remove("dragging");
    });
    document.addEventListener("drop", function (event) { onDrop(event, form); });
    document.addEventListener("paste", function (event) { onPaste(event, form); });
  }

  function start() {
    var kind = document.body.getAttribute("data-page");
    if (kind === "view") setUpView();
    var form = document.querySelector("form.paste-form");
    if (form) setUpForm(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
