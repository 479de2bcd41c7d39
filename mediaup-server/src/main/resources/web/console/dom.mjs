// A tiny element builder: text always goes in as text (never parsed as HTML), so nothing a user or the server
// wrote can run as script in the console.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces what {@code el} holds. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function bytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

export function duration(secs) {
  if (!Number.isFinite(secs)) return '—';
  secs = Math.round(secs);
  if (secs < 60) return `${secs} s`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ${secs % 60} s`;
  return `${Math.floor(secs / 3600)} h ${Math.floor((secs % 3600) / 60)} min`;
}

export function when(epochSecsOrIso) {
  if (epochSecsOrIso == null) return '—';
  const d = typeof epochSecsOrIso === 'number' ? new Date(epochSecsOrIso * 1000) : new Date(epochSecsOrIso);
  return d.toLocaleString();
}

/** A status line for screen readers and eyes: role=status, polite. */
export function statusLine(text = '', cls = 'status') {
  return h('p', { class: cls, role: 'status', 'aria-live': 'polite' }, text);
}

/** A wide table that scrolls on its own on a narrow screen, reachable by keyboard. */
export function table(label, head, rows) {
  return h('div', { class: 'scroll', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {}, h('caption', { class: 'sr-only' }, label),
      h('thead', {}, h('tr', {}, head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

/** Copies text; where the clipboard is refused, selects it in the given input so the user can copy it. */
export async function copy(text, input, note) {
  try {
    await navigator.clipboard.writeText(text);
    note.textContent = 'Copied';
  } catch {
    input?.select();
    note.textContent = 'Selected: press Ctrl+C to copy';
  }
}

/** A modal yes/no question in a native dialog (focus is trapped and Escape cancels, by the browser). */
export function confirmDialog(question, yes = 'Delete') {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-q' },
      h('form', { method: 'dialog' },
        h('p', { id: 'confirm-q' }, question),
        h('div', { class: 'row' },
          h('button', { value: 'no', type: 'submit' }, 'Cancel'),
          h('button', { value: 'yes', type: 'submit', class: 'danger' }, yes))));
    dialog.addEventListener('close', () => { resolve(dialog.returnValue === 'yes'); dialog.remove(); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
