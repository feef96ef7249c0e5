/*
 * Session timeout warning for signed-in staff (WCAG 2.2 SC 2.2.1 Timing Adjustable).
 *
 * Load with <script src="…/session-timeout.js" defer></script>. No inline
 * script or style is used, so it works under a strict Content-Security-Policy.
 *
 * Configuration, from attributes on <body>:
 *   data-session-timeout-seconds   idle time after which the server ends the
 *                                  session (required: without it this script
 *                                  does nothing)
 *   data-session-warning-seconds   how long before the end to warn (default 120)
 *   data-session-keepalive-url     URL to POST to in order to extend the session
 *   data-session-signout-url       where to send the browser when time runs out
 *                                  (a few seconds after the server's session has
 *                                  ended, so the request cannot revive it)
 *   data-csrf-token                the CSRF token ({{ csrf_token }}); needed when
 *                                  CSRF_COOKIE_HTTPONLY is on. Otherwise the token
 *                                  is read from the cookie named in
 *   data-csrf-cookie-name          (default "csrftoken"), and failing that from a
 *                                  csrfmiddlewaretoken field inside the dialog.
 *
 * Markup, in the page:
 *   <dialog id="session-timeout-dialog"> with a heading, an element
 *   [data-session-countdown] (visible countdown, updated every second), an
 *   element [data-session-countdown-live] with aria-live="polite" (updated
 *   every 15 seconds), a button [data-session-extend] and a sign-out link.
 *
 * Several tabs share one server session, so each tab records the session's
 * expiry time in localStorage and follows the latest one: staying signed in
 * (or loading a page) in one tab keeps the others from warning or signing out.
 *
 * Written in ES5 so that it runs (without the modal) in old browsers too.
 */
