// Catalogue pages: a busy state for searches, and add to cart without a reload through the
// JSON API. Without JS every form still posts normally.
(function () {
  "use strict";
  // Kroger can be slow: say so while a search or store lookup is on its way.
  document.querySelectorAll("form[role=search]").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    var label = button.innerHTML;
    form.addEventListener("submit", function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.innerHTML = '<span class="spinner" aria-hidden="true"></span> Asking Kroger\u2026';
    });
    // Coming back with the Back button restores the page as it was: make the button usable again.
    window.addEventListener("pageshow", function () {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.innerHTML = label;
    });
  });

  var status = document.getElementById("cart-status");
  if (!status || !window.fetch) return;

  function announce(text, kind) {
    status.hidden = false;
    status.className = "message" + (kind ? " message-" + kind : "");
    status.textContent = text;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  document.querySelectorAll("form.add-to-cart").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var quantity = parseInt(form.elements.quantity.value, 10);
      var label = quantity + " \u00d7 " + form.dataset.description;
      if (!(quantity >= 1 && quantity <= 99)) {
        announce("Choose a quantity from 1 to 99.", "error");
        return;
      }
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      announce("Adding " + label + " to your Kroger cart\u2026");
      fetch("/api/cart", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
          // The same key as the no-JS form: a double click never adds twice.
          "Idempotency-Key": form.elements.idempotency_key.value
        },
        body: JSON.stringify({items: [{upc: form.elements.upc.value, quantity: quantity, modality: "PICKUP"}]})
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status < 500 && response.status !== 429) {
            // A definite answer: the next click is a new request. (After a 503 or 429 the same
            // key is kept, so trying again can never add twice.)
            form.elements.idempotency_key.value = newKey();
          }
          if (response.status === 201) {
            announce("Added " + label + " to your Kroger cart.", "success");
          } else if (response.status === 202) {
            // A background worker sends it (and retries if Kroger is busy): see "Cart sends".
            announce("Sending " + label + " to your Kroger cart.", "info");
          } else if (response.status === 200 && body.status === "succeeded") {
            announce(label + " was already added to your Kroger cart.", "info");
          } else if (response.status === 200) {
            announce((body.error_message || "We couldn't confirm that " + label + " was added.") +
                     " Please check your Kroger cart.", "warning");
          } else {
            announce(label + " was not added. " + (body.detail || "Please try again."), "error");
          }
        });
      }).catch(function () {
        announce("We couldn't reach the site. Check your connection and try again.", "error");
      }).then(function () {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });
})();
