// The page of permitpack serve: upload a company folder, follow the job, show the report
// cards (from report.json), replace a photo or add a scan, download. Words come from
// /api/info (the message catalog), Chinese first with the English beside it.
'use strict';

const S = {};
let LIM = null;
let job = null;
let es = null;
let report = null;
let status = null;
let filter = 'all';
// Cards opened or closed by hand, by row: kept when the report is drawn again after a rerun.
const opened = new Map();
const STATUSES = ['attention', 'ready', 'not_yet', 'too_late'];
const $ = (id) => document.getElementById(id);

function fill(s, args) {
  return String(s).replace(/\{(\w+)\}/g, (m, k) => (k in args ? String(args[k]) : m));
}

function bi(key, args = {}) {
  const e = S[key] || { zh: key, en: '' };
  const f = document.createDocumentFragment();
  f.append(fill(e.zh, args));
  if (e.en) {
    const en = document.createElement('span');
    en.className = 'en';
    en.textContent = fill(e.en, args);
    f.append(en);
  }
  return f;
}

function pair(zh, en) {
  const f = document.createDocumentFragment();
  f.append(zh || '');
  if (en) {
    const s = document.createElement('span');
    s.className = 'en';
    s.textContent = en;
    f.append(s);
  }
  return f;
}

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

function showError(err) {
  const box = $('error');
  box.replaceChildren();
  if (err && (err.zh || err.en)) {
    box.append(el('p', {}, pair(err.zh, err.en)));
    if (err.action_zh || err.action_en) box.append(el('p', {}, pair(err.action_zh, err.action_en)));
  } else {
    box.append(el('p', {}, String(err)));
  }
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
}

async function init() {
  const info = await (await fetch('/api/info')).json();
  Object.assign(S, info.strings);
  LIM = info.limits;
  for (const e of document.querySelectorAll('[data-k]')) e.replaceChildren(bi(e.dataset.k));
  for (const o of document.querySelectorAll('[data-o]')) {
    const s = S[o.dataset.o];
    o.textContent = s ? `${s.zh} / ${s.en}` : o.dataset.o;
  }
  $('limits').replaceChildren(
    bi('ui.serve.limits', { job: LIM.max_job, file: LIM.max_file, files: LIM.max_files, keep: info.keep }),
  );
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    upload(await droppedFiles(ev.dataTransfer));
  });
  $('folder').addEventListener('change', (ev) => {
    upload([...ev.target.files].map((f) => ({ path: f.webkitRelativePath || f.name, file: f })));
    ev.target.value = '';
  });
  $('files').addEventListener('change', (ev) => {
    upload([...ev.target.files].map((f) => ({ path: f.name, file: f })));
    ev.target.value = '';
  });
  $('delete').addEventListener('click', () => $('confirm').showModal());
  $('confirm').addEventListener('close', () => {
    if ($('confirm').returnValue === 'delete') deleteJob();
  });
  const m = /job=([0-9a-f]{32})/.exec(location.hash);
  if (m) follow(m[1]);
}

// dataTransfer.files does not list a dropped folder's contents: walk the entries.
async function droppedFiles(dt) {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) return [...dt.files].map((f) => ({ path: f.name, file: f }));
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ path: entry.fullPath.replace(/^\/+/, ''), file });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

// The limits, checked before a byte is sent.
function tooBig(items) {
  const total = items.reduce((n, i) => n + i.file.size, 0);
  const big = items.find((i) => i.file.size > LIM.max_file_bytes);
  if (items.length > LIM.max_files) return `${items.length} > ${LIM.max_files}`;
  if (big) return `${big.path} > ${LIM.max_file}`;
  if (total > LIM.max_job_bytes) return `> ${LIM.max_job}`;
  return null;
}

