// Parley's image upload for the comment form (docs/uploads.md). The widget imports this module
// from the Parley origin only when the thread says the site takes uploads (settings.uploads), so
// readers of other sites never load it. It defines window.parleyUpload, which gives a comment form
// an "Add image" button and takes pictures pasted into or dropped on its text box. Each picture is
// sent to Parley only (POST /api/v1/uploads, no cookies), which re-encodes it without metadata;
// the answer's markdown goes into the text at the cursor.

// MAX mirrors media.MaxUploadBytes: a larger file is refused here without being sent.
const MAX = 5 << 20;
const TYPES = 'image/png,image/jpeg,image/gif,image/webp';

// EN are the English words of this module; a translation the server sent under the same keys wins.
const EN = {imageAdd: 'Add image', imageUploading: 'Uploading image…', imageAdded: 'Image added.',
  imageTooLarge: 'This image is larger than 5 MiB.', imageFailed: 'The image could not be added.'};

// BASE is Parley's address: where this module was loaded from.
const BASE = new URL('.', import.meta.url).href.replace(/\/$/, '');

// session is the signed-in reader's token, read where the widget keeps it (KEY_SESSION of
// parley.js; a test checks that both name the same key), or "" when none is valid.
const session = () => {
  try {
    const s = JSON.parse(localStorage.getItem('parley.session'));
    return s && Date.parse(s.e) > Date.now() ? s.t : '';
  } catch (e) { return ''; }
};

// parleyUpload wires the upload to a comment form. site is the site's host, t the widget's
// translator.
window.parleyUpload = (form, site, t) => {
  const ta = form.querySelector('textarea');
  const word = (k) => {
    try { return t(k); } catch (e) { return EN[k]; }
  };
  const status = document.createElement('span');
  status.className = 'p-hint';
  status.setAttribute('role', 'status');
  const input = document.createElement('input');
  Object.assign(input, {type: 'file', accept: TYPES, hidden: true});
  const btn = document.createElement('button');
  Object.assign(btn, {type: 'button', className: 'p-btn p-link', textContent: word('imageAdd')});
  btn.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    if (input.files[0]) send(input.files[0]);
    input.value = '';
  });

  // insert puts text at the cursor and tells the widget the text changed (its counter).
  const insert = (text) => {
    const at = ta.selectionStart ?? ta.value.length;
    const before = ta.value.slice(0, at), after = ta.value.slice(ta.selectionEnd ?? at);
    const pad = before && !/\s$/.test(before) ? ' ' : '';
    ta.value = before + pad + text + after;
    ta.selectionStart = ta.selectionEnd = (before + pad + text).length;
    ta.dispatchEvent(new Event('input'));
    ta.focus();
  };

  const send = async (file) => {
    if (file.size > MAX) return (status.textContent = word('imageTooLarge'));
    btn.disabled = true;
    status.textContent = word('imageUploading');
    const headers = {}, s = session();
    if (s) headers.Authorization = 'Bearer ' + s;
    try {
      const r = await fetch(BASE + '/api/v1/uploads?site=' + encodeURIComponent(site), {method: 'POST', headers, body: file, credentials: 'omit'});
      const j = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(j.error?.message || word('imageFailed'));
      // The alt text starts as the file's name: the writer sees it in the text and may change it.
      const alt = file.name ? file.name.replace(/\.[a-z0-9]+$/i, '').replace(/[[\]\\]/g, '') : '';
      insert('![' + alt + '](' + j.url + ')');
      status.textContent = word('imageAdded');
    } catch (e) {
      status.textContent = e.message || word('imageFailed');
    } finally {
      btn.disabled = false;
    }
  };

  const image = (items) => [...(items || [])].find((f) => f.type && TYPES.includes(f.type));
  ta.addEventListener('paste', (e) => {
    const f = image(e.clipboardData?.files);
    if (f) { e.preventDefault(); send(f); }
  });
  form.addEventListener('dragover', (e) => {
    if ([...(e.dataTransfer?.items || [])].some((i) => i.kind === 'file')) e.preventDefault();
  });
  form.addEventListener('drop', (e) => {
    const f = image(e.dataTransfer?.files);
    if (f) { e.preventDefault(); send(f); }
  });
  const row = form.querySelector('.p-end') || form;
  row.prepend(btn, input, status);
};
