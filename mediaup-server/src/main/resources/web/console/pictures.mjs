// What the console shows of mediaup's picture extensions: a BlurHash placeholder while a picture loads, the focal
// point picker of a photo, and a video's storyboard while scrubbing.
import { decode } from '/webjars/blurhash/2.0.5/dist/index.mjs';
import { api } from './api.mjs';
import { h, statusLine } from './dom.mjs';

/**
 * A canvas painted with the placeholder, laid under {@code img} until it has loaded (then removed). Decoded small
 * (32 px across): the browser stretches it smoothly, and a placeholder is all blur anyway.
 */
export function placeholder(img, hash, width, height) {
  if (!hash) return img;
  const w = 32, hgt = Math.max(1, Math.round(32 * (height || 1) / (width || 1)));
  const canvas = h('canvas', { class: 'blurhash', width: w, height: hgt, 'aria-hidden': 'true' });
  try {
    const ctx = canvas.getContext('2d');
    const data = ctx.createImageData(w, hgt);
    data.data.set(decode(hash, w, hgt));
    ctx.putImageData(data, 0, 0);
  } catch {
    return img; // a hash the decoder does not take: no placeholder, the picture still loads
  }
  const box = h('span', { class: 'with-placeholder' }, canvas, img);
  const done = () => { canvas.remove(); box.classList.add('loaded'); };
  if (img.complete && img.naturalWidth) done(); else img.addEventListener('load', done, { once: true });
  return box;
}

/**
 * The focal point of a photo: where its subject is (x from -1, the left edge, to 1, the right; y from -1, the
 * bottom, to 1, the top). Set by clicking the picture or by typing both numbers; saved as metadata.x_focus, which
 * the thumb crop and every "cover" size keep in view.
 */
export function focalPointSection(m, f, img) {
  const at = m.x_focus ?? { x: 0, y: 0 };
  const x = h('input', { type: 'number', id: 'focus-x', min: -1, max: 1, step: 0.01, value: at.x });
  const y = h('input', { type: 'number', id: 'focus-y', min: -1, max: 1, step: 0.01, value: at.y });
  const marker = h('span', { class: 'focus-marker', 'aria-hidden': 'true' });
  const status = statusLine();
  const place = () => {
    marker.style.left = `${(Number(x.value) + 1) * 50}%`;
    marker.style.top = `${(1 - Number(y.value)) * 50}%`;
  };
  img.parentElement?.classList.add('focus-frame');
  img.parentElement?.append(marker);
  img.addEventListener('click', (e) => {
    const r = img.getBoundingClientRect();
    x.value = (((e.clientX - r.left) / r.width) * 2 - 1).toFixed(2);
    y.value = (1 - ((e.clientY - r.top) / r.height) * 2).toFixed(2);
    place();
  });
  x.addEventListener('input', place);
  y.addEventListener('input', place);
  place();
  return h('section', { 'aria-labelledby': 'focus-h' }, h('h2', { id: 'focus-h' }, 'Focal point'),
    h('p', { class: 'hint', id: 'focus-hint' }, 'Click the picture where its subject is, or type both numbers: crops keep that point in view.'),
    h('form', { class: 'row', 'aria-describedby': 'focus-hint', onsubmit: async (e) => {
      e.preventDefault();
      status.textContent = 'Saving…';
      try {
        await api('POST', '/2/media/metadata', { json: { id: f.id, metadata: { x_focus: { x: Number(x.value), y: Number(y.value) } } } });
        status.textContent = 'Focal point saved: the thumb is cut around it.';
      } catch (err) {
        status.textContent = `Not saved: ${err.message}`;
      }
    } }, h('label', { for: 'focus-x' }, 'x (left to right)'), x, h('label', { for: 'focus-y' }, 'y (bottom to top)'), y,
    h('button', { type: 'submit' }, 'Save focal point')), status);
}

/**
 * A scrubber under the player that shows the storyboard's thumbnail of the time it points at, and seeks there when
 * let go. The track (storyboard.vtt) gives each span of time a tile of the sprite ("…storyboard.jpg?…#xywh=x,y,w,h").
 */
export async function storyboardScrubber(video, trackUrl) {
  const text = await (await fetch(trackUrl)).text();
  const cues = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\d+):(\d+):(\d+)\.(\d+) --> (\d+):(\d+):(\d+)\.(\d+)$/.exec(lines[i].trim());
    const tile = /^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec((lines[i + 1] ?? '').trim());
    if (!m || !tile) continue;
    const secs = (a) => Number(a[0]) * 3600 + Number(a[1]) * 60 + Number(a[2]) + Number(a[3]) / 1000;
    cues.push({ from: secs(m.slice(1, 5)), to: secs(m.slice(5, 9)), url: tile[1], x: +tile[2], y: +tile[3], w: +tile[4], h: +tile[5] });
  }
  if (!cues.length) return null;
  const end = cues[cues.length - 1].to;
  const preview = h('div', { id: 'scrub-preview', class: 'scrub-preview', hidden: true, 'aria-hidden': 'true' });
  const time = h('output', { id: 'scrub-time', for: 'scrub' });
  const range = h('input', { type: 'range', id: 'scrub', min: 0, max: end, step: 0.1, value: 0 });
  const show = () => {
    const t = Number(range.value);
    const c = cues.find((q) => t >= q.from && t < q.to) ?? cues[cues.length - 1];
    Object.assign(preview.style, { width: `${c.w}px`, height: `${c.h}px`, backgroundImage: `url("${c.url}")`,
      backgroundPosition: `-${c.x}px -${c.y}px` });
    preview.dataset.tile = `${c.x},${c.y}`;
    preview.hidden = false;
    time.textContent = `${t.toFixed(1)} s`;
  };
  range.addEventListener('input', show);
  range.addEventListener('change', () => { video.currentTime = Number(range.value); preview.hidden = true; });
  video.addEventListener('timeupdate', () => { if (preview.hidden) range.value = video.currentTime; });
  return h('div', { class: 'scrubber' }, preview,
    h('div', { class: 'row' }, h('label', { for: 'scrub' }, 'Scrub (with previews)'), range, time));
}
