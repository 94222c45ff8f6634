// Shows that a report is being prepared while the next page loads.
(function () {
  var form = document.getElementById("report-filters");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    document.getElementById("report-progress").hidden = false;
  });
})();
