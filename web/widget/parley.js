// Parley comment widget. Vanilla ES2020, no dependencies, no build step.
//
// Privacy rules this file must keep (see docs/embedding.md):
//  - every request goes to the Parley origin the script came from, with credentials omitted;
//  - nothing is written to cookies or storage for a reader: localStorage only when the visitor
//    ticks "remember my details" or logs in (the session token), sessionStorage only after the
//    visitor posts (edit tokens);
//  - the only HTML inserted as markup is server-sanitized (comment.html, preview html); every
//    other string goes through textContent or setAttribute.
//
// The Go package web/widget replaces the two placeholders below at startup: the English
// messages (i18n/en.json) and the stylesheet (parley.css).
(() => {
'use strict';
const S = document.currentScript || document.querySelector('script[src*="/js/parley"]');
// window.parley is the #parley element by named access until the widget defines its API.
if (!S || (window.parley && window.parley.load)) return;
const BASE = new URL('..', S.src).href.replace(/\/$/, '');
const ORIGIN = new URL(BASE).origin;
const EN = __PARLEY_EN__;
const CSS = __PARLEY_CSS__;
const KEY_AUTHOR = 'parley.author';
const KEY_EDIT = 'parley.edit';
const KEY_SESSION = 'parley.session';
const RTL = /^(ar|he|fa|ur|ps|yi|dv|ku|sd|ug)\b/i;
const DS = S.dataset;

const cfg = {site: DS.site || location.host, theme: DS.theme || 'auto', target: DS.target || 'parley'};
let M = EN, LOC = 'en', PR = new Intl.PluralRules('en');
let root, main, live, list, moreBtn, countEl;
let data, comments, kids, myVotes, moreReps, sort = '', gen = 0, uidN = 0, author = {}, styled = false;

// ---------- small helpers ----------

// h builds an element. It never parses markup: text goes through textContent and text nodes.
const h = (tag, props, ...children) => {
  const el = document.createElement(tag);
  for (const k in props) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k === 'cls' ? 'class' : k, v === true ? '' : v);
  }
  el.append(...children.filter((c) => c != null && c !== false));
  return el;
};
const uid = () => 'parley-' + ++uidN;

const t = (key, vars = {}) => {
  let m = M[key] ?? EN[key];
  if (typeof m === 'object') m = m[PR.select(vars.n)] ?? m.other;
  return m.replace(/\{(\w+)\}/g, (_, k) => (typeof vars[k] === 'number' ? vars[k].toLocaleString(LOC) : vars[k] ?? ''));
};

// store reads (val undefined), writes (an object) or erases (null) one key; storage may be
// disabled or full, and the widget must work without it.
const store = (kind, key, val) => {
  try {
    const s = window[kind];
    if (val === undefined) return JSON.parse(s.getItem(key));
    if (val === null) s.removeItem(key);
    else s.setItem(key, JSON.stringify(val));
  } catch (e) { /* storage unavailable */ }
  return null;
};

// me is the logged-in visitor's session {t: token, e: expiry, n: name}, or null.
const me = () => {
  const s = store('localStorage', KEY_SESSION);
  return s && Date.parse(s.e) > Date.now() ? s : null;
};

const api = async (method, path, body, token) => {
  const headers = {}, s = me();
  if (body) headers['Content-Type'] = 'application/json';
  if (token) headers['X-Parley-Edit-Token'] = token;
  if (s) headers.Authorization = 'Bearer ' + s.t;
  let r;
  try {
    r = await fetch(BASE + '/api/v1/' + path, {method, headers, body: body && JSON.stringify(body), credentials: 'omit'});
  } catch (e) {
    throw {message: t('errNetwork')};
  }
  if (r.status === 204) return {};
  const j = await r.json().catch(() => ({}));
  if (r.status === 401 && s) store('localStorage', KEY_SESSION, null); // expired or revoked
  if (!r.ok) throw {...j.error, status: r.status};
  return j;
};

// WHY names the errors the widget explains in the reader's language; for any other, the
// server's own message is shown.
const WHY = {site_not_found: 'errSite', origin_not_allowed: 'errOrigin', rate_limited: 'errBusy', edit_window_closed: 'errWindow', access_denied: 'errDenied'};
// why turns a failed request (an error from api) into the sentence the reader sees.
// A script error (an Error, not an answer) shows only the generic message.
const why = (e) => {
  const k = WHY[e.code] || (e.status === 429 ? 'errBusy' : e.status >= 500 ? 'errServer' : '');
  return k ? t(k, {site: cfg.site, origin: location.origin}) : (!(e instanceof Error) && e.message) || t('errGeneric');
};

