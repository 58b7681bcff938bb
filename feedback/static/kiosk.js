/* Kiosk mode: idle reset, larger text, no wandering off, and an offline queue.
 *
 * Every submission is first written to localStorage with its own Idempotency-Key,
 * then sent. It leaves the queue only when the server has answered for it (stored,
 * or refused for a reason a resend cannot fix), so nothing typed is lost when the
 * network or the server is briefly away; a resend of the same key yields the same
 * opinion and tracking code.
 *
 * The form page carries a few tracking codes signed for this kiosk (<template
 * class="spare-receipt">). Each submission takes one and sends it along; when the
 * server cannot be reached the kiosk shows that code and its QR code at once, and the
 * opinion gets the same code when it arrives. While the server is away, "Done" and the
 * idle reset clear the form in place instead of loading a page that cannot load.
 */
(function () {
  "use strict";

  var QUEUE_KEY = "kiosk-queue";
  var LARGE_KEY = "kiosk-large-text";
  var FLUSH_EVERY_MS = 10000;
  var SEND_TIMEOUT_MS = 10000;
  var body = document.body;
  var startUrl = body.dataset.startUrl;
  var kioskPrefix = new URL(startUrl, location.href).pathname;
  var idleMs = Math.max(2, parseInt(body.dataset.idleSeconds || "90", 10)) * 1000;
  var inFlight = {};

  /* ---- the offline queue ---- */

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }

  function writeQueue(queue) { localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }

  function enqueue(entry) { var q = readQueue(); q.push(entry); writeQueue(q); }

  function dequeue(key) { writeQueue(readQueue().filter(function (e) { return e.key !== key; })); }

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // works without a secure context, unlike randomUUID
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function showOffline(offline) {
    var notice = document.querySelector(".kiosk-offline");
    if (notice) { notice.hidden = !offline; }
  }

  /* Resolves to {status, body}; status 0 means the server was not reached. */
  function send(entry) {
    inFlight[entry.key] = true;
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    return fetch(entry.url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-Kiosk-Token": entry.token, "Idempotency-Key": entry.key},
      body: JSON.stringify(entry.payload),
      credentials: "same-origin",
      signal: controller.signal
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {status: response.status, body: data};
      });
    }, function () {
      return {status: 0, body: {}};
    }).then(function (result) {
      clearTimeout(timer);
      delete inFlight[entry.key];
      // Stored (201/200), or refused for good (bad input, gone item, reused key): leave the queue.
      // Kept for later: not reached (0), rate limit (429), kiosk not recognised (401/403), server errors.
      var settled = result.status >= 200 && result.status < 300 ||
        [400, 404, 409, 413, 422].indexOf(result.status) !== -1;
      if (settled) { dequeue(entry.key); }
      showOffline(result.status === 0);
      return result;
    });
  }

  function flush() {
    readQueue().forEach(function (entry) {
      if (!inFlight[entry.key]) { send(entry); }
    });
  }

  /* ---- the opinion form ---- */

  function setErrors(form, errors) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    Object.keys(errors || {}).forEach(function (field) {
      var target = form.querySelector('[data-error-for="' + field + '"]') ||
        form.querySelector('[data-error-for="_form"]');
      target.textContent = errors[field].join(" ");
    });
  }

  /* The next unused signed code of this page, removed so that it is used once; or null. */
  function takeSpareReceipt() {
    var template = document.querySelector("template.spare-receipt");
    if (!template) { return null; }
    template.remove();
    return {code: template.dataset.code, signature: template.dataset.signature, url: template.dataset.url,
            qr: template.innerHTML};
  }

  function showSavedOffline(form, spare) {
    var saved = document.querySelector(".kiosk-saved");
    var receipt = saved.querySelector("[data-offline-receipt]");
    form.reset();
    form.hidden = true;
    saved.hidden = false;
    receipt.hidden = !spare;
    saved.querySelector("[data-offline-print]").hidden = !spare;
    saved.querySelector("[data-no-code]").hidden = !!spare;
    if (spare) {
      receipt.querySelector('[data-slot="code"]').textContent = spare.code;
      receipt.querySelector('[data-slot="url"]').textContent = spare.url;
      receipt.querySelector('[data-slot="qr"]').innerHTML = spare.qr;  // server-made SVG of our own page
    }
  }

  /* The form page back to its empty state, for the next person, without a page load. */
  function clearFormInPlace() {
    var form = document.getElementById("kiosk-form");
    var saved = document.querySelector(".kiosk-saved");
    if (!form || !saved) { return false; }
    form.reset();
    setErrors(form, {});
    var counter = document.querySelector("[data-counter]");
    if (counter) { counter.textContent = "0"; }
    var qr = saved.querySelector('[data-slot="qr"]');
    if (qr) { qr.innerHTML = ""; }
    saved.hidden = true;
    form.hidden = false;
    return true;
  }

  /* Resolves true when the kiosk's start page answers within a few seconds. */
  function serverReachable() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 3000);
    return fetch(startUrl, {method: "HEAD", cache: "no-store", credentials: "same-origin", signal: controller.signal})
      .then(function (response) { return response.ok; }, function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  function payloadOf(form) {
    var data = new FormData(form);
    var payload = {
      text: data.get("text") || "",
      stance: data.get("stance") || "",
      contact_name: data.get("contact_name") || null,
      contact: data.get("contact") || null,
      consent: data.get("consent") === "y"
    };
    if (form.dataset.disclosureId) { payload.disclosure_id = parseInt(form.dataset.disclosureId, 10); }
    return payload;
  }

  function setupForm(form) {
    var button = form.querySelector("button[type=submit]");
    var label = button.textContent;
    var counter = document.querySelector("[data-counter]");
    var textarea = form.querySelector("textarea[name=text]");
    textarea.addEventListener("input", function () { counter.textContent = textarea.value.length; });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      button.disabled = true;
      button.textContent = button.dataset.sending;
      var spare = takeSpareReceipt();
      var payload = payloadOf(form);
      if (spare) { payload.receipt_code = spare.code; payload.receipt_signature = spare.signature; }
      var entry = {key: newKey(), url: body.dataset.submitUrl, token: body.dataset.token,
                   payload: payload, created: new Date().toISOString()};
      enqueue(entry);
      send(entry).then(function (result) {
        if (result.status === 200 || result.status === 201) {
          form.reset();
          location.replace(result.body.receipt_url);
          return;
        }
        button.disabled = false;
        button.textContent = label;
        if (result.body.errors || result.status === 400 || result.status === 404 || result.status === 422 ||
            result.status === 409 || result.status === 413) {
          setErrors(form, result.body.errors || {_form: [result.body.error || ""]});
          return;
        }
        // Not reached, or the server could not take it now: it waits in the queue.
        showSavedOffline(form, spare);
      });
    });
  }

  /* ---- idle reset, larger text, staying inside the kiosk ---- */

  function applyLargeText(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.querySelectorAll('[data-action="larger-text"]').forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  /* Back to the start screen in the default language, with the form and switches cleared;
     while the server is away, the form is cleared where it is. */
  function resetForNextPerson() {
    sessionStorage.clear();
    var onStart = body.classList.contains("screen-start");
    var defaultLanguage = body.dataset.lang === body.dataset.defaultLang;
    if (onStart && defaultLanguage && !document.documentElement.classList.contains("large-text")) {
      return false;
    }
    serverReachable().then(function (reachable) {
      if (reachable) {
        location.replace(startUrl + "?lang=" + encodeURIComponent(body.dataset.defaultLang));
      } else {
        applyLargeText(false);
        clearFormInPlace();
        restartIdleTimer();
      }
    });
    return true;
  }

  var idleTimer = null;
  function restartIdleTimer() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      if (!resetForNextPerson()) { restartIdleTimer(); }
    }, idleMs);
  }

  function insideKiosk(anchor) {
    var url = new URL(anchor.getAttribute("href"), location.href);
    return url.origin === location.origin && url.pathname.indexOf(kioskPrefix) === 0;
  }

  document.addEventListener("click", function (event) {
    var anchor = event.target.closest && event.target.closest("a[href]");
    if (anchor && (!insideKiosk(anchor) || anchor.target)) { event.preventDefault(); }
    var action = event.target.closest && event.target.closest("[data-action]");
    if (!action) { return; }
    if (action.dataset.action === "larger-text") {
      var on = !document.documentElement.classList.contains("large-text");
      sessionStorage.setItem(LARGE_KEY, on ? "1" : "");
      applyLargeText(on);
    } else if (action.dataset.action === "print") {
      window.print();
    } else if (action.dataset.action === "next-person") {
      serverReachable().then(function (reachable) {
        if (reachable) { location.replace(startUrl); } else { clearFormInPlace(); }
      });
    }
  }, true);
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });
  document.addEventListener("dragstart", function (event) { event.preventDefault(); });
  window.open = function () { return null; };

  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, restartIdleTimer, {passive: true, capture: true});
  });

  applyLargeText(sessionStorage.getItem(LARGE_KEY) === "1");
  var form = document.getElementById("kiosk-form");
  if (form) { setupForm(form); }
  restartIdleTimer();
  window.addEventListener("online", flush);
  setInterval(flush, FLUSH_EVERY_MS);
  flush();

  window.kioskQueue = {read: readQueue, flush: flush};  // for the service desk's console and tests
})();
