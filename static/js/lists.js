// The list page: resolve pending lines a few at a time and update each row as it finishes.
// Without this script the "Find products" button resolves every line and re-renders the page.
(function () {
  "use strict";
  var CONCURRENCY = 4;
  var list = document.getElementById("list-lines");
  var progress = document.getElementById("list-progress");
  if (!list || !progress) return;

  // Sending can take a moment: show the button busy (and not clickable twice) until the page changes.
  var sendButton = document.getElementById("send-to-cart");
  if (sendButton) {
    sendButton.form.addEventListener("submit", function () {
      sendButton.setAttribute("aria-busy", "true");
      window.setTimeout(function () { sendButton.disabled = true; }, 0);
    });
    // Back from the next page: the button was clickable when it was pressed, so it is again.
    window.addEventListener("pageshow", function () {
      if (!sendButton.hasAttribute("aria-busy")) return;
      sendButton.removeAttribute("aria-busy");
      sendButton.disabled = false;
    });
  }

  var pending = Array.prototype.slice.call(list.querySelectorAll('[data-status="pending"], [data-status="error"]'));
  if (!pending.length) return;
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var resolveAll = document.getElementById("resolve-all");
  // The no-JS button resolves everything at once; the script does it line by line instead.
  if (resolveAll) resolveAll.style.display = "none";


  function resolveOne(row) {
    return fetch(row.dataset.resolveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        row.outerHTML = data.html;
        // Answers to concurrent requests can arrive out of order: never show an older count.
        if (data.stage < shownStage) return;
        shownStage = data.stage;
        progress.textContent = data.progress;
        var total = document.getElementById("list-total");
        if (total) total.textContent = "$" + data.total;
      })
      .catch(function () {
        var reason = row.querySelector("p");
        if (reason) reason.textContent = "We couldn't reach Kroger for this line. Reload the page to try again.";
        row.dataset.status = "error";
      });
  }

  var shownStage = -1;
  var queue = pending.slice();
  function worker() {
    var row = queue.shift();
    if (!row) return Promise.resolve();
    return resolveOne(row).then(worker);
  }
  var workers = [];
  for (var i = 0; i < Math.min(CONCURRENCY, queue.length); i++) workers.push(worker());
  Promise.all(workers).then(function () {
    var send = document.getElementById("send-to-cart");
    if (send && list.querySelector('[data-status="resolved"]')) send.disabled = false;
    // Lines Kroger could not answer can be tried again with the plain button.
    if (resolveAll && list.querySelector('[data-status="error"]')) {
      resolveAll.style.display = "";
      resolveAll.querySelector("button").textContent = "Try again";
    }
  });
})();
