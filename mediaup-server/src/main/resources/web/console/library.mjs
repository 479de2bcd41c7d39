// The caller's media, newest first (GET /2/media/mine), page after page as the list scrolls; filter by type; select
// several to delete.
import { api } from './api.mjs';
import { h, fill, bytes, statusLine, confirmDialog } from './dom.mjs';
import { placeholder } from './pictures.mjs';

const FIELDS = 'media.fields=type,preview_image_url,url,duration_ms,width,height,alt_text,x_blurhash';
const TYPES = { all: 'All media', photo: 'Pictures', video: 'Videos', animated_gif: 'GIFs' };

export async function library(main) {
  let next = null, loading = false, finished = false;
  const selected = new Set();
  const grid = h('ul', { class: 'grid', 'aria-label': 'Your media' });
  const filter = h('select', { id: 'type-filter' }, Object.entries(TYPES).map(([v, t]) => h('option', { value: v }, t)));
  const status = statusLine();
  const remove = h('button', { type: 'button', class: 'danger', disabled: true, onclick: removeSelected }, 'Delete selected');
  const more = h('button', { type: 'button', onclick: () => load() }, 'Load more');
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });

  fill(main, h('h1', {}, 'Library'),
    h('div', { class: 'toolbar' },
      h('label', { for: 'type-filter' }, 'Show'), filter, remove, h('a', { href: '#/upload', class: 'button' }, 'Upload')),
    status, grid, more, sentinel);

  filter.addEventListener('change', () => {
    for (const li of grid.children) li.hidden = filter.value !== 'all' && li.dataset.type !== filter.value;
    status.textContent = `${[...grid.children].filter((li) => !li.hidden).length} shown`;
  });

  function card(m) {
    const check = h('input', { type: 'checkbox', id: `sel-${m.media_key}`, onchange: (e) => {
      if (e.target.checked) selected.add(m.media_key); else selected.delete(m.media_key);
      remove.disabled = selected.size === 0;
      remove.textContent = selected.size ? `Delete selected (${selected.size})` : 'Delete selected';
    } });
    const label = m.alt_text || `${TYPES[m.type] ? m.type.replace('_', ' ') : m.type} ${m.media_key}`;
    const thumb = m.preview_image_url
      ? placeholder(h('img', { src: m.preview_image_url, alt: m.alt_text ?? '', loading: 'lazy', width: 150, height: 150 }), m.x_blurhash,
        m.width, m.height)
      : h('span', { class: 'placeholder', 'aria-hidden': 'true' }, m.type === 'video' ? '▶' : '◆');
    const li = h('li', { class: 'card media-card', 'data-type': m.type },
      h('a', { href: `#/media/${m.media_key}`, class: 'thumb' }, thumb, h('span', { class: 'sr-only' }, `Open ${label}`)),
      h('div', { class: 'meta' },
        h('span', { class: `badge ${m.state}` }, m.state.replace('_', ' ')),
        h('span', {}, m.type.replace('_', ' ')),
        h('span', {}, bytes(m.bytes))),
      h('div', { class: 'select' }, check, h('label', { for: check.id }, `Select ${m.media_key}`)));
    li.hidden = filter.value !== 'all' && m.type !== filter.value;
    return li;
  }

  async function load() {
    if (loading || finished) return;
    loading = true;
    status.textContent = 'Loading…';
    try {
      const page = await api('GET', `/2/media/mine?max_results=24&${FIELDS}${next ? `&pagination_token=${next}` : ''}`);
      for (const m of page.data ?? []) grid.append(card(m));
      next = page.meta?.next_token ?? null;
      finished = !next;
      more.hidden = finished;
      status.textContent = grid.children.length ? `${grid.children.length} media${finished ? '' : ', more below'}` : 'Nothing here yet: upload something.';
    } catch (e) {
      status.textContent = e.message;
    } finally {
      loading = false;
    }
  }

  async function removeSelected() {
    const keys = [...selected];
    if (!(await confirmDialog(`Delete ${keys.length} media for good? Their files go too.`))) return;
    let failed = 0;
    for (const key of keys) {
      try {
        await api('DELETE', `/2/media/${key}`);
        document.getElementById(`sel-${key}`)?.closest('li')?.remove();
        selected.delete(key);
      } catch { failed++; }
    }
    remove.disabled = selected.size === 0;
    remove.textContent = 'Delete selected';
    status.textContent = failed ? `${failed} could not be deleted` : `Deleted ${keys.length}`;
  }

  // infinite scroll: the next page loads when the end of the list comes into view (the button does it by keyboard)
  const seen = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) load(); });
  seen.observe(sentinel);
  window.addEventListener('hashchange', () => seen.disconnect(), { once: true });
  await load();
}
