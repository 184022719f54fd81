// Memory pages (guidance, picks) and the API access page: the plain forms work without this file.
// With it, form posts go to the JSON API with fetch and the page updates in place.
(function () {
  "use strict";

  var status = document.getElementById("memory-status");

  function announce(text) {
    if (!status) return;
    // Clearing first makes screen readers repeat an identical message.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 204) return { ok: true, status: 204, data: null };
      return response.json().then(
        function (data) { return { ok: response.ok, status: response.status, data: data }; },
        function () { return { ok: response.ok, status: response.status, data: {} }; }
      );
    });
  }

  function errorText(data) {
    if (!data) return "Something went wrong. Please try again.";
    if (data.detail) return data.detail;
    return Object.keys(data).map(function (key) {
      var messages = Array.isArray(data[key]) ? data[key].join(" ") : String(data[key]);
      return key === "non_field_errors" ? messages : key.replace(/_/g, " ") + ": " + messages;
    }).join(" ");
  }

  function idOf(form, attribute) {
    return form.closest("[" + attribute + "]").getAttribute(attribute);
  }

  // --- Guidance ---------------------------------------------------------------------------

  var lines = document.getElementById("guidance-lines");

  function refreshGuidanceCount() {
    var count = lines.querySelectorAll("[data-guidance-id]").length;
    var counter = document.querySelector("[data-guidance-count]");
    if (counter) counter.textContent = "(" + count + " of " + lines.getAttribute("data-limit") + " lines)";
    var empty = document.querySelector("[data-guidance-empty]");
    if (empty) empty.hidden = count > 0;
  }

  // What the picker understood from a line, as the API reads it (the page renders the same).
  function showReading(item, reading) {
    if (!reading) return "";
    var understood = item.querySelector("[data-understood]");
    var ignored = item.querySelector("[data-not-understood]");
    if (understood) {
      understood.textContent = reading.understood.join(" \u00b7 ");
      understood.hidden = !reading.understood.length;
    }
    if (ignored) {
      ignored.textContent = reading.note;
      ignored.hidden = !reading.note;
    }
    return [reading.understood.join(". "), reading.note].filter(Boolean).join(". ");
  }

  function addGuidanceLine(line) {
    var template = document.getElementById("guidance-line-template");
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.split("__ID__").join(String(line.id));
    var item = holder.firstElementChild;
    item.querySelector("[name=text]").value = line.text;
    item.querySelector("[name=applies_to]").value = line.applies_to;
    lines.appendChild(item);
    refreshGuidanceCount();
    return showReading(item, line.reading);
  }

  var handlers = {
    "guidance-add": function (form) {
      var errors = form.querySelector("[data-errors]");
      var body = { text: form.elements.text.value, applies_to: form.elements.applies_to.value };
      return api("POST", "/api/guidance", body).then(function (result) {
        if (!result.ok) {
          errors.innerHTML = "";
          var item = document.createElement("li");
          item.textContent = errorText(result.data);
          errors.appendChild(item);
          announce("Not added. " + item.textContent);
          return;
        }
        errors.innerHTML = "";
        form.reset();
        var reading = addGuidanceLine(result.data);
        announce("Guidance added. " + reading);
        form.elements.text.focus();
      });
    },
    "guidance-edit": function (form) {
      var id = idOf(form, "data-guidance-id");
      var body = { text: form.elements.text.value, applies_to: form.elements.applies_to.value };
      return api("PATCH", "/api/guidance/" + id, body).then(function (result) {
        if (!result.ok) return announce("Not saved. " + errorText(result.data));
        form.elements.text.value = result.data.text;
        form.elements.applies_to.value = result.data.applies_to;
        var reading = showReading(form.closest("[data-guidance-id]"), result.data.reading);
        announce("Guidance saved. " + reading);
      });
    },
    "guidance-move": function (form) {
      var item = form.closest("[data-guidance-id]");
      var up = form.elements.direction.value === "up";
      var sibling = up ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) return Promise.resolve(announce(up ? "Already first." : "Already last."));
      var originalNext = item.nextElementSibling;
      lines.insertBefore(item, up ? sibling : sibling.nextElementSibling);
      var ids = Array.prototype.map.call(lines.querySelectorAll("[data-guidance-id]"), function (li) {
        return Number(li.getAttribute("data-guidance-id"));
      });
      form.querySelector("button").focus();
      return api("POST", "/api/guidance/reorder", { ids: ids }).then(function (result) {
        if (!result.ok) {
          lines.insertBefore(item, originalNext);  // put it back where the server still has it
          return announce("Not moved. " + errorText(result.data));
        }
        announce(up ? "Moved up." : "Moved down.");
      });
    },
    "guidance-delete": function (form) {
      var item = form.closest("[data-guidance-id]");
      return api("DELETE", "/api/guidance/" + item.getAttribute("data-guidance-id")).then(function (result) {
        if (!result.ok) return announce("Not deleted. " + errorText(result.data));
        item.remove();
        refreshGuidanceCount();
        announce("Guidance deleted.");
      });
    },

    // --- Picks ----------------------------------------------------------------------------

    "pick-quantity": function (form) {
      var id = idOf(form, "data-pick-id");
      var quantity = Number(form.elements.quantity.value);
      return api("PATCH", "/api/selections/" + id, { quantity: quantity }).then(function (result) {
        if (!result.ok) return announce("Not saved. " + errorText(result.data));
        announce("Quantity for " + result.data.term + " is now " + result.data.quantity + ".");
      });
    },
    "pick-forget": function (form) {
      var item = form.closest("[data-pick-id]");
      var term = item.querySelector("strong").textContent;
      return api("DELETE", "/api/selections/" + item.getAttribute("data-pick-id")).then(function (result) {
        if (!result.ok) return announce("Not forgotten. " + errorText(result.data));
        item.remove();
        var empty = document.querySelector("[data-picks-empty]");
        if (empty && !document.querySelector("[data-pick-id]")) empty.hidden = false;
        announce("Forgot the pick for " + term + ".");
      });
    },
  };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var handler = handlers[form.getAttribute("data-memory")];
    if (!handler || !window.fetch) return;
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    handler(form)
      .catch(function () { announce("Could not reach the server. Please try again."); })
      .then(function () { buttons.forEach(function (button) { button.disabled = false; }); });
  });

  // --- API access: copy the new token -------------------------------------------------------

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var copied = document.querySelector("[data-copy-status]");
    input.select();
    var done = function () { if (copied) copied.textContent = "Copied to the clipboard."; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        if (copied) copied.textContent = "Select the token and copy it.";
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
