// The issue page's progress while it sends: asks for the figures every few seconds and writes
// them into the page (a polite live region), until nothing remains or sending is paused.
(function () {
  var box = document.querySelector("[data-newsletter-progress]");
  if (!box) return;
  var url = box.getAttribute("data-newsletter-progress");
  function show(figures) {
    ["sent", "failed", "remaining", "total"].forEach(function (name) {
      var cell = box.querySelector("[data-figure='" + name + "']");
      if (cell && figures[name] !== undefined) cell.textContent = String(figures[name]);
    });
    return figures.status === "sending";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (figures) {
        if (figures && show(figures)) window.setTimeout(poll, 5000);
      })
      .catch(function () { window.setTimeout(poll, 15000); });
  }
  window.setTimeout(poll, 5000);
})();
