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