const say = (msg) => {
  // Clearing first makes screen readers announce a repeated message again.
  live.textContent = '';
  setTimeout(() => { live.textContent = msg; }, 50);
};

const chars = (s) => [...s].length;

// setLang switches to the messages the server sent; Intl formatting uses the page's full tag
// (de-AT) when it is a valid one, else the tag the server matched (de).
const setLang = (tag, matched, msgs) => {
  M = msgs || EN;
  LOC = 'en';
  if (msgs) {
    try {
      LOC = Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0];
    } catch (e) {
      LOC = matched;
    }
  }
  PR = new Intl.PluralRules(LOC);
};

// ---------- times ----------

const exact = (iso) => new Date(iso).toLocaleString(LOC, {dateStyle: 'long', timeStyle: 'short'});
const UNITS = [['year', 31536e3], ['month', 2592e3], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
const ago = (iso) => {
  const s = (Date.parse(iso) - Date.now()) / 1e3;
  const rtf = new Intl.RelativeTimeFormat(LOC, {numeric: 'auto'});
  // Under 45 seconds is "now".
  for (const [u, n] of UNITS) if (Math.abs(s) >= Math.max(n, 45)) return rtf.format(Math.round(s / n), u);
  return rtf.format(0, 'second');
};
const timeEl = (iso) => h('time', {datetime: iso, title: exact(iso), text: ago(iso)});

// ---------- edit tokens (sessionStorage, written only after posting) ----------
// An entry is {t: token, u: editable until}, keyed by comment id: nothing else, since every
// script of the host page can read it. The text to edit comes from the API (openEdit).

const tokens = () => store('sessionStorage', KEY_EDIT) || {};
const ownToken = (id) => {
  const e = tokens()[id];
  return e && Date.parse(e.u) > Date.now() ? e : null;
};
const saveToken = (id, entry) => {
  const all = tokens();
  for (const k in all) if (Date.parse(all[k].u) <= Date.now()) delete all[k];
  if (entry) all[id] = entry;
  else delete all[id];
  store('sessionStorage', KEY_EDIT, Object.keys(all).length ? all : null);
};

// ---------- styles and theme ----------

const injectCSS = () => {
  if (styled) return;
  styled = true;
  // A constructed stylesheet is not blocked by a host page's strict CSP; <style> is the fallback.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch (e) {
    document.head.append(h('style', {id: 'parley-css'}, CSS));
  }
};
const dark = matchMedia('(prefers-color-scheme: dark)');
const applyTheme = () => root && root.setAttribute('data-theme', cfg.theme === 'dark' || (cfg.theme !== 'light' && dark.matches) ? 'dark' : 'light');
dark.addEventListener('change', applyTheme);

// ---------- thread state ----------

const index = (list) => {
  for (const c of list) comments.set(c.id, c);
  for (const c of list) {
    const p = c.parentId != null && comments.has(c.parentId) ? c.parentId : 0;
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(c.id);
  }
};
const maxDepth = () => Math.max(1, data.settings.maxDepth || 5);
const locked = () => data.page.locked;
// canWrite: the visitor is logged in, or the site takes guests' comments.
const canWrite = () => me() || data.settings.loginMethods.includes('guest');
const nameOf = (c) => c?.author?.name || t('anonymous');

const setCount = (delta) => {
  data.page.commentCount = Math.max(0, (data.page.commentCount || 0) + delta);
  countEl.textContent = t('comments', {n: data.page.commentCount});
};

// ---------- rendering ----------

const hue = (s) => {
  let x = 0;
  for (const ch of s) x = (x * 31 + ch.codePointAt(0)) % 360;
  return x;
};
// avatar is the account's picture when Parley serves it, else the name's initial on a colour of
// its own: never a picture from another host (P2).
const avatar = (name, src) => {
  if (/^\/avatars\/[\w./-]+$/.test(src || '') && !src.includes('..')) return h('img', {cls: 'p-av', src: BASE + src, alt: '', loading: 'lazy'});
  const av = h('span', {cls: 'p-av', 'aria-hidden': 'true', text: ([...name][0] || '?').toUpperCase()});
  av.style.setProperty('--p-h', hue(name));
  return av;
};

