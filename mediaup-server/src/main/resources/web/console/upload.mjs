// X's chunked upload from the browser: initialize, append segments in parallel (each with its SHA-256, so the
// server refuses a damaged one), finalize, then follow processing live. An upload in progress is remembered in the
// tab's session storage by file (name, size, last modified): after a reload, choosing the same file again resumes it —
// the segments listing says what the server already holds, and only the rest is sent.
import { api, follow, ApiError } from './api.mjs';

export const SEGMENT_BYTES = 2 * 1024 * 1024;
export const PARALLEL = 3;
const STORE = 'mediaup.console.uploads';

const BY_EXTENSION = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp',
  tif: 'image/tiff', tiff: 'image/tiff', heic: 'image/heic', heif: 'image/heif', avif: 'image/avif',
  mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm',
  ts: 'video/mp2t', srt: 'text/srt', vtt: 'text/vtt', glb: 'model/gltf-binary', usdz: 'model/vnd.usdz+zip',
};

/** The media type to declare: the browser's, else by extension (browsers know no type for .srt, .glb, .usdz). */
export function mediaTypeOf(file) {
  const ext = file.name.split('.').pop().toLowerCase();
  if (file.type === 'application/x-subrip' || ext === 'srt') return 'text/srt';
  return BY_EXTENSION[ext] && (!file.type || file.type === 'application/octet-stream') ? BY_EXTENSION[ext] : file.type || 'application/octet-stream';
}

export const CATEGORIES = ['tweet_image', 'tweet_gif', 'tweet_video', 'amplify_video', 'dm_image', 'dm_gif', 'dm_video', 'subtitles'];

export function categoryOf(type) {
  if (type === 'image/gif') return 'tweet_gif';
  if (type.startsWith('image/') || type.startsWith('model/')) return 'tweet_image';
  if (type.startsWith('video/')) return 'tweet_video';
  if (type === 'text/srt' || type === 'text/vtt') return 'subtitles';
  return 'tweet_image';
}

const keyOf = (file) => `${file.name}|${file.size}|${file.lastModified}`;
const saved = () => JSON.parse(sessionStorage.getItem(STORE) || '{}');
function save(key, value) {
  const all = saved();
  if (value) all[key] = value; else delete all[key];
  sessionStorage.setItem(STORE, JSON.stringify(all));
}

/** Uploads started in this tab and not finished: what a reload interrupted. */
export const unfinished = () => Object.entries(saved()).map(([key, v]) => ({ key, ...v }));
export const forget = (key) => save(key, null);
export const resumable = (file) => Boolean(saved()[keyOf(file)]);

async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One file's upload. Events: 'progress' (bytes sent, rate, ETA), 'state' (uploading, paused, processing, done,
 * failed), 'status' (each STATUS object while processing).
 */
export class Upload extends EventTarget {
  constructor(file, category) {
    super();
    this.file = file;
    this.category = category;
    this.type = mediaTypeOf(file);
    this.state = 'ready';
    this.done = 0;
    this.samples = [];
    this.paused = false;
    this.resumed = 0;
  }

  get rate() { // bytes per second over the last few seconds
    const s = this.samples;
    if (s.length < 2) return 0;
    const [t0, b0] = s[0], [t1, b1] = s[s.length - 1];
    return t1 > t0 ? (1000 * (b1 - b0)) / (t1 - t0) : 0;
  }

  get eta() { return this.rate > 0 ? (this.file.size - this.done) / this.rate : Infinity; }

  set(state, detail) {
    this.state = state;
    this.detail = detail;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, detail } }));
  }

  progress(n) {
    this.done += n;
    const now = Date.now();
    this.samples.push([now, this.done]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    this.dispatchEvent(new CustomEvent('progress'));
  }

  pause() { if (this.state === 'uploading') { this.paused = true; this.set('paused'); } }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    this.set('uploading');
    this.wake?.();
  }

  async #whileUnpaused() {
    while (this.paused) await new Promise((ok) => { this.wake = ok; });
  }

  /** Runs the whole upload; resolves with the last STATUS (or FINALIZE) answer, or throws ApiError. */
  async run() {
    const key = keyOf(this.file);
    this.set('uploading');
    try {
      let held = [];
      const remembered = saved()[key];
      if (remembered) {
        this.id = remembered.id;
        try {
          held = (await api('GET', `/2/media/upload/${this.id}/segments`)).data.segments;
          this.resumed = held.length;
        } catch (e) { // the session expired or was finalized meanwhile: start again
          if (!(e instanceof ApiError) || e.status >= 500) throw e;
          this.id = null;
          held = [];
        }
      }
      if (!this.id) {
        const init = await api('POST', '/2/media/upload/initialize',
          { json: { media_type: this.type, media_category: this.category, total_bytes: this.file.size } });
        this.id = init.data.id;
        save(key, { id: this.id, name: this.file.name, size: this.file.size, category: this.category, started: Date.now() });
      }
      this.dispatchEvent(new CustomEvent('started', { detail: { id: this.id } }));
      const count = Math.max(1, Math.ceil(this.file.size / SEGMENT_BYTES));
      const have = new Set(held.filter((s) => s.size === Math.min(SEGMENT_BYTES, this.file.size - s.segment_index * SEGMENT_BYTES))
        .map((s) => s.segment_index));
      this.done = 0;
      this.progress([...have].reduce((sum, i) => sum + Math.min(SEGMENT_BYTES, this.file.size - i * SEGMENT_BYTES), 0));
      const todo = [...Array(count).keys()].filter((i) => !have.has(i));
      const worker = async () => {
        while (todo.length) {
          await this.#whileUnpaused();
          const i = todo.shift();
          if (i === undefined) return;
          const part = this.file.slice(i * SEGMENT_BYTES, (i + 1) * SEGMENT_BYTES);
          const form = new FormData();
          form.append('segment_index', String(i));
          form.append('media', part);
          await api('POST', `/2/media/upload/${this.id}/append`, { body: form, headers: { 'x-checksum-sha256': await sha256(part) } });
          this.progress(part.size);
        }
      };
      await Promise.all([...Array(Math.min(PARALLEL, todo.length || 1))].map(worker));
      const fin = await api('POST', `/2/media/upload/${this.id}/finalize`);
      save(key, null);
      this.mediaKey = fin.data.media_key;
      let last = fin;
      if (fin.data.processing_info) {
        this.set('processing', fin.data.processing_info.state);
        last = await follow(this.id, (s) => {
          this.mediaKey = s.data?.media_key ?? this.mediaKey;
          this.dispatchEvent(new CustomEvent('status', { detail: s }));
          this.set('processing', s.data?.processing_info?.state);
        });
      }
      const info = last.data?.processing_info;
      if (info?.state === 'failed') {
        this.set('failed', info.error?.message ?? last.errors?.[0]?.detail ?? 'Processing failed');
      } else this.set('done');
      return last;
    } catch (e) {
      this.set('failed', e.message);
      throw e;
    }
  }
}

