// X's chunked upload from a browser, with an upload grant: initialize, append segments (4 at a time, each with its
// SHA-256 so the server refuses a damaged one), finalize, then follow processing on the SSE stream. After a reload
// the upload resumes: the segments listing says what the server already holds, and only the rest is sent.
const SEGMENT = 1024 * 1024;
const PARALLEL = 4;
const status = document.getElementById('status');
const progress = document.getElementById('progress');
// ?stopAfter=N stops after N segments, as if the tab were closed (the tests use it to reload mid-upload)
const stopAfter = Number(new URLSearchParams(location.search).get('stopAfter') || Infinity);

async function grant() {
  const saved = sessionStorage.getItem('mediaup.grant');
  if (saved) return JSON.parse(saved);
  const g = await (await fetch('grant', { method: 'POST' })).json();
  sessionStorage.setItem('mediaup.grant', JSON.stringify(g));
  return g;
}

async function call(api, token, method, path, body, headers = {}) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(api + path, { method, body, headers: { Authorization: `Bearer ${token}`, ...headers } });
    if ((r.status >= 500 || r.status === 429) && attempt < 4) { // retry, honouring Retry-After
      await new Promise((ok) => setTimeout(ok, 1000 * Number(r.headers.get('retry-after') || 2 ** attempt)));
      continue;
    }
    const json = r.status === 204 ? {} : await r.json();
    if (!r.ok) throw new Error(json.detail || `${method} ${path}: ${r.status}`);
    return json;
  }
}

async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function upload(file) {
  const { api, token } = await grant();
  const key = `mediaup.upload.${file.name}.${file.size}`;
  let id = sessionStorage.getItem(key);
  if (!id) {
    const init = await call(api, token, 'POST', '/2/media/upload/initialize',
      JSON.stringify({ media_type: file.type, media_category: 'tweet_video', total_bytes: file.size }),
      { 'Content-Type': 'application/json' });
    id = init.data.id;
    sessionStorage.setItem(key, id);
  }
  const held = (await call(api, token, 'GET', `/2/media/upload/${id}/segments`)).data.segments.map((s) => s.segment_index);
  const count = Math.ceil(file.size / SEGMENT);
  const todo = [...Array(count).keys()].filter((i) => !held.includes(i));
  let done = count - todo.length, sent = 0;
  window.resumedWith = held.length;
  const worker = async () => {
    while (todo.length) {
      if (sent >= stopAfter) return;
      sent++;
      const i = todo.shift();
      const part = file.slice(i * SEGMENT, (i + 1) * SEGMENT);
      const form = new FormData();
      form.append('segment_index', String(i));
      form.append('media', part);
      await call(api, token, 'POST', `/2/media/upload/${id}/append`, form, { 'x-checksum-sha256': await sha256(part) });
      progress.value = Math.round(100 * ++done / count);
    }
  };
  await Promise.all([...Array(PARALLEL)].map(worker));
  if (done < count) { status.textContent = `Stopped after ${done} of ${count} segments`; window.uploadResult = { stopped: done }; return; }
  await call(api, token, 'POST', `/2/media/upload/${id}/finalize`);
  sessionStorage.removeItem(key);
  // processing, live: the STATUS object of each event, until a settled state
  const r = await fetch(`${api}/2/media/upload/${id}/events`, { headers: { Authorization: `Bearer ${token}` } });
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '', last = null;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffer += value;
    for (let cut; (cut = buffer.indexOf('\n\n')) >= 0; buffer = buffer.slice(cut + 2)) {
      const data = buffer.slice(0, cut).split('\n').find((l) => l.startsWith('data: '));
      if (data) {
        last = JSON.parse(data.slice(6));
        status.textContent = `Processing: ${last.data.processing_info?.state ?? 'succeeded'}`;
      }
    }
  }
  const state = last?.data.processing_info?.state ?? 'succeeded';
  status.textContent = state === 'succeeded' ? 'Uploaded and processed' : `Processing ${state}: ${last?.errors?.[0]?.detail ?? ''}`;
  window.uploadResult = { id, media_key: last?.data.media_key, state, resumedWith: window.resumedWith };
}

document.getElementById('file').addEventListener('change', (e) => upload(e.target.files[0]).catch((err) => {
  status.textContent = `Upload failed: ${err.message}`;
  window.uploadResult = { error: err.message };
}));
window.ready = true;
