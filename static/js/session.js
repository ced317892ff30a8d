// The idle-session warning (core.accounts): SESSION_IDLE_WARNING seconds before the server would
// end an idle session, a bar counts down and offers "继续使用", which renews it. A request a page
// sends on its own (X-Minqing-Background: the bell's poll, an import's progress) is not activity.
(function () {
  "use strict";
  var body = document.body;
  var idle = Number(body.dataset.sessionIdle || 0);
  var box = document.querySelector(".mq-session-warning");
  if (!idle || !box) {
    return;
  }
  var warning = Number(body.dataset.sessionWarning || 120);
  var countdown = box.querySelector("[data-session-countdown]");
  var lastActivity = Date.now();

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function minutesSeconds(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var left = Math.round(idle - (Date.now() - lastActivity) / 1000);
    if (left <= 0) {
      var here = window.location.pathname + window.location.search;
      window.location.href = body.dataset.sessionLogin + "?next=" + encodeURIComponent(here);
      return;
    }
    box.hidden = left > warning;
    if (!box.hidden) {
      countdown.textContent = minutesSeconds(left);
    }
  }

  function renew() {
    fetch(body.dataset.sessionKeepalive, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      if (response.ok) {
        lastActivity = Date.now();
        box.hidden = true;
      } else {
        window.location.reload();
      }
    });
  }

  box.querySelector("[data-session-renew]").addEventListener("click", renew);
  body.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (!headers["X-Minqing-Background"]) {
      lastActivity = Date.now();
    }
  });
  window.setInterval(tick, 1000);
})();
