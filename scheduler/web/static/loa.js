// Live preview of the normalized reading on the New bulletin page; the page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulletin");
  var text = document.getElementById("text");
  var out = document.getElementById("preview");
  var estimate = document.getElementById("estimate");
  if (!form || !text || !out) { return; }
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("text", text.value);
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (j) {
          out.textContent = j.reading;
          if (estimate) { estimate.textContent = j.estimate || ""; }
        }
      })
      .catch(function () { /* keep the last preview */ });
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
});

// "Nghe thử / Listen": render the text with the station's voice and play it here; the page works without it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulletin");
  var button = document.getElementById("listen");
  var player = document.getElementById("listen-audio");
  var status = document.getElementById("listen-status");
  if (!form || !button || !player || !status) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var data = new FormData();
    data.append("text", form.querySelector("textarea[name=text]").value);
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    button.disabled = true;
    status.className = "";
    status.textContent = status.dataset.wait;
    fetch(form.dataset.listen, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.url) {
          status.textContent = j.message;
          player.hidden = false;
          player.src = j.url;
          player.play().catch(function () { /* the controls are there */ });
        } else {
          status.className = "error";
          status.textContent = j.message || j.error;
        }
      })
      .catch(function (e) { status.className = "error"; status.textContent = String(e); })
      .finally(function () { button.disabled = false; });
  });
});

// Forms with data-confirm (revoking a token) ask first.
document.addEventListener("submit", function (event) {
  var ask = event.target.dataset && event.target.dataset.confirm;
  if (ask && !window.confirm(ask)) { event.preventDefault(); }
});

// A form with data-confirm asks before it is sent (Today's cancel button); without JavaScript it is sent at once.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.dataset ? form.dataset.confirm : null;
  if (question && !window.confirm(question)) { event.preventDefault(); }
});

// New bulletin: the kind (read a text / audio file / relay) shows its part; the text is required to read only.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulletin");
  if (!form || !form.querySelector("input[name=kind]")) { return; }
  var text = document.getElementById("text");
  function show() {
    var chosen = form.querySelector("input[name=kind]:checked");
    var kind = chosen ? chosen.value : "speech";
    form.querySelectorAll(".kind-part").forEach(function (part) { part.hidden = part.dataset.kind !== kind; });
    if (text) { text.required = kind === "speech"; }
    var textPart = document.getElementById("text-part");
    if (textPart) { textPart.hidden = kind === "relay"; }
  }
  form.querySelectorAll("input[name=kind]").forEach(function (r) { r.addEventListener("change", show); });
  show();
});

// Audio file: upload a chosen file, or record from the microphone (getUserMedia + MediaRecorder), listen back,
// then send it to the console's /media (session + CSRF) and put its number in the form; the form works without it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulletin");
  var record = document.getElementById("record");
  var stop = document.getElementById("record-stop");
  var use = document.getElementById("record-use");
  var status = document.getElementById("record-status");
  var player = document.getElementById("record-audio");
  var select = document.getElementById("media-id");
  var file = document.getElementById("media-file");
  var stored = document.getElementById("media-audio");
  if (!form || !record || !stop || !use || !status || !player || !select) { return; }
  var recorder = null, chunks = [], blob = null, started = 0;
  function say(message, bad) { status.className = bad ? "error" : ""; status.textContent = message; }
  function listenTo(id) {
    if (!stored) { return; }
    stored.hidden = !id;
    if (id) { stored.src = stored.dataset.base + "/" + id + "/audio"; }
  }
  function upload(data, name) {
    var body = new FormData();
    body.append("file", data, name);
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    say(status.dataset.uploading);
    return fetch(form.dataset.media, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (!j.id) { say(j.message || j.error, true); return; }
        var option = document.createElement("option");
        option.value = String(j.id);
        option.textContent = "#" + j.id + " · " + j.name + " · " + j.seconds + " s";
        select.insertBefore(option, select.options[1] || null);
        select.value = String(j.id);
        if (file) { file.value = ""; }
        listenTo(j.id);
        say(j.message);
        form.dataset.mediaReady = String(j.id);
      })
      .catch(function (e) { say(String(e), true); });
  }
  select.addEventListener("change", function () { listenTo(select.value); });
  if (file) {
    file.addEventListener("change", function () {
      if (file.files && file.files[0]) { upload(file.files[0], file.files[0].name); }
    });
  }
  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  record.hidden = false;
  document.getElementById("record-help").hidden = false;
  if (!canRecord) {
    record.disabled = true;
    say(status.dataset.unsupported);
    return;
  }
  record.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = "audio/webm;codecs=opus";
      var options = MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(type) ? { mimeType: type } : {};
      recorder = new MediaRecorder(stream, options);
      chunks = [];
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) { chunks.push(e.data); } };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
        player.src = URL.createObjectURL(blob);
        player.hidden = false;
        player.dataset.blob = String(blob.size);
        use.hidden = false;
        var seconds = ((Date.now() - started) / 1000).toFixed(1);
        say(status.dataset.recorded.replace("{seconds}", seconds));
      };
      started = Date.now();
      recorder.start(250);
      record.hidden = true;
      stop.hidden = false;
      use.hidden = true;
      say(status.dataset.recording);
    }).catch(function (e) { say(status.dataset.unsupported + " (" + e.name + ")", true); });
  });
  stop.addEventListener("click", function () {
    if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    stop.hidden = true;
    record.hidden = false;
  });
  use.addEventListener("click", function () {
    if (!blob) { return; }
    var ext = (blob.type.indexOf("ogg") >= 0) ? ".ogg" : (blob.type.indexOf("mp4") >= 0 ? ".m4a" : ".webm");
    use.disabled = true;
    upload(blob, "ghi-am" + ext).finally(function () { use.disabled = false; });
  });
});
