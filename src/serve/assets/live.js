// accord serve: the advice kept up to date as the case form changes, and news of the rule
// base. Plain script, no library; the page works without it (submit to see the advice).
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  var advice = document.getElementById("advice");
  var problems = document.getElementById("rule-problems");
  var news = document.getElementById("rule-news");
  var timer = null;
  var version = null;
  var asked = 0;

  // Posts the form (with its token) and puts the advice it gives in place; an answer
  // older than the last one asked for is dropped.
  function refresh() {
    if (!form || !advice) { return; }
    var mine = ++asked;
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Accord-Live": "1", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form))
    }).then(function (response) { return response.text(); })
      .then(function (html) { if (mine === asked) { advice.innerHTML = html; } })
      .catch(function () { /* the server has stopped: the page stays as it is */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  if (form) {
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  // Asks whether the rule base changed; says so and refreshes the advice when it did,
  // and shows the problems of rule files that do not check.
  function poll() {
    fetch("/rules/version", { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (problems) {
          var text = state.diagnostics.join("\n");
          problems.hidden = text === "";
          var pre = problems.querySelector("pre");
          if (pre) { pre.textContent = text; }
        }
        if (version !== null && state.version !== version && news) {
          news.textContent = "The rules changed: the advice is updated.";
          news.hidden = false;
          refresh();
        }
        version = state.version;
      })
      .catch(function () { /* the server has stopped */ });
  }

  poll();
  setInterval(poll, 3000);
})();
