// Live preview of the normalized reading on the New bulletin page; the page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("bulletin");
  var text = document.getElementById("text");
  var out = document.getElementById("preview");
  if (!form || !text || !out) { return; }
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("text", text.value);
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) { out.textContent = j.reading; } })
      .catch(function () { /* keep the last preview */ });
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
});