function send(method, url, items, fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const i of items) fd.append('file', i.file, i.path);
  $('progress').hidden = false;
  $('up-row').hidden = false;
  $('up').value = 0;
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) {
        $('up').value = (100 * ev.loaded) / ev.total;
        $('up-n').textContent = `${Math.round((100 * ev.loaded) / ev.total)}%`;
      }
    };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { body = null; }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ status: 0, body: null });
    xhr.send(fd);
  });
}

async function upload(items) {
  if (!items.length) return;
  clearError();
  const over = tooBig(items);
  if (over) return showError({ zh: fill(S['ui.serve.too_big'].zh, { what: over }), en: fill(S['ui.serve.too_big'].en, { what: over }) });
  const fields = { mode: $('mode').value, lang: 'both', as_of: $('as_of').value };
  const r = await send('POST', '/api/jobs', items, fields);
  if (r.status !== 201) return showError(r.body && r.body.error ? r.body.error : `HTTP ${r.status}`);
  $('up').value = 100;
  $('up-n').textContent = '100%';
  follow(r.body.id);
}

async function replaceFor(employee, kind, files) {
  if (!job || !files.length) return;
  const file = files[0];
  const base = rosterBase();
  const pass = employee.passport_no || '';
  let path;
  if (kind === 'photo') {
    const ext = (file.name.match(/\.[^.]+$/) || ['.jpg'])[0].toLowerCase();
    const old = employee.photo_file || '';
    path = `${base}photos/${old && old.toLowerCase().endsWith(ext) ? old : pass + ext}`;
  } else {
    path = `${base}docs/${pass}/${file.name}`;
  }
  clearError();
  const r = await send('PUT', `/api/jobs/${job}/files`, [{ path, file }], {});
  if (r.status !== 202) showError(r.body && r.body.error ? r.body.error : `HTTP ${r.status}`);
}

function setState(state) {
  $('state').replaceChildren(bi(`ui.serve.${state === 'running' ? 'running' : state}`));
}

function follow(id) {
  job = id;
  history.replaceState(null, '', `#job=${id}`);
  $('progress').hidden = false;
  if (es) es.close();
  es = new EventSource(`/api/jobs/${id}/events`);
  es.addEventListener('state', (ev) => {
    const s = JSON.parse(ev.data).state;
    setState(s);
    if (s === 'done') { clearError(); $('up-row').hidden = true; showReport(); }
  });
  es.addEventListener('start', (ev) => {
    const d = JSON.parse(ev.data);
    $('emp').max = Math.max(1, d.total);
    $('emp').value = 0;
    $('emp-n').textContent = `0/${d.total}`;
  });
  es.addEventListener('employee', (ev) => {
    const d = JSON.parse(ev.data);
    $('emp').value = d.done;
    $('emp-n').textContent = `${d.done}/${d.total}`;
  });
  es.addEventListener('error', (ev) => {
    if (ev.data) showError(JSON.parse(ev.data));
  });
}

async function showReport() {
  status = await (await fetch(`/api/jobs/${job}`)).json();
  const r = await fetch(`/api/jobs/${job}/report.json`);
  if (!r.ok) return;
  report = await r.json();
  render();
}

