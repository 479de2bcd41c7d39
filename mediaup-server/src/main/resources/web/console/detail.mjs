// One medium: play it (hls.js over the HLS playlist, else the best MP4) or show each picture size; every file with a
// signed URL to copy; alt text; subtitles attached and detached, shown in the player; analytics as a chart; the
// original to download when kept; delete.
import Hls from '/webjars/hls.js/1.4.12/dist/hls.mjs';
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { api, ApiError } from './api.mjs';
import { h, fill, bytes, statusLine, table, copy, confirmDialog } from './dom.mjs';
import { Upload } from './upload.mjs';
import { placeholder, focalPointSection, storyboardScrubber } from './pictures.mjs';

const FIELDS = 'media.fields=type,url,duration_ms,width,height,preview_image_url,variants,alt_text,public_metrics,non_public_metrics,organic_metrics,'
  + 'x_blurhash,x_focus';
const PLAYLIST = 'application/x-mpegURL';
const LANGUAGES = { EN: 'English', ES: 'Spanish', FR: 'French', DE: 'German', PT: 'Portuguese', IT: 'Italian', JA: 'Japanese',
  KO: 'Korean', ZH: 'Chinese', AR: 'Arabic', HI: 'Hindi', NL: 'Dutch', SV: 'Swedish', PL: 'Polish', TR: 'Turkish', RU: 'Russian' };

let hls = null; // the player of the page shown, stopped when another page (or this one again) is drawn

export async function detail(main, key) {
  hls?.destroy();
  hls = null;
  window.addEventListener('hashchange', () => { hls?.destroy(); hls = null; }, { once: true });
  const [lookup, files] = await Promise.all([
    api('GET', `/2/media/${encodeURIComponent(key)}?${FIELDS}`),
    api('GET', `/2/media/${encodeURIComponent(key)}/variants`).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  ]);
  const m = lookup.data;
  if (!m || !files) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, `No media ${key} of yours.`), h('a', { href: '#/library' }, 'Back to the library'));
    return;
  }
  const f = files.data;
  const playable = m.type === 'video' || m.type === 'animated_gif';
  fill(main, h('p', {}, h('a', { href: '#/library' }, '← Library')),
    h('h1', {}, { photo: 'Picture', video: 'Video', animated_gif: 'GIF' }[m.type] ?? m.type, ' ', h('span', { class: 'key' }, m.media_key)),
    h('p', { class: 'meta' }, [f.media_type, f.media_category, f.state.replace('_', ' '),
      m.width ? `${m.width}×${m.height}` : null, m.duration_ms ? `${(m.duration_ms / 1000).toFixed(1)} s` : null].filter(Boolean).join(' · ')));

  const viewer = h('section', { class: 'viewer', 'aria-label': 'Viewer' });
  main.append(viewer);
  if (f.state !== 'succeeded') viewer.append(h('p', {}, `Processing is ${f.state.replace('_', ' ')}; the files appear when it succeeds.`));
  else if (playable) hls = player(viewer, m, f);
  const img = f.state === 'succeeded' && !playable ? picture(viewer, m, f) : null;

  if (img && m.type === 'photo') main.append(focalPointSection(m, f, img));
  main.append(variantsSection(f), altTextSection(m, f));
  if (m.type === 'video' && f.state === 'succeeded') main.append(subtitlesSection(m, f, () => detail(main, key)));
  if (m.type === 'video') main.append(await analyticsSection(m));
  main.append(dangerSection(m, f));
}

function player(viewer, m, f) {
  const video = h('video', { controls: true, playsinline: true, preload: 'metadata', id: 'player',
    'aria-label': m.alt_text || `Video ${m.media_key}` });
  if (m.preview_image_url) video.poster = m.preview_image_url;
  for (const t of m.subtitles ?? [])
    video.append(h('track', { kind: 'subtitles', srclang: t.language_code.toLowerCase(), label: t.display_name, src: t.url }));
  viewer.append(video);
  const playlist = (m.variants ?? []).find((v) => v.content_type === PLAYLIST);
  const mp4 = (m.variants ?? []).filter((v) => v.content_type === 'video/mp4').sort((a, b) => b.bit_rate - a.bit_rate)[0];
  const note = statusLine();
  viewer.append(note);
  const storyboard = f.variants.find((v) => v.name === 'storyboard.vtt');
  if (storyboard) storyboardScrubber(video, storyboard.url).then((s) => s && note.before(s)).catch(() => {});
  beacons(video, playlist ?? mp4);
  if (playlist && Hls.isSupported()) {
    const hls = new Hls({ enableWorker: false }); // a worker would need a blob: script, which the page's policy forbids
    hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) note.textContent = `Playback failed: ${d.details}`; });
    hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => { note.textContent = `HLS: ${d.levels.length} renditions`; });
    hls.loadSource(playlist.url);
    hls.attachMedia(video);
    window.consolePlayer = { hls, video };
    return hls;
  }
  if (playlist && video.canPlayType(PLAYLIST)) video.src = playlist.url;
  else if (mp4) video.src = mp4.url;
  window.consolePlayer = { video };
  return null;
}