// voteBox shows the score between the two vote buttons; a vote updates it in place so the
// pressed button keeps keyboard focus.
const voteBox = (c) => {
  const score = h('span', {cls: 'p-score'});
  const btn = (v) => h('button', {type: 'button', cls: 'p-vote', 'aria-label': t(v > 0 ? 'upvote' : 'downvote'), text: v > 0 ? '▲' : '▼', onclick: () => vote(v)});
  const up = btn(1), down = btn(-1);
  const show = () => {
    score.textContent = (c.score || 0).toLocaleString(LOC);
    up.setAttribute('aria-pressed', String(myVotes[c.id] === 1));
    down.setAttribute('aria-pressed', String(myVotes[c.id] === -1));
  };
  const vote = async (v) => {
    try {
      const r = await api('POST', 'comments/' + c.id + '/vote', {value: myVotes[c.id] === v ? 0 : v});
      c.score = r.score;
      myVotes[c.id] = r.myVote;
      show();
    } catch (e) {
      say(why(e));
    }
  };
  show();
  return h('span', {cls: 'p-votes'}, up, score, down);
};

const commentEl = (c, depth) => {
  const li = h('li', {cls: 'p-c' + (c.sticky ? ' p-sticky' : '') + (c.status === 'pending' ? ' p-pending' : ''), id: 'comment-' + c.id, tabindex: '-1', 'data-depth': depth});
  li.append(bodyEl(c, depth));
  return li;
};

const bodyEl = (c, depth) => {
  if (c.deleted) return h('article', {cls: 'p-body', 'aria-label': t('deleted')}, h('p', {cls: 'p-gone', text: t('deleted')}));
  const name = nameOf(c);
  const site = c.author?.website;
  const who = /^https?:\/\//i.test(site || '')
    ? h('a', {cls: 'p-name', href: site, rel: 'nofollow ugc noopener noreferrer', dir: 'auto', text: name})
    : h('span', {cls: 'p-name', dir: 'auto', text: name});
  const av = avatar(name, c.author?.avatarUrl);
  const parent = comments.get(c.parentId);
  const text = h('div', {cls: 'p-text', dir: 'auto'});
  text.innerHTML = c.html; // sanitized by the server; the only markup the widget inserts
  return h('article', {cls: 'p-body', 'aria-label': name},
    h('header', {cls: 'p-meta'}, av, who,
      h('a', {cls: 'p-time', href: '#comment-' + c.id}, timeEl(c.createdAt)),
      c.editedAt && h('span', {cls: 'p-tag', title: exact(c.editedAt), text: t('edited')}),
      c.sticky && h('span', {cls: 'p-tag p-pin', text: t('pinned')})),
    depth > maxDepth() && parent && h('a', {cls: 'p-re', href: '#comment-' + parent.id, text: t('inReplyTo', {name: nameOf(parent)})}),
    text,
    c.status === 'pending' && h('p', {cls: 'p-note', text: t('pending')}),
    actions(c, depth));
};

const actions = (c, depth) => {
  const bar = h('div', {cls: 'p-acts'});
  if (c.status !== 'pending' && data.settings.voting) bar.append(voteBox(c));
  if (!locked() && c.status !== 'pending' && canWrite()) {
    bar.append(h('button', {type: 'button', cls: 'p-btn p-link', text: t('reply'), onclick: (e) => openReply(c, depth, e.currentTarget)}));
  }
  const own = ownToken(c.id);
  if (own) {
    bar.append(h('button', {type: 'button', cls: 'p-btn p-link', text: t('edit'), onclick: () => openEdit(c, depth)}));
    let armed = 0;
    const del = h('button', {type: 'button', cls: 'p-btn p-link p-danger', text: t('delete'), onclick: () => {
      if (!armed) {
        del.textContent = t('confirmDelete');
        armed = setTimeout(() => { armed = 0; del.textContent = t('delete'); }, 5e3);
        return;
      }
      clearTimeout(armed);
      remove(c);
    }});
    bar.append(del);
  }
  return bar;
};

// place inserts a comment's element and, recursively, its replies. Replies nest visually up to
// maxDepth; deeper ones continue in the same list and show an "in reply to" link instead.
const place = (ol, id, depth, before) => {
  const c = comments.get(id);
  const li = commentEl(c, depth);
  ol.insertBefore(li, before || null);
  const sub = depth < maxDepth() ? h('ol', {cls: 'p-list p-kids'}) : ol;
  for (const k of kids.get(id) || []) place(sub, k, depth + 1, sub === ol ? before : null);
  if (sub !== ol && sub.firstChild) li.append(sub);
  const m = moreReps[id];
  if (m) li.append(h('button', {type: 'button', cls: 'p-btn p-link', text: t('moreReplies', {n: m.count}), onclick: (e) => moreReplies(id, li, e.currentTarget)}));
  return li;
};

