// The page of permitpack serve: upload a company folder, follow the job, show the report
// cards (from report.json), add scans or a photo to an employee (each file with the item HR
// picks), choose the roster, reopen a recent job, download. Words come from /api/info (the
// message catalog), Chinese first with the English beside it.
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
// What files added on a card became, by passport number: said on the card after the rerun.
const added = new Map();
// Roster-like files outside photos/ and docs/: their modification times go with an upload,
// so the server ranks them as the command line does ("newest").
const SHEET = /\.(xlsx|xlsm|xls|xlsb|ods|csv|txt)$/i;
const SCAN_TYPES = /\.(pdf|jpe?g|png)$/i;
const PHOTO_TYPES = /\.(jpe?g|png)$/i;
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

// `bi` with the arguments of each language (a document's name differs by language).
function bi2(key, zhArgs, enArgs) {
  const e = S[key] || { zh: key, en: '' };
  return pair(fill(e.zh, zhArgs), e.en ? fill(e.en, enArgs) : '');
}

// A catalog word as plain text (a select option, a title): `中文 / English`.
function plain(key) {
  const e = S[key];
  return e ? (e.en ? `${e.zh} / ${e.en}` : e.zh) : key;
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
    // A job the server was running when it stopped: run it again as it was.
    if (err.code === 'serve.interrupted' && job) {
      box.append(el('p', {}, el('button', { type: 'button', class: 'btn small', id: 'check-again', onclick: () => rerun(null) }, bi('ui.serve.check_again'))));
    }
  } else {
    box.append(el('p', {}, String(err)));
  }
  box.hidden = false;
}

// PUT /api/jobs/{id}: `roster` a candidate, '' the chooser's, null the same one again.
async function rerun(roster) {
  if (!job) return;
  clearError();
  const r = await fetch(`/api/jobs/${job}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(roster === null ? {} : { roster }),
  });
  if (r.status !== 202) {
    let body = null;
    try { body = await r.json(); } catch (_) { body = null; }
    showError(body && body.error ? body.error : `HTTP ${r.status}`);
  }
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
  // A file dropped beside a card or the drop zone must not replace the page.
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => ev.preventDefault());
  $('delete').addEventListener('click', () => $('confirm').showModal());
  $('confirm').addEventListener('close', () => {
    if ($('confirm').returnValue === 'delete') deleteJob();
  });
  const m = /job=([0-9a-f]{32})/.exec(location.hash);
  if (m) follow(m[1]);
  loadJobs();
}

// ---- recent jobs (kept by the server, also over a restart) ---------------------------------

async function loadJobs() {
  let list = [];
  try { list = (await (await fetch('/api/jobs')).json()).jobs || []; } catch (_) { list = []; }
  const box = $('jobs');
  box.hidden = !list.length;
  $('jobs-n').textContent = ` (${list.length})`;
  const ul = $('job-list');
  ul.replaceChildren(...list.map((j) => {
    const when = new Date(j.created * 1000);
    const time = `${when.toLocaleDateString('zh-CN')} ${when.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' })}`;
    const name = j.company || (j.roster ? j.roster.split('/').pop() : j.id.slice(0, 8));
    const counts = el('span', { class: 'job-counts' });
    if (j.counts) {
      counts.append(bi('ui.serve.job_employees', { count: j.counts.employees }));
      for (const st of STATUSES) {
        if (j.counts[st]) counts.append(el('span', { class: `jc s-${st}` }, el('b', {}, String(j.counts[st])), ' ', bi(`ui.status.${st}`)));
      }
    } else {
      counts.append(el('span', { class: `jc state-${j.state}` }, bi(`ui.serve.${j.state === 'running' ? 'running' : j.state}`)));
    }
    return el('li', {},
      el('button', { type: 'button', class: j.id === job ? 'job now' : 'job', 'data-job': j.id, onclick: () => openJob(j.id) },
        el('span', { class: 'job-name' }, name, j.roster ? el('span', { class: 'job-roster' }, j.roster) : null),
        el('span', { class: 'job-time' }, time),
        counts,
        j.id === job ? el('span', { class: 'job-now' }, bi('ui.serve.job_now')) : null));
  }));
  $('jobs-box').open = !job;
}

