// Parley's proof-of-work solver (ALTCHA v1, SHA-256; see docs/captcha.md).
// A form opts in with data-captcha, a hidden input name="altcha" and an
// element [data-captcha-status] (role="status"): the solver fetches a
// challenge from Parley, finds its number with WebCrypto, fills the field,
// and holds a submit until then. No inline script, no third party.
// It also gives the widget window.parleyPow (below).
(function () {
  "use strict";
  var enc = new TextEncoder(), batch = 500;
  function same(buf, want) { // the digest equals the challenge's bytes
    var a = new Uint8Array(buf);
    for (var i = 0; i < a.length; i++) if (a[i] !== want[i]) return false;
    return true;
  }
  async function solve(c) {
    var want = c.challenge.match(/../g).map(function (h) { return parseInt(h, 16); });
    for (var start = 0; start <= c.maxNumber; start += batch) {
      var work = [];
      for (var n = start; n < start + batch && n <= c.maxNumber; n++) work.push(crypto.subtle.digest("SHA-256", enc.encode(c.salt + n)));
      var sums = await Promise.all(work);
      for (var i = 0; i < sums.length; i++) if (same(sums[i], want)) return start + i;
    }
    throw new Error("no solution");
  }
  // fill fetches a challenge from url and solves it: the field's value and when it expires.
  async function fill(url) {
    var res = await fetch(url, { cache: "no-store", credentials: "same-origin" });
    if (!res.ok) throw new Error("challenge " + res.status);
    var c = await res.json(), n = await solve(c);
    return {
      value: btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature })),
      expires: 1000 * Number((/[?&]expires=(\d+)/.exec(c.salt) || [0, 0])[1]),
    };
  }
  function setup(form) {
    var field = form.querySelector('input[name="altcha"]'), status = form.querySelector("[data-captcha-status]");
    var expires = 0, pending = null, held = false;
    if (!field) return;
    function say(msg) { if (status) status.textContent = msg; }
    function start() {
      field.value = "";
      say("Verifying you are human…");
      pending = fill(form.getAttribute("data-captcha-challenge") || "/api/v1/captcha/challenge").then(function (r) {
        field.value = r.value;
        expires = r.expires;
        say("Verified: you can send the form.");
      }, function () {
        say("Verification failed. Send the form to try again.");
      }).finally(function () { pending = null; });
      return pending;
    }
    start();
    form.addEventListener("submit", function (ev) { // held until solved, then sent again
      if (field.value && Date.now() < expires - 5000) return;
      ev.preventDefault();
      if (held) return;
      held = true;
      var submitter = ev.submitter;
      (pending || start()).then(function () {
        held = false;
        if (field.value) form.requestSubmit(submitter || undefined);
      });
    });
  }
  // The widget (parley.js) imports this script from Parley only when the
  // server asks a guest's comment for a proof of work, and calls parleyPow
  // with Parley's address and the site's host: it resolves to the
  // comment's altcha value.
  window.parleyPow = function (base, site) {
    return fill(base + "/api/v1/captcha/challenge?site=" + encodeURIComponent(site)).then(function (r) { return r.value; });
  };
  document.querySelectorAll("form[data-captcha]").forEach(setup);
})();