/**
 * The playback beacons a player sends (POST …/{variant}/events, authorised by the variant's signed URL): start, the
 * quartiles, completion with the time watched — what /2/media/analytics and the chart below count.
 */
function beacons(video, variant) {
  if (!variant) return;
  const url = new URL(variant.url);
  url.pathname += '/events';
  const sent = new Set();
  let watched = 0, last = null;
  const send = (event, extra = {}) => {
    if (sent.has(event)) return;
    sent.add(event);
    fetch(url, { method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ event, ...extra }) }).catch(() => {}); // analytics never get in the viewer's way
  };
  video.addEventListener('play', () => { send('playback_start'); last = video.currentTime; });
  video.addEventListener('seeking', () => { last = null; });
  video.addEventListener('timeupdate', () => {
    if (last != null && !video.paused && video.currentTime > last) watched += video.currentTime - last;
    last = video.paused ? null : video.currentTime;
    const at = video.duration ? video.currentTime / video.duration : 0;
    for (const [q, event] of [[0.25, 'playback25'], [0.5, 'playback50'], [0.75, 'playback75']]) if (at >= q) send(event);
  });
  video.addEventListener('ended', () => send('playback_complete', { watch_time_ms: Math.round(watched * 1000) }));
}

function picture(viewer, m, f) {
  const sizes = f.variants.filter((v) => v.content_type.startsWith('image/') && v.name !== 'poster');
  if (!sizes.length) {
    viewer.append(h('p', {}, 'No preview for this type.'));
    return;
  }
  const img = h('img', { alt: m.alt_text ?? '', src: (sizes.find((v) => v.name === 'small') ?? sizes[0]).url, class: 'picture' });
  const choose = h('select', { id: 'size', onchange: () => { img.src = sizes.find((v) => v.name === choose.value).url; } },
    sizes.map((v) => h('option', { value: v.name, selected: v.name === 'small' }, `${v.name} (${v.width}×${v.height}, ${bytes(v.bytes)})`)));
  viewer.append(h('div', { class: 'toolbar' }, h('label', { for: 'size' }, 'Size'), choose),
    h('div', { class: 'picture-box' }, placeholder(img, m.x_blurhash, m.width, m.height)));
  return img;
}

function variantsSection(f) {
  const rows = f.variants.map((v) => {
    const input = h('input', { type: 'text', readonly: true, value: v.url, 'aria-label': `Signed URL of ${v.name}`, class: 'url' });
    const note = h('span', { class: 'hint', role: 'status' });
    return [v.name, v.content_type, v.width ? `${v.width}×${v.height}` : '—', v.bit_rate ? `${Math.round(v.bit_rate / 1000)} kb/s` : '—',
      bytes(v.bytes), h('div', { class: 'row' }, input,
        h('button', { type: 'button', onclick: () => copy(v.url, input, note) }, h('span', { class: 'sr-only' }, `Copy URL of ${v.name}`),
          h('span', { 'aria-hidden': 'true' }, 'Copy')), note)];
  });
  return h('section', { 'aria-labelledby': 'files-h' }, h('h2', { id: 'files-h' }, 'Files'),
    rows.length ? table('Files of this media', ['Name', 'Type', 'Size', 'Bit rate', 'Bytes', 'Signed URL'], rows)
      : h('p', {}, 'None yet.'));
}

function altTextSection(m, f) {
  const area = h('textarea', { id: 'alt-text', maxlength: 1000, rows: 3, 'aria-describedby': 'alt-count' }, m.alt_text ?? '');
  const count = h('span', { id: 'alt-count', class: 'hint', 'aria-live': 'polite' });
  const status = statusLine();
  const update = () => { count.textContent = `${[...area.value].length} of 1000 characters`; };
  area.addEventListener('input', update);
  update();
  return h('section', { 'aria-labelledby': 'alt-h' }, h('h2', { id: 'alt-h' }, 'Alt text'),
    h('form', { class: 'stack', onsubmit: async (e) => {
      e.preventDefault();
      status.textContent = 'Saving…';
      try {
        await api('POST', '/2/media/metadata', { json: { id: f.id, metadata: { alt_text: { text: area.value } } } });
        status.textContent = 'Saved';
      } catch (err) { status.textContent = err.message; }
    } },
    h('label', { for: 'alt-text' }, 'Describe it for people who cannot see it'), area, count,
    h('button', { type: 'submit' }, 'Save alt text'), status));
}