// moreReplies fetches the next replies of root id (the thread holds only the first ones) and
// renders the root again with them.
const moreReplies = async (id, li, btn) => {
  btn.disabled = true;
  try {
    const d = await api('GET', 'thread/replies?' + new URLSearchParams({site: cfg.site, path: cfg.page, root: id, cursor: moreReps[id].cursor}));
    const fresh = (d.comments || []).filter((c) => !comments.has(c.id));
    Object.assign(myVotes, d.myVotes);
    index(fresh);
    if (d.more) moreReps[id] = d.more; else delete moreReps[id];
    const again = place(li.parentNode, id, 1, li);
    li.remove();
    (fresh[0] ? document.getElementById('comment-' + fresh[0].id) : again).focus();
  } catch (e) {
    say(e.message || t('errGeneric'));
    btn.disabled = false;
  }
};

const renderList = () => {
  const ol = h('ol', {cls: 'p-list'});
  for (const id of kids.get(0) || []) place(ol, id, 1);
  list.replaceChildren(ol.firstChild ? ol : h('p', {cls: 'p-empty', text: t('empty')}));
  moreBtn.hidden = !data.nextCursor;
};

const render = () => {
  const sel = h('select', {id: uid(), onchange: (e) => { sort = e.target.value; reload(true); }},
    ...['oldest', 'newest', 'top'].map((s) => h('option', {value: s, selected: s === sort, text: t(s)})));
  countEl = h('h2', {cls: 'p-count', text: t('comments', {n: data.page.commentCount || 0})});
  list = h('div', {cls: 'p-thread'});
  moreBtn = h('button', {type: 'button', cls: 'p-btn p-more', text: t('loadMore'), onclick: more});
  // replaceChildren would show a null or false as text: the login bar and the form may be absent.
  main.replaceChildren(...[
    h('div', {cls: 'p-head'}, countEl, h('label', {cls: 'p-sort'}, t('sortBy') + ' ', sel)),
    !locked() && loginBar((data.settings || {}).providers || []),
    locked() ? h('p', {cls: 'p-notice', role: 'note', text: t('locked')}) : canWrite() && editor({}),
    list, moreBtn].filter((c) => c));
  renderList();
  highlight();
  // Live updates (docs/live.md): the module loads only when the server streams the page's changes.
  if (data.settings.live) import(BASE + '/live.js').then((m) => m.default(cfg, reload));
};

const status = (msg, retry) => {
  main.replaceChildren(h('p', {cls: 'p-notice', role: 'alert', text: msg}),
    retry && h('button', {type: 'button', cls: 'p-btn', text: t('retry'), onclick: retry}));
};

// ---------- provider login (a popup on the Parley origin; see docs/authentication-providers.md) ----------

// loginBar offers the site's providers, or shows who is logged in with a way out.
const loginBar = (providers) => {
  const s = me();
  if (s) {
    const n = data.me?.name ?? s.n; // the account page may have renamed it
    return h('div', {cls: 'p-row p-login'}, avatar(n), h('span', {dir: 'auto', text: t('loggedIn', {name: n})}),
      h('button', {type: 'button', cls: 'p-btn p-link', text: t('account'), onclick: account}),
      h('button', {type: 'button', cls: 'p-btn p-link', text: t('logout'), onclick: logout}));
  }
  if (!providers.length) return null;
  const id = uid();
  const rem = h('input', {type: 'checkbox', id});
  return h('div', {cls: 'p-row p-login'}, ...providers.map((p) => h('button', {type: 'button', cls: 'p-btn', text: t('loginWith', {name: p.name == 'local' ? t('email') : p.label}), onclick: () => login(p.name, rem.checked)})),
    h('span', {cls: 'p-check'}, rem, h('label', {for: id, text: t('rememberMe')})));
};

// popup opens a page of the Parley origin and calls on with the messages that page, and only
// it, posts from the Parley origin.
const popup = (path, on) => {
  const w = open(BASE + path, 'parley-login', 'popup,width=520,height=680');
  if (!w) return say(t('errPopup'));
  addEventListener('message', (e) => e.origin === ORIGIN && e.source === w && e.data && on(e.data, w));
};

