// Drop many files (or pick them); each gets a category inferred from its type (changeable), then uploads through X's
// chunked endpoints with per-file progress, rate, ETA, pause/resume, and its processing followed live.
import { h, fill, bytes, duration } from './dom.mjs';
import { Upload, CATEGORIES, categoryOf, mediaTypeOf, unfinished, forget, resumable } from './upload.mjs';

let rows = []; // survives page switches within the tab: uploads keep running while you look at the library

export async function uploadPage(main) {
  const list = h('ul', { class: 'uploads', 'aria-label': 'Files to upload' });
  const picker = h('input', { type: 'file', id: 'files', multiple: true });
  const start = h('button', { type: 'button', id: 'start', onclick: () => startAll() }, 'Start uploads');
  const drop = h('div', { class: 'drop', id: 'drop' },
    h('p', {}, 'Drop files here, or'),
    h('label', { for: 'files', class: 'button' }, 'Choose files'), picker);
  const pending = unfinished();
  fill(main, h('h1', {}, 'Upload'), drop,
    pending.length ? h('section', { class: 'card', 'aria-labelledby': 'resume-h' }, h('h2', { id: 'resume-h' }, 'Interrupted uploads'),
      h('p', {}, 'Choose or drop the same file again to resume where it stopped.'),
      h('ul', {}, pending.map((p) => h('li', {}, `${p.name} (${bytes(p.size)}) `,
        h('button', { type: 'button', onclick: (e) => { forget(p.key); e.target.closest('li').remove(); } }, `Forget ${p.name}`))))) : null,
    h('div', { class: 'toolbar' }, start), list);
  for (const r of rows) list.append(r.el);

  const add = (files) => {
    for (const file of files) {
      const row = makeRow(file);
      rows.push(row);
      list.append(row.el);
    }
    start.disabled = !rows.some((r) => r.upload.state === 'ready');
  };
  picker.addEventListener('change', () => { add(picker.files); picker.value = ''; });
  for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    add(e.dataTransfer.files);
  });
  start.disabled = !rows.some((r) => r.upload.state === 'ready');

  function startAll() {
    for (const r of rows.filter((x) => x.upload.state === 'ready')) r.start();
    start.disabled = true;
  }
}

let serial = 0;

function makeRow(file) {
  const n = ++serial;
  const type = mediaTypeOf(file);
  const select = h('select', { id: `cat-${n}` }, CATEGORIES.map((c) => h('option', { value: c, selected: c === categoryOf(type) }, c)));
  const bar = h('progress', { max: 100, value: 0, id: `bar-${n}`, 'aria-label': `Upload of ${file.name}` });
  const numbers = h('span', { class: 'hint' }, resumable(file) ? 'Will resume' : bytes(file.size));
  const state = h('span', { class: 'state', role: 'status', 'aria-live': 'polite' }, 'Ready');
  const toggle = h('button', { type: 'button', hidden: true }, 'Pause');
  const link = h('span');
  const el = h('li', { class: 'card upload', 'data-name': file.name },
    h('div', { class: 'row' }, h('strong', {}, file.name), h('span', { class: 'hint' }, type)),
    h('div', { class: 'row' }, h('label', { for: `cat-${n}` }, 'Category'), select),
    bar, h('div', { class: 'row' }, numbers, toggle), state, link);
  const row = { el, upload: null, start: null };
  row.upload = { state: 'ready' };
  row.start = () => {
    const upload = new Upload(file, select.value);
    row.upload = upload;
    select.disabled = true;
    toggle.hidden = false;
    toggle.addEventListener('click', () => {
      if (upload.paused) upload.resume(); else upload.pause();
      toggle.textContent = upload.paused ? 'Resume' : 'Pause';
    });
    upload.addEventListener('started', () => { el.dataset.resumed = String(upload.resumed); });
    upload.addEventListener('progress', () => {
      const pct = file.size ? Math.floor((100 * upload.done) / file.size) : 100;
      bar.value = pct;
      numbers.textContent = `${bytes(upload.done)} of ${bytes(file.size)} · ${bytes(upload.rate)}/s · ${upload.done >= file.size ? 'sent'
        : `about ${duration(upload.eta)} left`}`;
    });
    upload.addEventListener('state', (e) => {
      const { state: s, detail } = e.detail;
      el.dataset.state = s;
      state.textContent = {
        uploading: upload.resumed ? `Uploading (resumed: ${upload.resumed} segments were already there)` : 'Uploading',
        paused: 'Paused', processing: `Processing${detail ? `: ${detail.replace('_', ' ')}` : ''}`, done: 'Done',
        failed: `Failed: ${detail}`,
      }[s] ?? s;
      state.classList.toggle('error', s === 'failed');
      if (s !== 'uploading' && s !== 'paused') toggle.hidden = true;
      if ((s === 'done' || s === 'processing') && upload.mediaKey) {
        fill(link, h('a', { href: `#/media/${upload.mediaKey}` }, `Open ${file.name}`));
      }
    });
    upload.run().catch(() => {}); // the row shows the failure
  };
  return row;
}