(function () {
  "use strict";

  var body = document.body;
  if (!body) return;

  var totalSeconds = parseInt(body.getAttribute("data-session-timeout-seconds"), 10);
  if (!(totalSeconds > 0)) return;

  var warningSeconds = parseInt(body.getAttribute("data-session-warning-seconds"), 10);
  if (!(warningSeconds > 0)) warningSeconds = 120;
  // Never warn for the whole session, and give people at least a few seconds
  // between page load and the warning.
  warningSeconds = Math.min(warningSeconds, Math.max(totalSeconds - 5, 1));

  var keepaliveUrl = body.getAttribute("data-session-keepalive-url");
  var signoutUrl = body.getAttribute("data-session-signout-url");
  var csrfTokenAttribute = body.getAttribute("data-csrf-token");
  var csrfCookieName = body.getAttribute("data-csrf-cookie-name") || "csrftoken";

  var dialog = document.getElementById("session-timeout-dialog");
  if (!dialog) return;

  var heading = dialog.querySelector("h1, h2, h3, h4, h5, h6, [data-session-heading]");
  var countdown = dialog.querySelector("[data-session-countdown]");
  var countdownLive = dialog.querySelector("[data-session-countdown-live]");
  var extendButton = dialog.querySelector("[data-session-extend]");

  var STORAGE_KEY = "portal-session-expires-at";
  var LIVE_INTERVAL_SECONDS = 15;
  var REQUEST_TIMEOUT_MS = 15000;
  // Our clock started when the request was sent, the server's when it
  // arrived: wait this long after our countdown ends before requesting the
  // sign-out page, so that the session has certainly ended by then.
  var SIGNOUT_GRACE_MS = 3000;
  var MESSAGE_FAILED =
    "Sorry, we could not keep you signed in. Check your internet connection and try again.";

  var hasModal = typeof dialog.showModal === "function";
  var isOpen = false; // true while *we* consider the dialog open
  var extending = false;
  var lastFocused = null;
  var lastLiveAnnouncement = null;
  var errorMessage = null;
  var warnTimer = null;
  var tickTimer = null;

  // When the server's session ends. performance.timeOrigin is when this
  // navigation started, i.e. no later than the request that (re)started the
  // session, so counting from it errs on the safe side.
  var pageStart =
    window.performance && window.performance.timeOrigin
      ? Math.floor(window.performance.timeOrigin)
      : Date.now();
  var expiresAt = pageStart + totalSeconds * 1000;

  // --- Shared expiry across tabs -------------------------------------------

  function readSharedExpiry() {
    try {
      var value = parseInt(window.localStorage.getItem(STORAGE_KEY), 10);
      return value > 0 ? value : 0;
    } catch (e) {
      return 0; // storage disabled
    }
  }

  function writeSharedExpiry(value) {
    try {
      if (value > readSharedExpiry()) {
        window.localStorage.setItem(STORAGE_KEY, String(value));
      }
    } catch (e) {
      // storage disabled or full: each tab then keeps its own timer
    }
  }

  function adoptSharedExpiry() {
    var shared = readSharedExpiry();
    // Ignore a stored time beyond what one page load can give (clock change).
    if (shared > expiresAt && shared <= Date.now() + totalSeconds * 1000) {
      expiresAt = shared;
      return true;
    }
    return false;
  }

  // --- Text -------------------------------------------------------------------

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  // 150 -> "2 minutes 30 seconds", 60 -> "1 minute", 5 -> "5 seconds"
  function describe(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    if (minutes === 0) return plural(rest, "second");
    if (rest === 0) return plural(minutes, "minute");
    return plural(minutes, "minute") + " " + plural(rest, "second");
  }

  function liveText(seconds) {
    var template =
      (countdownLive && countdownLive.getAttribute("data-template")) ||
      "You will be signed out in {time}.";
    return template.replace("{time}", describe(seconds));
  }

  function setText(element, text) {
    if (element && element.textContent !== text) element.textContent = text;
  }

  function remainingSeconds() {
    return Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
  }

  // --- Error message, shown next to the countdown ---------------------------

  function showError(text) {
    if (!errorMessage) {
      errorMessage = document.createElement("p");
      errorMessage.className = "govuk-error-message";
      errorMessage.setAttribute("role", "alert");
      errorMessage.setAttribute("data-session-error", "");
      var anchor = countdown || countdownLive || heading;
      var block = anchor;
      // Put it after the paragraph that holds the countdown.
      while (block && block.parentNode !== dialog && block.parentNode) {
        block = block.parentNode;
      }
      if (block && block.parentNode === dialog) {
        dialog.insertBefore(errorMessage, block.nextSibling);
      } else {
        dialog.appendChild(errorMessage);
      }
    }
    errorMessage.textContent = text;
  }

  function clearError() {
    if (errorMessage && errorMessage.parentNode) {
      errorMessage.parentNode.removeChild(errorMessage);
    }
    errorMessage = null;
  }

  // --- Timers -----------------------------------------------------------------

  function clearTimers() {
    if (warnTimer) window.clearTimeout(warnTimer);
    if (tickTimer) window.clearInterval(tickTimer);
    warnTimer = null;
    tickTimer = null;
  }

  function schedule() {
    clearTimers();
    var untilWarning = expiresAt - warningSeconds * 1000 - Date.now();
    if (untilWarning <= 0) {
      openDialog();
    } else {
      // Browsers cap timeouts at about 24.8 days; sessions are far shorter.
      warnTimer = window.setTimeout(check, Math.min(untilWarning, 2147483647));
    }
  }

  // Runs when a timer fires and when the tab becomes visible again (browsers
  // slow timers down in background tabs, so never trust them to be on time).
  function check() {
    adoptSharedExpiry();
    var remaining = remainingSeconds();
    if (remaining <= 0) {
      timeUp();
    } else if (remaining <= warningSeconds) {
      if (isOpen) {
        tick();
      } else {
        openDialog();
      }
    } else if (isOpen) {
      // Another tab extended the session.
      closeDialog();
      schedule();
    } else {
      schedule();
    }
  }

  function tick() {
    var remaining = remainingSeconds();
    if (remaining <= 0) {
      check();
      return;
    }
    setText(countdown, describe(remaining));
    // Announce a second after opening (once the dialog is in the
    // accessibility tree) and then every LIVE_INTERVAL_SECONDS, not every
    // second, so that screen readers are not flooded.
    if (
      lastLiveAnnouncement === null ||
      lastLiveAnnouncement - remaining >= LIVE_INTERVAL_SECONDS
    ) {
      lastLiveAnnouncement = remaining;
      setText(countdownLive, liveText(remaining));
    }
  }

  function timeUp() {
    clearTimers();
    if (adoptSharedExpiry() && remainingSeconds() > 0) {
      check();
      return;
    }
    setText(countdown, describe(0));
    warnTimer = window.setTimeout(function () {
      if (adoptSharedExpiry() && remainingSeconds() > 0) {
        check();
      } else {
        signOut();
      }
    }, SIGNOUT_GRACE_MS);
  }

  function signOut() {
    clearTimers();
    if (signoutUrl) {
      window.location.assign(signoutUrl);
    } else {
      window.location.reload();
    }
  }

  // --- Dialog -----------------------------------------------------------------

  // Shows the dialog (modal where supported) and moves focus to its heading.
  function showDialog() {
    if (hasModal) {
      if (!dialog.open) {
        try {
          dialog.showModal();
        } catch (e) {
          dialog.setAttribute("open", "");
        }
      }
    } else if (!dialog.hasAttribute("open")) {
      dialog.setAttribute("open", "");
    }
    var focusTarget = heading || dialog;
    if (!focusTarget.hasAttribute("tabindex")) focusTarget.setAttribute("tabindex", "-1");
    focusTarget.focus();
  }

  function openDialog() {
    if (isOpen) return;
    isOpen = true;
    lastFocused = document.activeElement;
    lastLiveAnnouncement = null;
    clearError();
    setText(countdownLive, "");
    setText(countdown, describe(remainingSeconds()));
    showDialog();
    document.addEventListener("keydown", onKeydown, true);

    clearTimers();
    tickTimer = window.setInterval(check, 1000);
  }

  function closeDialog() {
    if (!isOpen) return;
    isOpen = false; // set first: the "close" event arrives later
    clearTimers();
    clearError();
    setText(countdownLive, "");
    document.removeEventListener("keydown", onKeydown, true);
    if (hasModal && dialog.open) {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    if (lastFocused && lastFocused.focus && document.documentElement.contains(lastFocused)) {
      lastFocused.focus();
    }
    lastFocused = null;
  }

  // --- Staying signed in ------------------------------------------------------

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].replace(/^\s+/, "");
      if (part.substring(0, name.length + 1) === name + "=") {
        return decodeURIComponent(part.substring(name.length + 1));
      }
    }
    return null;
  }

  function csrfToken() {
    if (csrfTokenAttribute) return csrfTokenAttribute;
    var token = readCookie(csrfCookieName);
    if (token) return token;
    var input = dialog.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  // POST with no body; calls done(result), where result is "ok" for a 2xx
  // response, "signed-out" for 401 or a redirect (to the sign-in page: the
  // session has already ended) and "failed" for anything else.
  function post(url, done) {
    var token = csrfToken();
    if (window.fetch) {
      var controller = window.AbortController ? new window.AbortController() : null;
      var abortTimer = controller
        ? window.setTimeout(function () {
            controller.abort();
          }, REQUEST_TIMEOUT_MS)
        : null;
      var options = {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: {
          "X-CSRFToken": token,
          "X-Requested-With": "XMLHttpRequest",
          Accept: "application/json",
        },
      };
      if (controller) options.signal = controller.signal;
      window.fetch(url, options).then(
        function (response) {
          if (abortTimer) window.clearTimeout(abortTimer);
          done(outcome(response.status, response.redirected));
        },
        function () {
          if (abortTimer) window.clearTimeout(abortTimer);
          done("failed");
        }
      );
    } else {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url, true);
      xhr.timeout = REQUEST_TIMEOUT_MS;
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      var resolver = document.createElement("a");
      resolver.href = url;
      xhr.onreadystatechange = function () {
        if (xhr.readyState === 4) {
          var redirected = !!xhr.responseURL && xhr.responseURL !== resolver.href;
          done(outcome(xhr.status, redirected));
        }
      };
      xhr.send();
    }
  }

  function outcome(status, redirected) {
    if (status === 401 || (redirected && status >= 200 && status < 300)) return "signed-out";
    if (status >= 200 && status < 300) return "ok";
    return "failed";
  }

  function extend() {
    if (extending) return;
    if (!keepaliveUrl) {
      showError(MESSAGE_FAILED);
      return;
    }
    extending = true;
    if (extendButton) extendButton.setAttribute("aria-disabled", "true");
    var sentAt = Date.now();

    post(keepaliveUrl, function (result) {
      extending = false;
      if (extendButton) extendButton.removeAttribute("aria-disabled");
      if (result === "signed-out") {
        // Too late (or signed out elsewhere): show the signed-out page.
        signOut();
      } else if (result === "ok") {
        expiresAt = sentAt + totalSeconds * 1000;
        writeSharedExpiry(expiresAt);
        closeDialog();
        schedule();
      } else if (remainingSeconds() > 0) {
        // Leave the dialog open (reopen it if the browser closed it) and say
        // so next to the countdown; role="alert" announces it.
        if (!isOpen) {
          openDialog();
        } else if (!(hasModal ? dialog.open : dialog.hasAttribute("open"))) {
          showDialog();
        }
        showError(MESSAGE_FAILED);
      } else {
        check();
      }
    });
  }

  // --- Events -----------------------------------------------------------------

  if (extendButton) {
    extendButton.addEventListener("click", function (event) {
      event.preventDefault();
      extend();
    });
  }

  // Escape means "stay signed in". Listening on the document while the
  // dialog is open also covers browsers without a modal <dialog>.
  function onKeydown(event) {
    if (event.key === "Escape" || event.key === "Esc" || event.keyCode === 27) {
      event.preventDefault();
      extend();
    }
  }

  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    extend();
  });

  // The browser may still close a modal dialog by itself (Chrome does on a
  // repeated Escape). If we did not close it, treat that as "stay signed in"
  // too; extend() shows the dialog again if that fails.
  dialog.addEventListener("close", function () {
    if (isOpen) extend();
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) check();
  });

  // Page restored from the back/forward cache: the timers are stale.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) check();
  });

  // Another tab loaded a page or stayed signed in.
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY && adoptSharedExpiry()) check();
  });

  // --- Start ------------------------------------------------------------------

  writeSharedExpiry(expiresAt);
  adoptSharedExpiry();
  check();
})();