// login opens the provider's login (local accounts: "local") in a popup and takes the session
// token it posts back.
const login = (name, remember) => {
  const q = new URLSearchParams({site: cfg.site, origin: location.origin, remember: remember ? 1 : 0});
  popup('/api/v1/auth/' + encodeURIComponent(name) + '/start?' + q, (d) => {
    if (d.type !== 'parley:login') return;
    if (d.error) return say(why({code: d.error, message: t('errLogin')}));
    store('localStorage', KEY_SESSION, {t: d.token, e: d.expiresAt, n: d.user.name});
    reload();
  });
};

// account opens the account page and, when it asks, hands it the session token: only to that
// window, and only while it shows the Parley origin (see docs/authentication.md).
const account = () => popup('/account?' + new URLSearchParams({origin: location.origin}), (d, w) => {
  const s = me();
  if (s && d.type === 'parley-account-ready') w.postMessage({type: 'parley-account-token', token: s.t}, ORIGIN);
});

const logout = async () => {
  await api('POST', 'auth/logout').catch(() => {});
  store('localStorage', KEY_SESSION, null);
  reload();
};

// ---------- loading ----------

const english = () => /^en\b/i.test(cfg.lang);
const fetchThread = (cursor) => {
  const q = new URLSearchParams({site: cfg.site, path: cfg.page, sort});
  if (cursor) q.set('cursor', cursor);
  if (!english()) q.set('lang', cfg.lang);
  return api('GET', 'thread?' + q);
};

// useI18n switches the widget to the translation the server sent (i: {lang, messages}), or to
// English when there is none.
const useI18n = (i) => {
  setLang(cfg.lang, i && i.lang, i && i.messages);
  root.lang = i && i.messages ? i.lang : 'en';
  root.dir = RTL.test(root.lang) ? 'rtl' : 'ltr';
  root.setAttribute('aria-label', t('region'));
};

// reload fetches the first page of the thread; listOnly (a sort change) keeps the header and
// the editor with whatever the visitor has typed.
const reload = async (listOnly) => {
  const my = ++gen;
  main.setAttribute('aria-busy', 'true');
  try {
    const d = await fetchThread();
    if (my !== gen) return;
    data = d;
    if (me() && d.me === null) store('localStorage', KEY_SESSION, null); // the session ended on the server
    d.page = d.page || {};
    comments = new Map();
    kids = new Map([[0, []]]);
    myVotes = d.myVotes || {};
    moreReps = d.moreReplies || {};
    index(d.comments || []);
    if (d.sort) sort = d.sort;
    if (listOnly === true) {
      countEl.textContent = t('comments', {n: d.page.commentCount || 0});
      return renderList();
    }
    useI18n(d.i18n);
    render();
  } catch (e) {
    // The translation travels with the thread; without one, ask for it to explain the failure.
    const i = !english() && await api('GET', 'messages?' + new URLSearchParams({lang: cfg.lang})).catch(() => ({}));
    if (my !== gen) return;
    useI18n(i && i.i18n);
    status(t('loadError') + ' ' + why(e), reload);
  } finally {
    if (my === gen) main.removeAttribute('aria-busy');
  }
};

const more = async () => {
  moreBtn.disabled = true;
  try {
    const d = await fetchThread(data.nextCursor);
    const fresh = (d.comments || []).filter((c) => !comments.has(c.id));
    Object.assign(myVotes, d.myVotes);
    Object.assign(moreReps, d.moreReplies);
    const rootsBefore = (kids.get(0) || []).length;
    index(fresh);
    data.nextCursor = d.nextCursor;
    const ol = list.querySelector('.p-list');
    const added = (kids.get(0) || []).slice(rootsBefore);
    for (const id of added) place(ol, id, 1);
    moreBtn.hidden = !d.nextCursor;
    if (added.length) document.getElementById('comment-' + added[0]).focus();
  } catch (e) {
    say(why(e));
  } finally {
    moreBtn.disabled = false;
  }
};

// load (re)renders the thread; single-page apps call it after client-side navigation.
const load = (opts = {}) => {
  cfg.page = opts.page || DS.page || location.pathname;
  cfg.title = opts.title || (opts.page ? '' : DS.title) || document.title;
  cfg.lang = opts.lang || DS.lang || document.documentElement.lang || 'en';
  if (opts.theme) cfg.theme = opts.theme;
  if (opts.target) cfg.target = opts.target;
  const target = document.getElementById(cfg.target);
  counts();
  if (!target) return;
  injectCSS();
  live = h('div', {cls: 'p-sr', role: 'status', 'aria-live': 'polite'});
  main = h('div', {'aria-busy': 'true'}, h('p', {cls: 'p-notice', text: t('loading')}));
  root = h('section', {cls: 'parley'}, main, live);
  applyTheme();
  target.replaceChildren(root);
  sort = ''; // the site's default sort; the thread says which it is
  reload();
};

