// Shows the upload's progress, then the server's answer, without losing the page.
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var box = document.getElementById("import-progress");
    var bar = document.getElementById("import-progress-bar");
    box.hidden = false;
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.upload.addEventListener("load", function () { bar.removeAttribute("value"); });
    request.addEventListener("load", function () {
      var doc = new DOMParser().parseFromString(request.responseText, "text/html");
      var fresh = doc.getElementById("import-result");
      box.hidden = true;
      if (fresh) { document.getElementById("import-result").replaceWith(fresh); }
      var heading = document.querySelector("#import-result h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    });
    request.send(new FormData(form));
  });
})();