function render() {
  $('result').hidden = false;
  const sum = report.summary;
  const tiles = $('tiles');
  tiles.replaceChildren();
  for (const s of STATUSES) {
    tiles.append(el('button', { type: 'button', class: `tile s-${s}`, onclick: () => setFilter(s) },
      el('span', { class: 'n' }, String(sum[s] || 0)),
      el('span', { class: 'label' }, bi(`ui.status.${s}`))));
  }
  const filters = $('filters');
  filters.replaceChildren();
  for (const f of ['all', ...STATUSES]) {
    filters.append(el('button', { type: 'button', class: f === 'all' ? '' : `s-${f}`, 'data-f': f, 'aria-pressed': String(f === filter), onclick: () => setFilter(f) },
      bi(f === 'all' ? 'ui.serve.filter_all' : `ui.status.${f}`)));
  }
  const dl = $('downloads');
  dl.replaceChildren();
  // The server names the downloads (<company>_<as-of>_packets.zip): download="" keeps its name.
  if (status && status.mode === 'build' && sum.packets > 0) {
    dl.append(el('a', { class: 'btn small', id: 'dl-packets', href: `/api/jobs/${job}/packets.zip`, download: '' }, bi('ui.serve.download_all')));
  }
  dl.append(el('a', { class: 'btn ghost small', id: 'dl-xlsx', href: `/api/jobs/${job}/report.xlsx`, download: '' }, bi('ui.serve.download_xlsx')));
  dl.append(el('a', { class: 'btn ghost small', href: `/api/jobs/${job}/report.html`, target: '_blank', rel: 'noopener' }, bi('ui.serve.open_html')));
  const drop = $('drop');
  drop.classList.add('compact');
  $('drop-title').replaceChildren(bi('ui.serve.drop_again'));
  const note = $('roster-note');
  note.replaceChildren();
  if (status && status.roster) {
    note.append(bi('ui.serve.roster_used', { file: status.roster }));
    const others = (status.roster_candidates || []).filter((c) => c !== status.roster);
    if (others.length) note.append(el('br'), bi('ui.serve.roster_others', { files: others.join(', ') }));
  }
  const ri = $('roster-issues');
  ri.replaceChildren();
  if (report.roster_issues.length) {
    const errors = report.roster_issues.filter((i) => i.severity === 'error').length;
    ri.append(el('details', { class: 'roster-issues', open: errors ? '' : null },
      el('summary', {}, bi('ui.report.roster_issues'), ` (${report.roster_issues.length})`), issueList(report.roster_issues)));
  }
  const cards = $('cards');
  cards.replaceChildren(...report.employees.map(card));
  applyFilter();
}

function issueList(issues) {
  const ul = el('ul', { class: 'issues' });
  for (const i of issues) {
    ul.append(el('li', { class: i.severity },
      el('div', { class: 'line' }, el('span', { class: 'sev' }, bi(`ui.severity.${i.severity}`)),
        i.cell || i.file ? el('span', { class: 'where' }, [i.sheet, i.cell, i.file].filter(Boolean).join(' ')) : null),
      el('p', { class: 'msg' }, pair(i.message_zh, i.message)),
      i.action || i.action_zh ? el('p', { class: 'act' }, pair(i.action_zh, i.action)) : null));
  }
  return ul;
}

// The folder the roster was read from, inside the upload ('' or 'company/').
function rosterBase() {
  return (status && status.roster && status.roster.includes('/')) ? status.roster.replace(/[^/]+$/, '') : '';
}

function thumb(e) {
  const file = e.photo && e.photo.file;
  const cls = e.photo ? (e.photo.ok ? 'thumb ok' : 'thumb bad') : 'thumb none';
  if (!file || !job) return el('span', { class: cls, title: S['ui.serve.no_photo'] ? `${S['ui.serve.no_photo'].zh} / ${S['ui.serve.no_photo'].en}` : '' });
  const path = `${rosterBase()}photos/${file}`.split('/').map(encodeURIComponent).join('/');
  const runs = status && status.runs ? status.runs : 0;
  return el('img', { class: cls, src: `/api/jobs/${job}/thumb/${path}?r=${runs}`, alt: '', width: '36', height: '48', loading: 'lazy', decoding: 'async' });
}

// The card's dates, each with its label: when the window opens (before it does), the last
// day to apply, and both permits' expiry.
function dates(e) {
  const dl = el('dl', { class: 'dates' });
  const add = (key, value, cls) => {
    dl.append(el('div', { class: value ? cls || null : 'empty' }, el('dt', {}, bi(key)), el('dd', {}, value || '—')));
  };
  if (e.window_state === 'not_yet' && e.window_opens) add('ui.col.window_opens', e.window_opens);
  add('ui.col.deadline', e.deadline, e.status === 'too_late' ? 'bad' : 'strong');
  add('ui.col.wp_expiry', e.work_permit_expiry);
  add('ui.col.rp_expiry', e.residence_permit_expiry);
  return dl;
}

