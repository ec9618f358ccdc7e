// Parley live updates: the widget (parley.js) imports this module from the Parley origin after
// it rendered a thread whose settings say "live", and calls its default export with its config
// and its reload. See docs/live.md.
//
// It keeps the widget's privacy rules: it talks only to the Parley origin it came from, without
// credentials (EventSource never sends cookies cross-origin unless asked), stores nothing (it
// reads which comments are the reader's own from the widget's edit tokens), and inserts no
// markup: text goes through textContent.
//
// It never moves what the reader is reading: news waits behind a polite "N new comments"
// button until the reader asks for it (the widget's reload then shows the thread's first page).

const BASE = new URL('.', import.meta.url).href.replace(/\/$/, '');
// Stop trying more often than this; the first retry waits about FIRST.
const FIRST = 1000, LAST = 60000;
// Events are read a moment late: the widget shows the reader's own new comment when its POST
// answers, which may come just after the stream told of it.
const SETTLE = 400;

const MSG = {
  en: {n: {one: '{n} new comment', other: '{n} new comments'}, changed: 'Comments were updated: show'},
  ar: {n: {zero: 'لا تعليقات جديدة', one: 'تعليق جديد', two: 'تعليقان جديدان', few: '{n} تعليقات جديدة', many: '{n} تعليقًا جديدًا', other: '{n} تعليق جديد'}, changed: 'تم تحديث التعليقات: عرض'},
  de: {n: {one: '{n} neuer Kommentar', other: '{n} neue Kommentare'}, changed: 'Kommentare wurden aktualisiert: anzeigen'},
  es: {n: {one: '{n} comentario nuevo', other: '{n} comentarios nuevos'}, changed: 'Hay cambios en los comentarios: mostrar'},
  fr: {n: {one: '{n} nouveau commentaire', other: '{n} nouveaux commentaires'}, changed: 'Les commentaires ont changé : afficher'},
  ja: {n: {other: '新しいコメント {n} 件'}, changed: 'コメントが更新されました：表示'},
  nl: {n: {one: '{n} nieuwe reactie', other: '{n} nieuwe reacties'}, changed: 'Reacties zijn bijgewerkt: tonen'},
  pt: {n: {one: '{n} comentário novo', other: '{n} comentários novos'}, changed: 'Os comentários mudaram: mostrar'},
  ru: {n: {one: '{n} новый комментарий', few: '{n} новых комментария', many: '{n} новых комментариев', other: '{n} нового комментария'}, changed: 'Комментарии обновились: показать'},
  zh: {n: {other: '{n} 条新评论'}, changed: '评论已更新：显示'},
};

// s is the thread being followed: {key, cfg, reload, main, es, timer, delay, queue, fresh, changed, bar}.
let s = null;

// The default export follows the thread the widget shows in the element cfg.target. Called
// again for the same thread (the widget re-rendered it, which shows everything new), it only
// forgets the news; for another thread it stops following the old one.
export default (cfg, reload) => {
  const main = document.getElementById(cfg.target)?.firstElementChild?.firstElementChild;
  if (!main) return;
  const key = cfg.site + '\n' + cfg.page;
  if (s && s.key === key && s.main === main) return forget();
  stop();
  s = {key, cfg, reload, main, delay: FIRST, queue: [], fresh: new Set(), changed: false, bar: null};
  region();
  if (!document.hidden) connect();
};

const connect = () => {
  if (!s || s.es) return;
  if (!s.main.isConnected) return stop(); // the widget was removed or reloaded elsewhere
  const q = new URLSearchParams({site: s.cfg.site, path: s.cfg.page});
  const es = s.es = new EventSource(BASE + '/api/v1/stream?' + q);
  es.onopen = () => { if (s && s.es === es) s.delay = FIRST; };
  es.onmessage = (e) => {
    if (!s || s.es !== es) return;
    try { s.queue.push(JSON.parse(e.data)); } catch (err) { return; }
    clearTimeout(s.timer);
    s.timer = setTimeout(settle, SETTLE);
  };
  // EventSource retries by itself at a fixed pace and gives up on an error status (503 busy);
  // the widget backs off instead: doubling waits with jitter, up to LAST.
  es.onerror = () => {
    if (!s || s.es !== es) return;
    disconnect();
    s.retry = setTimeout(connect, s.delay * (0.5 + Math.random()));
    s.delay = Math.min(s.delay * 2, LAST);
  };
};