function subtitlesSection(m, f, reload) {
  const status = statusLine();
  const category = f.media_category === 'amplify_video' ? 'AmplifyVideo' : 'TweetVideo';
  const tracks = (m.subtitles ?? []).map((t) => [t.display_name, t.language_code,
    h('button', { type: 'button', class: 'danger', onclick: async () => {
      status.textContent = 'Removing…';
      try {
        await api('DELETE', '/2/media/subtitles', { json: { id: f.id, media_category: category, language_code: t.language_code } });
        reload();
      } catch (e) { status.textContent = e.message; }
    } }, `Remove ${t.display_name}`)]);
  const file = h('input', { type: 'file', id: 'sub-file', accept: '.srt,.vtt,text/vtt', required: true });
  const lang = h('select', { id: 'sub-lang' }, Object.entries(LANGUAGES).map(([c, n]) => h('option', { value: c }, `${n} (${c})`)));
  const name = h('input', { id: 'sub-name', type: 'text', maxlength: 100, placeholder: 'English' });
  const form = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    const upload = new Upload(file.files[0], 'subtitles');
    upload.addEventListener('state', (ev) => { status.textContent = `Subtitles: ${ev.detail.state}${ev.detail.detail ? ` — ${ev.detail.detail}` : ''}`; });
    try {
      await upload.run();
      if (upload.state !== 'done') return;
      await api('POST', '/2/media/subtitles', { json: { id: f.id, media_category: category,
        subtitles: { id: upload.id, language_code: lang.value, display_name: name.value || LANGUAGES[lang.value] } } });
      reload();
    } catch (err) { status.textContent = err.message; }
  } },
  h('label', { for: 'sub-file' }, 'Subtitles file (SRT or WebVTT)'), file,
  h('label', { for: 'sub-lang' }, 'Language'), lang,
  h('label', { for: 'sub-name' }, 'Name shown in the player'), name,
  h('button', { type: 'submit' }, 'Attach subtitles'));
  return h('section', { 'aria-labelledby': 'subs-h' }, h('h2', { id: 'subs-h' }, 'Subtitles'),
    tracks.length ? table('Subtitle tracks', ['Name', 'Language', ''], tracks) : h('p', {}, 'No subtitles yet.'), form, status);
}

const SERIES = [['video_views', 'Views'], ['playback_start', 'Plays'], ['playback25', '25 %'], ['playback50', '50 %'],
  ['playback75', '75 %'], ['playback_complete', 'Complete']];

async function analyticsSection(m) {
  const end = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  const start = new Date(end - 7 * 86_400_000);
  const section = h('section', { 'aria-labelledby': 'analytics-h' }, h('h2', { id: 'analytics-h' }, 'Analytics, last 7 days'));
  let buckets;
  try {
    const r = await api('GET', `/2/media/analytics?media_keys=${m.media_key}&start_time=${start.toISOString()}&end_time=${end.toISOString()}`
      + '&granularity=hourly');
    buckets = r.data?.[0]?.timestamped_metrics ?? [];
  } catch (e) {
    section.append(h('p', { class: 'error' }, e.message));
    return section;
  }
  const total = (k) => buckets.reduce((s, b) => s + (b.metrics[k] ?? 0), 0);
  section.append(table('Totals, last 7 days', [...SERIES.map(([, n]) => n), 'Watch time'],
    [[...SERIES.map(([k]) => String(total(k))), `${Math.round(total('watch_time_ms') / 1000)} s`]]));
  const chart = h('div', { class: 'chart', role: 'img',
    'aria-label': `Hourly views, playback quartiles and watch time; ${total('video_views')} views in all` });
  section.append(chart);
  const x = buckets.map((b) => Date.parse(b.timestamp) / 1000);
  const styles = getComputedStyle(document.documentElement);
  const colors = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'].map((c) => styles.getPropertyValue(c).trim() || '#36c');
  const ink = styles.getPropertyValue('--ink').trim() || '#222';
  const width = () => Math.max(240, Math.min(900, chart.clientWidth || 600));
  const plot = new uPlot({
    width: width(), height: 240,
    scales: { secs: { auto: true } },
    axes: [{ stroke: ink, grid: { stroke: 'rgba(128,128,128,.2)' } }, { stroke: ink, grid: { stroke: 'rgba(128,128,128,.2)' } },
      { scale: 'secs', side: 1, stroke: ink, grid: { show: false }, label: 'watch time (s)' }],
    series: [{}, ...SERIES.map(([, label], i) => ({ label, stroke: colors[i], width: 2 })),
      { label: 'Watch time (s)', scale: 'secs', stroke: ink, width: 1, dash: [6, 4] }],
  }, [x, ...SERIES.map(([k]) => buckets.map((b) => b.metrics[k] ?? 0)), buckets.map((b) => (b.metrics.watch_time_ms ?? 0) / 1000)],
  chart);
  new ResizeObserver(() => plot.setSize({ width: width(), height: 240 })).observe(chart); // follows the window (phone, rotation)
  return section;
}

function dangerSection(m, f) {
  const original = f.variants.find((v) => v.name === 'original');
  const status = statusLine();
  return h('section', { 'aria-labelledby': 'manage-h' }, h('h2', { id: 'manage-h' }, 'Manage'),
    h('div', { class: 'row' },
      original ? h('a', { class: 'button', href: original.url, download: '' }, `Download the original (${bytes(original.bytes)})`)
        : h('p', { class: 'hint' }, 'The original is not kept (the server runs without --keep-originals).'),
      h('button', { type: 'button', class: 'danger', id: 'delete', onclick: async () => {
        if (!(await confirmDialog(`Delete ${m.media_key} for good? Its files go too.`))) return;
        try {
          await api('DELETE', `/2/media/${m.media_key}`);
          location.hash = '#/library';
        } catch (e) { status.textContent = e.message; }
      } }, 'Delete this media')), status);
}