// ---------- editor ----------

const field = (label, attrs, hint) => {
  const id = uid();
  const err = h('p', {cls: 'p-err', id: id + 'e', hidden: true});
  const input = h('input', {id, 'aria-describedby': id + 'e', ...attrs});
  return {input, err, el: h('div', {cls: 'p-field'}, h('label', {for: id}, label, hint && h('small', {text: ' (' + hint + ')'})), input, err)};
};

// editor returns a form for a new comment ({}), a reply ({parent, depth}) or an edit ({edit}).
const editor = ({parent, depth, edit, onClose}) => {
  const s = data.settings || {};
  const max = s.maxLength || 1e4;
  const id = uid();
  const saved = store('localStorage', KEY_AUTHOR);
  const who = saved || author;
  const err = h('p', {cls: 'p-err', id: id + 'e', hidden: true});
  const counter = h('span', {cls: 'p-counter', id: id + 'c'});
  const label = parent ? t('replyTo', {name: nameOf(parent)}) : t('yourComment');
  const ta = h('textarea', {id, name: 'text', rows: parent || edit ? 3 : 4, placeholder: label + '…', dir: 'auto', 'aria-describedby': id + 'c ' + id + 'e', required: true});
  ta.value = edit ? edit.text : '';
  const pv = h('div', {cls: 'p-preview p-text', hidden: true, tabindex: '0', 'aria-live': 'polite'});
  const fields = {text: {input: ta, err}};
  const guest = !edit && !me() && h('div', {cls: 'p-guest'});
  let remember;
  if (guest) {
    fields['author.name'] = field(t('name'), {name: 'name', autocomplete: 'name', maxlength: 100, required: !s.allowAnonymous}, s.allowAnonymous && t('optional'));
    fields['author.email'] = field(t('email'), {name: 'email', type: 'email', dir: 'ltr', autocomplete: 'email', required: !!s.requireEmail}, t(s.requireEmail ? 'emailHint' : 'emailOptional'));
    fields['author.website'] = field(t('website'), {name: 'website', type: 'url', dir: 'ltr', autocomplete: 'url', placeholder: 'https://'}, t('optional'));
    fields['author.name'].input.value = who.name || '';
    fields['author.email'].input.value = who.email || '';
    fields['author.website'].input.value = who.website || '';
    remember = h('input', {type: 'checkbox', id: id + 'r', checked: !!saved, onchange: () => {
      if (!remember.checked) store('localStorage', KEY_AUTHOR, null);
    }});
    guest.append(fields['author.name'].el, fields['author.email'].el, fields['author.website'].el,
      h('div', {cls: 'p-check'}, remember, h('label', {for: id + 'r', text: t('remember')})));
  }
  const count = () => {
    const n = chars(ta.value);
    counter.textContent = n.toLocaleString(LOC) + ' / ' + max.toLocaleString(LOC);
    counter.classList.toggle('p-over', n > max);
  };
  ta.addEventListener('input', count);
  count();
  const pvBtn = h('button', {type: 'button', cls: 'p-btn p-link', 'aria-pressed': 'false', text: t('preview'), onclick: async () => {
    const on = pv.hidden;
    pvBtn.setAttribute('aria-pressed', String(on));
    pvBtn.textContent = t(on ? 'write' : 'preview');
    pv.hidden = !on;
    ta.hidden = on;
    if (!on) return ta.focus();
    pv.textContent = '';
    if (!ta.value.trim()) return (pv.textContent = t('nothingToPreview'));
    try {
      pv.innerHTML = (await api('POST', 'preview', {site: cfg.site, text: ta.value})).html; // sanitized by the server
    } catch (e) {
      pv.textContent = why(e);
    }
  }});
  const submitBtn = h('button', {type: 'submit', cls: 'p-btn p-primary', text: t(edit ? 'save' : 'post')});
  // The honeypot: never shown, so people, screen readers and autofill leave it empty; scripts that
  // fill every field do not (docs/moderation.md).
  const hp = h('input', {name: 'url', hidden: true}), born = Date.now();
  const nt = !edit && h('input', {type: 'checkbox', id: id + 'n'});
  const f = h('form', {cls: parent || edit ? 'p-form' : 'p-form p-main-form', novalidate: true, 'aria-label': label},
    h('label', {for: id, cls: 'p-sr', text: label}),
    ta, pv, err, hp,
    h('div', {cls: 'p-row'}, counter, h('details', {cls: 'p-md'}, h('summary', {text: t('markdown')}), mdHelp())),
    guest,
    nt && h('div', {cls: 'p-check'}, nt, h('label', {for: id + 'n', text: t('notify')})),
    h('div', {cls: 'p-row p-end'},
      h('small', {cls: 'p-hint', text: /Mac|iP/.test(navigator.platform) ? t('shortcut').replace('Ctrl', '⌘') : t('shortcut')}),
      onClose && h('button', {type: 'button', cls: 'p-btn', text: t('cancel'), onclick: onClose}),
      pvBtn, submitBtn));
  // Images (docs/uploads.md): the module comes from Parley, only where the site takes uploads.
  if (s.uploads) import(BASE + '/upload.js').then(() => parleyUpload(f, cfg.site, t));
  let busy = false;
  const showErr = (e) => {
    const fld = fields[e.field] || fields.text;
    fld.err.textContent = why(e);
    fld.err.hidden = false;
    fld.input.setAttribute('aria-invalid', 'true');
    if (fld.input.hidden) pvBtn.click();
    fld.input.focus();
    say(fld.err.textContent);
  };
  const send = async () => {
    if (busy) return;
    for (const k in fields) {
      fields[k].err.hidden = true;
      fields[k].input.removeAttribute('aria-invalid');
    }
    const text = ta.value;
    const val = (k) => fields[k].input.value.trim();
    if (!text.trim()) return showErr({field: 'text', message: t('errText')});
    if (chars(text) > max) return showErr({field: 'text', message: t('errLength', {max})});
    if (guest && !s.allowAnonymous && !val('author.name')) return showErr({field: 'author.name', message: t('errName')});
    if (guest && s.requireEmail && !val('author.email')) return showErr({field: 'author.email', message: t('errEmail')});
    if (edit && !ownToken(edit.id)) return showErr({field: 'text', message: t('errWindow')});
    busy = true;
    submitBtn.disabled = true;
    submitBtn.textContent = t('sending');
    try {
      if (edit) {
        await saveEdit(edit, text);
        onClose();
        return;
      }
      const a = {};
      if (guest) for (const k of ['name', 'email', 'website']) if (val('author.' + k)) a[k] = val('author.' + k);
      const body = {site: cfg.site, path: cfg.page, title: cfg.title, text, author: a, honeypot: hp.value, elapsed: Date.now() - born};
      if (parent) body.parentId = parent.id;
      if (nt.checked) body.notifyReplies = true;
      // A site that asks guests for a proof of work, or whose spam burst raised it, answers
      // captcha_required: solve and send again, once.
      const r = await api('POST', 'comments', body).catch(async (e) => {
        if (!/^captcha/.test(e.code)) throw e;
        body.altcha = await pow();
        return api('POST', 'comments', body);
      });
      author = a;
      if (remember && remember.checked) store('localStorage', KEY_AUTHOR, a);
      else if (saved && guest) store('localStorage', KEY_AUTHOR, null);
      ta.value = '';
      count();
      if (pv.hidden === false) pvBtn.click();
      added(r, parent, depth);
      if (onClose) onClose(true);
    } catch (e) {
      showErr(e);
    } finally {
      busy = false;
      submitBtn.disabled = false;
      submitBtn.textContent = t(edit ? 'save' : 'post');
    }
  };
  f.addEventListener('submit', (e) => { e.preventDefault(); send(); });
  f.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    if (e.key === 'Escape' && onClose) onClose();
  });
  return f;
};