function counts(e) {
  const span = el('span', { class: 'counts' });
  if (e.error_count) span.append(el('span', { class: 'count error', title: S['ui.summary.errors'] ? S['ui.summary.errors'].en : '' }, String(e.error_count), ' ', bi('ui.summary.errors')));
  if (e.warning_count) span.append(el('span', { class: 'count warning', title: S['ui.summary.warnings'] ? S['ui.summary.warnings'].en : '' }, String(e.warning_count), ' ', bi('ui.summary.warnings')));
  return span;
}

// Copies text: the Clipboard API where the page is a secure context (http://127.0.0.1 and
// localhost are), else a hidden text area and the copy command. Focus returns to `back`.
async function copyText(text, back) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) { /* not allowed here: the old way below */ }
  }
  const ta = el('textarea', { class: 'clip', readonly: '', 'aria-hidden': 'true', tabindex: '-1' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  ta.setSelectionRange(0, text.length);
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
  ta.remove();
  if (back) back.focus();
  return ok;
}

function copyButton(value, label) {
  const b = el('button', { type: 'button', class: 'copy', 'aria-label': `${S['ui.serve.copy'] ? S['ui.serve.copy'].zh : 'Copy'} ${label}` }, bi('ui.serve.copy'));
  let timer = null;
  b.addEventListener('click', async (ev) => {
    ev.preventDefault();
    const ok = await copyText(value, b);
    b.dataset.copied = ok ? 'yes' : 'no';
    b.replaceChildren(bi(ok ? 'ui.serve.copied' : 'ui.serve.copy_failed'));
    const s = S[ok ? 'ui.serve.copied' : 'ui.serve.copy_failed'];
    $('live').textContent = s ? `${s.zh} ${s.en}` : '';
    clearTimeout(timer);
    timer = setTimeout(() => { b.replaceChildren(bi('ui.serve.copy')); delete b.dataset.copied; }, 1800);
  });
  return b;
}

// The platform form as report.json gives it: the platform's order, its sections, each value
// with a copy button (names already in passport-zone letters).
function formValues(e, open) {
  const fields = e.platform_form || [];
  if (!fields.length) return null;
  const ol = el('ol', { class: 'form-list' });
  let section = null;
  for (const f of fields) {
    if (f.section && f.section !== section) {
      section = f.section;
      ol.append(el('li', { class: 'sec' }, pair(f.section, f.section_en)));
    }
    const value = f.value == null ? '' : String(f.value);
    const note = f.note_zh || f.note ? el('small', { class: 'fnote' }, pair(f.note_zh, f.note)) : null;
    ol.append(el('li', { class: `field ${f.source || ''}`, 'data-field': f.field },
      el('span', { class: 'fl' }, pair(f.label_zh, f.label_en)),
      el('span', { class: value ? 'fv mono' : 'fv empty' }, value || '—'),
      value ? copyButton(value, f.label_zh || f.field) : el('span', { class: 'copy-none' }),
      note));
  }
  return el('details', { class: 'form-values', open: open ? '' : null },
    el('summary', {}, bi('ui.serve.form_values'), el('span', { class: 'n' }, ` (${fields.filter((f) => f.value).length}/${fields.length})`),
      el('span', { class: 'hint' }, bi('ui.serve.form_hint'))),
    ol);
}

function card(e) {
  const missing = (e.checklist || []).filter((c) => c.status === 'missing' && !c.optional);
  const fileInput = (kind, accept) => {
    const id = `f-${kind}-${e.row}`;
    const input = el('input', { type: 'file', id, class: 'vh', accept });
    input.addEventListener('change', () => { replaceFor(e, kind, [...input.files]); input.value = ''; });
    return [input, el('label', { class: 'btn ghost small', for: id }, bi(kind === 'photo' ? 'ui.serve.replace_photo' : 'ui.serve.add_scan'))];
  };
  const packet = e.packet
    ? el('a', { class: 'btn small', href: `/api/jobs/${job}/packets/${encodeURIComponent(e.packet.split('/').pop())}`, download: e.packet.split('/').pop() }, bi('ui.serve.download_packet'))
    : null;
  const issues = e.issues || [];
  const errors = issues.filter((i) => i.severity === 'error');
  const others = issues.filter((i) => i.severity !== 'error');
  let issueBlock;
  if (!issues.length) issueBlock = el('p', { class: 'none' }, bi('ui.html.no_issues'));
  else if (!errors.length) issueBlock = issueList(others);
  else {
    issueBlock = el('div', {}, issueList(errors), others.length
      ? el('details', { class: 'more-issues' }, el('summary', {}, bi('ui.summary.warnings'), ` (${others.length})`), issueList(others))
      : null);
  }
  const ready = e.status === 'ready';
  const open = opened.has(e.row) ? opened.get(e.row) : !ready;
  const c = el('details', { class: `card s-${e.status}`, 'data-status': e.status, 'data-row': String(e.row), open: open ? '' : null },
    el('summary', { class: 'head' },
      thumb(e),
      el('span', { class: 'who' },
        el('span', { class: 'name' }, e.name || '', e.chinese_name ? el('span', { class: 'zh-name' }, e.chinese_name) : null),
        el('span', { class: 'sub mono' }, [e.passport_no, e.category].filter(Boolean).join(' · '))),
      dates(e),
      counts(e),
      el('span', { class: 'badge' }, bi(`ui.status.${e.status}`)),
      el('span', { class: 'chev', 'aria-hidden': 'true' })),
    el('div', { class: 'card-body' },
      missing.length ? el('p', { class: 'missing-list' }, bi('ui.serve.missing'), ': ', missing.map((m) => m.name_zh).join('、')) : null,
      issueBlock,
      formValues(e, ready),
      el('footer', {}, el('div', { class: 'fix' }, ...fileInput('photo', 'image/jpeg,image/png'), ...fileInput('scan', ''),
        el('span', { class: 'hint' }, bi('ui.serve.drop_here'))), packet)));
  c.addEventListener('toggle', () => opened.set(e.row, c.open));
  c.addEventListener('dragover', (ev) => { ev.preventDefault(); c.classList.add('over'); });
  c.addEventListener('dragleave', () => c.classList.remove('over'));
  c.addEventListener('drop', (ev) => {
    ev.preventDefault();
    c.classList.remove('over');
    const files = [...ev.dataTransfer.files];
    const photo = files.length === 1 && /\.(jpe?g|png)$/i.test(files[0].name) && !/pass|护照|scan|扫描/i.test(files[0].name);
    replaceFor(e, photo ? 'photo' : 'scan', files);
  });
  return c;
}

function setFilter(f) {
  filter = f;
  for (const b of document.querySelectorAll('#filters button')) b.setAttribute('aria-pressed', String(b.dataset.f === f));
  applyFilter();
}

function applyFilter() {
  for (const c of document.querySelectorAll('#cards .card')) c.hidden = !(filter === 'all' || c.dataset.status === filter);
}

async function deleteJob() {
  if (!job) return;
  const r = await fetch(`/api/jobs/${job}`, { method: 'DELETE' });
  if (r.status === 204) {
    if (es) es.close();
    job = null;
    history.replaceState(null, '', '#');
    report = null;
    opened.clear();
    $('result').hidden = true;
    $('progress').hidden = true;
    $('drop').classList.remove('compact');
    $('drop-title').replaceChildren(bi('ui.serve.drop'));
    const box = $('error');
    box.replaceChildren(el('p', {}, bi('ui.serve.deleted')));
    box.hidden = false;
  }
}

document.addEventListener('DOMContentLoaded', init);