// Shows another job of the list in place of the current one.
function openJob(id) {
  if (id === job) return;
  report = null;
  status = null;
  opened.clear();
  added.clear();
  clearError();
  $('result').hidden = true;
  follow(id);
  loadJobs();
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
  for (const i of items) {
    if (SHEET.test(i.path) && !/(^|\/)(photos|docs)\//i.test(i.path) && i.file.lastModified) {
      fd.append('modified', `${i.file.lastModified} ${i.path}`);
    }
  }
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

function setState(state) {
  $('state').replaceChildren(bi(`ui.serve.${state === 'running' ? 'running' : state}`));
}

function follow(id) {
  job = id;
  $('up-row').hidden = true;
  history.replaceState(null, '', `#job=${id}`);
  $('progress').hidden = false;
  if (es) es.close();
  es = new EventSource(`/api/jobs/${id}/events`);
  es.addEventListener('state', (ev) => {
    const s = JSON.parse(ev.data).state;
    setState(s);
    if (s === 'done') { clearError(); $('up-row').hidden = true; showReport(); }
    if (s === 'done' || s === 'failed') loadJobs();
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
  const id = job;
  const st = await (await fetch(`/api/jobs/${id}`)).json();
  const r = await fetch(`/api/jobs/${id}/report.json`);
  if (!r.ok || id !== job) return;
  status = st;
  report = await r.json();
  // A job kept over a restart has no progress events: its counts say how far it went.
  $('emp').max = Math.max(1, status.total);
  $('emp').value = status.done;
  $('emp-n').textContent = `${status.done}/${status.total}`;
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
  rosterNote();
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

// Which roster was read and why (the chooser's reason, or the person's choice), and the other
// spreadsheets, one of which can be read instead.
function rosterNote() {
  const note = $('roster-note');
  note.replaceChildren();
  if (!status || !status.roster) return;
  const why = status.roster_reason;
  if (why && (why.zh || why.en)) note.append(el('p', { class: 'why', id: 'roster-why' }, pair(why.zh, why.en)));
  else note.append(el('p', { class: 'why' }, bi('ui.serve.roster_used', { file: status.roster })));
  const others = (status.roster_candidates || []).filter((c) => c !== status.roster);
  if (!others.length) return;
  const select = el('select', { id: 'roster-pick' }, ...others.map((c) => el('option', { value: c }, c)));
  const form = el('form', { class: 'roster-pick' },
    el('label', { for: 'roster-pick' }, bi('ui.serve.roster_choose')),
    select,
    el('button', { type: 'submit', class: 'btn ghost small', id: 'roster-use' }, bi('ui.serve.roster_use')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); rerun(select.value); });
  note.append(form);
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

// The items a file can be added for: the missing ones first, then the others (not those
// permitpack writes itself), then the photo.
function itemChoices(e) {
  const lines = e.checklist || [];
  const missing = lines.filter((c) => c.status === 'missing');
  const others = lines.filter((c) => c.status !== 'missing' && c.kind !== 'generated');
  return { missing, others };
}

function itemSelect(e, preset) {
  const { missing, others } = itemChoices(e);
  const opt = (c) => el('option', { value: c.id }, `${c.name_zh} / ${c.name_en}`);
  const select = el('select', { class: 'item-pick', required: '' },
    el('option', { value: '' }, plain('ui.serve.choose_item')),
    missing.length ? el('optgroup', { label: plain('ui.serve.items_missing') }, ...missing.map(opt)) : null,
    others.length ? el('optgroup', { label: plain('ui.serve.items_other') }, ...others.map(opt)) : null,
    el('option', { value: 'photo' }, plain('ui.serve.item_photo')));
  if (preset) select.value = preset;
  return select;
}

function size(n) {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

// The table of files dropped or chosen on a card, each with the item HR picks for it; saved
// in one request, then the job runs again.
function openAdd(e, c, files, preset) {
  if (!files.length || !job) return;
  c.open = true;
  opened.set(e.row, true);
  const body = c.querySelector('.card-body');
  const old = body.querySelector('.add-panel');
  if (old) old.remove();
  const rows = files.map((f) => ({ file: f, select: itemSelect(e, preset) }));
  const save = el('button', { type: 'button', class: 'btn small add-save', disabled: '' }, bi('ui.serve.save_files'));
  const problem = el('div', { class: 'add-problem', role: 'alert', hidden: '' });
  const check = () => {
    const photos = rows.filter((r) => r.select.value === 'photo').length;
    const typed = rows.every((r) => !r.select.value || (r.select.value === 'photo' ? PHOTO_TYPES : SCAN_TYPES).test(r.file.name));
    save.disabled = !(rows.every((r) => r.select.value) && photos <= 1 && typed);
    for (const r of rows) {
      const bad = r.select.value && !(r.select.value === 'photo' ? PHOTO_TYPES : SCAN_TYPES).test(r.file.name);
      r.select.classList.toggle('bad', !!bad);
    }
  };
  for (const r of rows) r.select.addEventListener('change', check);
  const table = el('table', { class: 'add-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, bi('ui.serve.col_file')), el('th', { scope: 'col' }, bi('ui.serve.col_item')))),
    el('tbody', {}, ...rows.map((r) => el('tr', {},
      el('td', { class: 'fname' }, r.file.name, el('small', {}, size(r.file.size))),
      el('td', {}, r.select)))));
  const panel = el('div', { class: 'add-panel' },
    el('p', { class: 'add-title' }, bi('ui.serve.add_title')),
    table,
    problem,
    el('div', { class: 'add-actions' }, save,
      el('button', { type: 'button', class: 'btn ghost small add-cancel', onclick: () => panel.remove() }, bi('ui.serve.cancel'))));
  save.addEventListener('click', async () => {
    save.disabled = true;
    problem.hidden = true;
    const fd = new FormData();
    for (const r of rows) {
      fd.append('item', r.select.value);
      fd.append('file', r.file, r.file.name);
    }
    const state = el('p', { class: 'add-state' }, bi('ui.serve.saving'));
    panel.append(state);
    let res = null;
    let answer = null;
    try {
      res = await fetch(`/api/jobs/${job}/employees/${encodeURIComponent(e.passport_no)}/files`, { method: 'POST', body: fd });
      answer = await res.json();
    } catch (_) { answer = null; }
    if (res && res.status === 202 && answer) {
      added.set(e.passport_no, answer.added || []);
      return;
    }
    state.remove();
    const err = answer && answer.error ? answer.error : { zh: `HTTP ${res ? res.status : 0}`, en: '' };
    problem.replaceChildren(el('p', {}, pair(err.zh, err.en)), err.action_zh || err.action_en ? el('p', {}, pair(err.action_zh, err.action_en)) : '');
    problem.hidden = false;
    save.disabled = false;
  });
  body.insertBefore(panel, body.querySelector('footer'));
  check();
  rows[0].select.focus();
}

// What the files added on this card became, once the job has run again.
function addedNote(e, missing) {
  const list = added.get(e.passport_no);
  if (!list || !list.length) return null;
  const base = rosterBase();
  const lines = e.checklist || [];
  const p = el('div', { class: 'card-note', role: 'status' });
  for (const a of list) {
    const line = lines.find((l) => l.id === a.item);
    const photo = S['ui.serve.item_photo'] || { zh: 'photo', en: 'photo' };
    const zh = line ? line.name_zh : photo.zh;
    const en = line ? line.name_en : photo.en;
    const file = a.file.startsWith(base) ? a.file.slice(base.length) : a.file;
    const row = el('p', {}, bi2('ui.serve.saved_as', { item: zh, file }, { item: en, file }));
    if (a.replaced && a.replaced.length) {
      const files = a.replaced.map((r) => (r.startsWith(base) ? r.slice(base.length) : r)).join(', ');
      row.append(' ', el('span', { class: 'replaced' }, bi('ui.serve.replacing', { files })));
    }
    p.append(row);
  }
  p.append(el('p', { class: missing.length ? 'left' : 'left none' }, bi('ui.serve.missing_left', { count: missing.length })));
  return p;
}

function card(e) {
  const missing = (e.checklist || []).filter((c) => c.status === 'missing' && !c.optional);
  let c = null;
  const fileInput = (kind, accept) => {
    const id = `f-${kind}-${e.row}`;
    const input = el('input', { type: 'file', id, class: 'vh', accept, multiple: kind === 'photo' ? null : '' });
    input.addEventListener('change', () => { openAdd(e, c, [...input.files], kind === 'photo' ? 'photo' : ''); input.value = ''; });
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
  c = el('details', { class: `card s-${e.status}`, 'data-status': e.status, 'data-row': String(e.row), 'data-passport': e.passport_no || '', 'data-missing': String(missing.length), open: open ? '' : null },
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
      addedNote(e, missing),
      missing.length ? el('p', { class: 'missing-list' }, bi('ui.serve.missing'), ': ', missing.map((m) => m.name_zh).join('、')) : null,
      issueBlock,
      formValues(e, ready),
      el('footer', {}, e.passport_no
        ? el('div', { class: 'fix' }, ...fileInput('scan', '.pdf,.jpg,.jpeg,.png'), ...fileInput('photo', 'image/jpeg,image/png'),
          el('span', { class: 'hint' }, bi('ui.serve.drop_here')))
        : el('span'), packet)));
  c.addEventListener('toggle', () => opened.set(e.row, c.open));
  if (e.passport_no) {
    c.addEventListener('dragover', (ev) => { ev.preventDefault(); c.classList.add('over'); });
    c.addEventListener('dragleave', () => c.classList.remove('over'));
    c.addEventListener('drop', (ev) => {
      ev.preventDefault();
      ev.stopPropagation();
      c.classList.remove('over');
      openAdd(e, c, [...ev.dataTransfer.files], '');
    });
  }
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
    added.clear();
    loadJobs();
  }
}

document.addEventListener('DOMContentLoaded', init);