// pow imports the proof-of-work solver from Parley when the server asks a guest's comment for one
// (readers never load it), and solves a challenge of the site: the comment's altcha value.
const pow = async () => (await import(BASE + '/captcha.js'), parleyPow(BASE, cfg.site));

const mdHelp = () => h('ul', {cls: 'p-mdhelp'},
  ...[['**', 'mdBold', '**'], ['_', 'mdItalic', '_'], ['[', 'mdLink', '](https://…)'], ['\x60', 'mdCode', '\x60'], ['> ', 'mdQuote', ''], ['- ', 'mdList', '']]
    .map(([a, k, b]) => h('li', {}, h('code', {dir: 'ltr', text: a + t(k) + b}))));

// added puts a freshly posted comment into the thread and announces the result.
const added = (r, parent, depth) => {
  const c = r.comment;
  saveToken(c.id, {t: r.editToken || '', u: r.editableUntil}); // an account's comment: its session edits
  comments.set(c.id, c);
  kids.set(c.id, []);
  let li;
  if (parent) {
    const pli = document.getElementById('comment-' + parent.id);
    const d = depth + 1;
    li = commentEl(c, d);
    if (d <= maxDepth()) {
      let sub = pli.querySelector(':scope > .p-kids');
      if (!sub) pli.append(sub = h('ol', {cls: 'p-list p-kids'}));
      sub.append(li);
    } else {
      pli.parentNode.append(li);
    }
    kids.get(parent.id).push(c.id);
  } else {
    let ol = list.querySelector('.p-list');
    if (!ol) list.replaceChildren(ol = h('ol', {cls: 'p-list'}));
    li = commentEl(c, 1);
    const firstPlain = sort === 'newest' && ol.querySelector(':scope > .p-c:not(.p-sticky)');
    ol.insertBefore(li, firstPlain || null);
    kids.get(0).push(c.id);
  }
  if (c.status !== 'pending') setCount(1);
  li.scrollIntoView({block: 'nearest'});
  say(t(c.status === 'pending' ? 'pending' : 'posted'));
};

