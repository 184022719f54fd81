// The list page: resolve pending lines a few at a time and update each row as it finishes, and
// post a line's forms (quantity, swap, search again, remember) without leaving the page: the
// server answers the re-rendered row. Without this script every form posts and re-renders.
(function () {
  "use strict";
  var CONCURRENCY = 4;
  var list = document.getElementById("list-lines");
  var progress = document.getElementById("list-progress");
  if (!list || !progress) return;
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var sendButton = document.getElementById("send-to-cart");
  var shownStage = -1;

  // Sending can take a moment: show the button busy (and not clickable twice) until the page changes.
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

  function post(url, body, allowError) {
    return fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok && !(allowError && response.status === 400)) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  // Rows in the order the server says (after a move, an add or a removal).
  function reorder(order) {
    if (order) {
      order.forEach(function (id) {
        var row = document.getElementById("item-" + id);
        if (row) list.appendChild(row);
      });
    }
    // Every row's Move up / Move down now points one place from where it is.
    Array.prototype.forEach.call(list.querySelectorAll("li.list-line"), function (row, index) {
      row.dataset.position = index;
      var up = row.querySelector(".list-line-up");
      var down = row.querySelector(".list-line-down");
      if (up) up.form.elements.position.value = Math.max(0, index - 1);
      if (down) down.form.elements.position.value = index + 1;
    });
  }

  // The list's counts after an answer. Resolve answers can arrive out of order, so an older
  // count is never shown over a newer one; a shopper's own change is always the newest.
  function showList(data, always) {
    if (!always && data.stage < shownStage) return;
    shownStage = data.stage;
    progress.textContent = data.progress;
    var total = document.getElementById("list-total");
    if (total) total.textContent = "$" + data.total;
    var label = document.getElementById("list-total-label");
    if (label && data.total_label) label.textContent = data.total_label;
    if (sendButton && !sendButton.hasAttribute("aria-busy")) sendButton.disabled = !data.can_send;
  }

  // --- A line's forms ---------------------------------------------------------------------

  list.addEventListener("submit", function (event) {
    var form = event.target;
    var row = form.closest("li.list-line");
    if (!row || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
    var rowId = row.id;
    // After a move, the keyboard stays on the same button of the moved row.
    var keep = button && (button.classList.contains("list-line-up") ? ".list-line-up" :
      button.classList.contains("list-line-down") ? ".list-line-down" : null);
    post(form.action, new FormData(form))
      .then(function (data) {
        if (data.deleted) {
          var gone = document.createElement("li");
          gone.className = "list-line-removed message message-success";
          gone.setAttribute("role", "status");
          gone.setAttribute("tabindex", "-1");
          gone.textContent = data.notice;
          row.replaceWith(gone);
          reorder(null);
          showList(data, true);
          gone.focus();
          return;
        }
        row.outerHTML = data.html;
        showList(data, true);
        reorder(data.order);
        var fresh = document.getElementById(rowId);
        if (!fresh) return;
        if (keep) {
          fresh.querySelector("details").open = true;
          fresh.querySelector(keep).focus();
          return;
        }
        // Keep the keyboard where the answer is: the offer to remember, else what happened.
        var target = fresh.querySelector(".list-line-ask button") ||
          fresh.querySelector("[role=alert], [role=status]") || fresh;
        if (target.tagName !== "BUTTON") target.setAttribute("tabindex", "-1");
        target.focus();
      })
      .catch(function () {
        if (button) {
          button.disabled = false;
          button.removeAttribute("aria-busy");
        }
        var problem = row.querySelector(".list-line-problem") || document.createElement("p");
        problem.className = "message message-error list-line-problem";
        problem.setAttribute("role", "alert");
        problem.textContent = "We couldn't reach the site. Check your connection, then try again.";
        form.appendChild(problem);
      });
  });

  // --- Adding a line ----------------------------------------------------------------------

  var addForm = document.getElementById("add-line");
  if (addForm && window.fetch && window.FormData) {
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = addForm.querySelector("input[name=text]");
      var button = addForm.querySelector("button[type=submit]");
      var message = document.getElementById("add-line-message");
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      message.textContent = "Adding…";
      message.className = "list-add-message";
      post(addForm.action, new FormData(addForm), true)
        .then(function (data) {
          if (data.error) {
            message.textContent = data.error;
            message.className = "list-add-message field-error";
            return;
          }
          var empty = document.getElementById("list-empty");
          if (empty) empty.remove();
          list.insertAdjacentHTML("beforeend", data.html);
          reorder(data.order);
          showList(data, true);
          message.textContent = "Added “" + input.value + "”.";
          input.value = "";
        })
        .catch(function () {
          message.textContent = "We couldn't reach the site. Check your connection, then try again.";
          message.className = "list-add-message field-error";
        })
        .then(function () {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          input.focus();
        });
    });
  }

  // --- Reordering by drag (the Move up / Move down buttons do the same from the keyboard) ---

  var dragged = null;
  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll("li.list-line"));
  }
  // A row drags from anywhere but its controls, so text in its inputs can still be selected.
  list.addEventListener("mousedown", function (event) {
    var row = event.target.closest && event.target.closest("li.list-line");
    if (!row || row.dataset.status === "pending") return;
    var control = event.target.closest("input, button, select, textarea, label, summary, a, details[open]");
    if (control) return;
    row.setAttribute("draggable", "true");
  });
  list.addEventListener("mouseup", function (event) {
    var row = event.target.closest && event.target.closest("li.list-line");
    if (row && row !== dragged) row.removeAttribute("draggable");
  });
  list.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("li.list-line");
    if (!row || event.target !== row) return;
    dragged = row;
    row.classList.add("list-line-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.id);
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest("li.list-line");
    if (!over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    var row = dragged;
    dragged = null;
    row.classList.remove("list-line-dragging");
    row.removeAttribute("draggable");
    var position = rows().indexOf(row);
    if (String(position) === row.dataset.position) return;
    var body = new FormData();
    body.append("position", position);
    post(row.dataset.moveUrl, body)
      .then(function (data) {
        row.outerHTML = data.html;
        showList(data, true);
        reorder(data.order);
      })
      .catch(function () { window.location.reload(); });
  });

  // --- Resolving pending lines ------------------------------------------------------------

  var pending = Array.prototype.slice.call(list.querySelectorAll('[data-status="pending"], [data-status="error"]'));
  if (!pending.length) return;
  var resolveAll = document.getElementById("resolve-all");
  // The no-JS button resolves everything at once; the script does it line by line instead.
  if (resolveAll) resolveAll.style.display = "none";

  // A line answered still pending (Kroger slow, or the rest of the list being looked up in the
  // background) is asked about again a little later, a few times.
  var STILL_PENDING_TRIES = 3;
  var STILL_PENDING_WAIT_MS = 2000;
  var tries = {};
  function later(ms) {
    return new Promise(function (done) { window.setTimeout(done, ms); });
  }

  function resolveOne(row) {
    return post(row.dataset.resolveUrl)
      .then(function (data) {
        row.outerHTML = data.html;
        showList(data, false);
        var fresh = document.getElementById(row.id);
        tries[row.id] = (tries[row.id] || 0) + 1;
        if (data.status === "pending" && fresh && tries[row.id] < STILL_PENDING_TRIES) {
          return later(STILL_PENDING_WAIT_MS * tries[row.id]).then(function () { return resolveOne(fresh); });
        }
      })
      .catch(function () {
        var reason = row.querySelector("p");
        if (reason) reason.textContent = "We couldn't reach Kroger for this line. Reload the page to try again.";
        row.dataset.status = "error";
      });
  }

  var queue = pending.slice();
  function worker() {
    var row = queue.shift();
    if (!row) return Promise.resolve();
    return resolveOne(row).then(worker);
  }
  var workers = [];
  for (var i = 0; i < Math.min(CONCURRENCY, queue.length); i++) workers.push(worker());
  Promise.all(workers).then(function () {
    // Lines Kroger could not answer can be tried again with the plain button.
    if (resolveAll && list.querySelector('[data-status="error"], [data-status="pending"]')) {
      resolveAll.style.display = "";
      resolveAll.querySelector("button").textContent = "Try again";
    }
  });
})();
