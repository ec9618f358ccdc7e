// The account popup's script (GET /account, accountpage.go). It runs on Parley's origin,
// opened by the widget's "Account" link on a site page (ORIGIN, checked by the server).
//
// The session token lives in the site page's storage, never on Parley's origin: this page
// asks its opener for it with postMessage, accepts the answer only from that window and
// that origin, keeps it in memory only, and sends it as Authorization: Bearer.
(() => {
'use strict';
const ORIGIN = document.documentElement.dataset.origin;
const $ = (id) => document.getElementById(id);
let token = '';

const status = (msg, error) => {
  const s = $('status');
  s.textContent = msg;
  s.className = error ? 'error' : '';
};

// signedOut forgets the token and hides the account.
const signedOut = () => {
  token = '';
  $('account').hidden = true;
};

// call sends one request of the JSON API with the token and returns the response, or throws an
// Error with the server's message. A refused token (401 not_signed_in) signs the page out.
const call = async (method, path, body) => {
  const headers = {Authorization: 'Bearer ' + token};
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch('/api/v1/' + path, {method, headers, body: body && JSON.stringify(body), credentials: 'omit'});
  if (r.ok) return r;
  const j = await r.json().catch(() => ({}));
  if (r.status === 401 && (!j.error || j.error.code === 'not_signed_in')) signedOut();
  throw new Error((j.error && j.error.message) || 'The request failed (' + r.status + ').');
};

const api = async (method, path, body) => {
  const r = await call(method, path, body);
  return r.status === 204 ? {} : r.json();
};

// run performs one action, showing its outcome in the status line.
const run = async (fn, done) => {
  try {
    await fn();
    status(done);
  } catch (e) {
    status(e.message, true);
  }
};

const when = (iso) => new Date(iso).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});

const load = async () => {
  const [{user, notifyReplies}, {sessions}] = await Promise.all([api('GET', 'me'), api('GET', 'me/sessions')]);
  $('name').value = user.name;
  $('notify').checked = notifyReplies;
  $('website').value = user.website || '';
  $('email').textContent = user.email;
  $('unverified').hidden = $('verify').hidden = user.verified;
  $('sessions').replaceChildren(...sessions.map((s) => {
    const li = document.createElement('li');
    li.textContent = (s.current ? 'This browser' : 'Another browser or site') + ' — last used ' + when(s.lastUsedAt) +
      ', ends ' + when(s.expiresAt);
    return li;
  }));
  $('account').hidden = false;
};

$('profile').addEventListener('submit', (e) => {
  e.preventDefault();
  run(() => api('PATCH', 'me', {name: $('name').value, website: $('website').value, notifyReplies: $('notify').checked}), 'Your profile is saved.');
});
$('email-form').addEventListener('submit', (e) => {
  e.preventDefault();
  run(async () => {
    await api('POST', 'me/email', {email: $('new-email').value, password: $('password').value});
    $('password').value = '';
  }, 'We sent a link to the new address. Your address changes when you follow it.');
});
$('verify').addEventListener('click', () => run(() => api('POST', 'me/verify'), 'We sent the confirmation mail again.'));
$('logout-all').addEventListener('click', () => run(async () => {
  await api('POST', 'auth/logout-all');
  signedOut();
}, 'You are logged out everywhere. You can close this window.'));
$('export').addEventListener('click', () => run(async () => {
  const blob = await (await call('GET', 'me/export')).blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'parley-export.json';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60e3);
}, 'Your data is downloaded.'));
$('erase-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  run(async () => {
    await api('DELETE', 'me', {comments: f.get('comments'), password: f.get('password')});
    signedOut();
  }, 'Your account is deleted. You can close this window.');
});

addEventListener('message', (e) => {
  const d = e.data;
  if (e.source !== window.opener || e.origin !== ORIGIN || !d || d.type !== 'parley-account-token' || token) return;
  token = String(d.token || '');
  run(load, 'Signed in. Changes here apply wherever you comment.');
});

if (!window.opener) {
  status('Open this page with the “Account” link under the comments.', true);
} else {
  window.opener.postMessage({type: 'parley-account-ready'}, ORIGIN);
  setTimeout(() => {
    if (!token) status('The comments page did not answer. Log in there, then open “Account” again.', true);
  }, 5000);
}
})();