const openReply = (c, depth, btn) => {
  const li = document.getElementById('comment-' + c.id);
  const open = li.querySelector(':scope > .p-form');
  if (open) return open.querySelector('textarea').focus();
  const close = () => { f.remove(); btn.focus(); };
  const f = editor({parent: c, depth, onClose: close});
  li.querySelector(':scope > .p-body').after(f);
  f.querySelector('textarea').focus();
};

// openEdit swaps a comment for the editor. The thread carries no source text, so unless this
// page view posted or edited the comment, its author's text is fetched with the edit token.
const openEdit = async (c, depth) => {
  const own = ownToken(c.id);
  if (!own) return say(t('errWindow'));
  try {
    c.text ??= (await api('GET', 'comments/' + c.id, null, own.t)).comment.text;
  } catch (e) {
    return say(why(e));
  }
  const li = document.getElementById('comment-' + c.id);
  const body = li.querySelector(':scope > .p-body');
  if (!body) return; // already open
  const f = editor({edit: {id: c.id, text: c.text}, onClose: () => {
    f.replaceWith(bodyEl(comments.get(c.id), depth));
    li.querySelector(':scope > .p-body .p-acts button:not(.p-vote)').focus();
  }});
  body.replaceWith(f);
  f.querySelector('textarea').focus();
};

const saveEdit = async (e, text) => {
  const own = ownToken(e.id);
  const r = await api('PATCH', 'comments/' + e.id, {text}, own.t);
  Object.assign(comments.get(e.id), r.comment); // r.comment.text is the new source
  say(t('updated'));
};

const remove = async (c) => {
  const own = ownToken(c.id);
  if (!own) return say(t('errWindow'));
  try {
    await api('DELETE', 'comments/' + c.id, null, own.t);
  } catch (e) {
    return say(why(e));
  }
  saveToken(c.id, null);
  const li = document.getElementById('comment-' + c.id);
  if ((kids.get(c.id) || []).length) {
    c.deleted = true;
    li.querySelector(':scope > .p-body').replaceWith(bodyEl(c, +li.dataset.depth));
  } else {
    (li.previousElementSibling || li.nextElementSibling || countEl).focus?.();
    li.remove();
  }
  if (c.status !== 'pending') setCount(-1);
  say(t('removed'));
};

// ---------- permalinks ----------

const highlight = () => {
  const m = /^#comment-(\d+)$/.exec(location.hash);
  const el = m && document.getElementById('comment-' + m[1]);
  if (!el || !root || !root.contains(el)) return;
  for (const o of root.querySelectorAll('.p-hl')) o.classList.remove('p-hl');
  el.classList.add('p-hl');
  el.scrollIntoView({block: 'center'});
  el.focus({preventScroll: true});
};
addEventListener('hashchange', highlight);

// ---------- count widget ----------

// counts fills every [data-parley-count="/path"] with that page's count, 100 paths per request.
const counts = () => {
  const els = [...document.querySelectorAll('[data-parley-count]')];
  const paths = [...new Set(els.map((e) => e.dataset.parleyCount || cfg.page))];
  for (let i = 0; i < paths.length; i += 100) {
    const q = new URLSearchParams({site: cfg.site});
    for (const p of paths.slice(i, i + 100)) q.append('path', p);
    api('GET', 'counts?' + q).then((r) => {
      for (const e of els) {
        const n = r.counts[e.dataset.parleyCount || cfg.page];
        if (n != null) e.textContent = n;
      }
    }, () => {});
  }
};

window.parley = {load, counts};
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => load());
else load();
})();