const disconnect = () => {
  if (s.es) s.es.close();
  s.es = null;
  clearTimeout(s.retry);
};

const stop = () => {
  if (!s) return;
  disconnect();
  clearTimeout(s.timer);
  if (s.bar) s.bar.remove();
  s = null;
};

// A hidden tab keeps no stream open; it follows the thread again when shown.
document.addEventListener('visibilitychange', () => {
  if (!s) return;
  if (document.hidden) disconnect();
  else { s.delay = FIRST; connect(); }
});

const shown = (id) => s.main.querySelector('#comment-' + id);

// own says whether comment id is the reader's own: the widget keeps its edit token (the key of
// its entry is the comment id). Read only, never written here.
const own = (id) => {
  try { return id in (JSON.parse(sessionStorage.getItem('parley.edit')) || {}); } catch (e) { return false; }
};

// news says whether an event about comment id tells the reader something they do not see: a
// comment they do not show yet, or a change to one they show that they did not make themselves
// (their own edit is shown already; their own deletion shows as removed or as "deleted").
const news = (kind, id) => {
  const el = shown(id);
  if (kind === 'created' || kind === 'approved') return !el;
  if (kind === 'edited') return !!el && !own(id);
  if (kind === 'deleted') return !!el && !el.querySelector(':scope > .p-body .p-gone');
  return !!el;
};

// settle reads the queued events: comments the reader does not see yet are counted, changes to
// comments they see make the thread "updated", the rest is nobody's business.
const settle = () => {
  if (!s) return;
  if (!s.main.isConnected) return stop();
  for (const ev of s.queue.splice(0)) {
    const ids = ev.ids || [];
    if (!ids.length) s.changed = true;
    for (const id of ids) {
      if (ev.kind === 'deleted') s.fresh.delete(id);
      if (!news(ev.kind, id)) continue;
      if (ev.kind === 'created' || ev.kind === 'approved') s.fresh.add(id);
      else s.changed = true;
    }
  }
  show();
};

const forget = () => {
  s.fresh.clear();
  s.changed = false;
  s.queue.length = 0;
  show();
};

// text is the button's words in the widget's language (the lang it set on its section).
const text = () => {
  const lang = s.main.closest('[lang]')?.lang || 'en';
  const m = MSG[lang.split('-')[0].toLowerCase()] || MSG.en;
  const n = s.fresh.size;
  if (!n) return m.changed;
  const f = m.n[new Intl.PluralRules(lang).select(n)] ?? m.n.other;
  return f.replace('{n}', n.toLocaleString(lang));
};

// region is the polite live region (aria-live) the news goes into, between the count and the sort in the
// thread's header, made when the thread is first followed (a live region must exist before what
// it announces) and again after the widget re-rendered the header. It takes the header's free
// space and no height, and centres its button on the header's line: news never moves the thread
// nor the sort.
const region = () => {
  if (s.bar && s.bar.isConnected) return s.bar;
  const count = s.main.querySelector('.p-head > .p-count');
  if (!count) return null;
  const r = s.bar = document.createElement('span');
  r.setAttribute('aria-live', 'polite'); // not role=status: the widget's own status region is that
  r.className = 'p-live';
  Object.assign(r.style, {flex: '1', height: '0', display: 'flex', alignItems: 'center', justifyContent: 'center'});
  count.after(r);
  return r;
};

// show puts the news in a button in the live region, or takes it away.
const show = () => {
  const r = region();
  if (!r) return;
  if (!s.fresh.size && !s.changed) return r.replaceChildren();
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'p-btn';
  btn.textContent = text();
  btn.onclick = () => {
    forget();
    s.reload(true); // the list and the count; the editor keeps what the reader typed
  };
  r.replaceChildren(btn);
};
