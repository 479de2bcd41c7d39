// For a token with the mediaup.admin scope: users' usage, bearer tokens and OAuth apps (create, list, revoke), and
// every user's upload grants. Secrets are shown once, when made.
import { api } from './api.mjs';
import { h, fill, bytes, when, table, statusLine, copy, confirmDialog } from './dom.mjs';

const SCOPES = ['media.write', 'tweet.read', 'users.read', 'mediaup.admin'];

function secretBox(label, value) {
  const input = h('input', { type: 'text', readonly: true, value, 'aria-label': label, class: 'url' });
  const note = h('span', { class: 'hint', role: 'status' });
  return h('div', { class: 'row secret' }, h('span', {}, `${label}: `), input,
    h('button', { type: 'button', onclick: () => copy(value, input, note) }, `Copy ${label}`), note);
}

function revokeButton(what, path, status, reload) {
  return h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!(await confirmDialog(`Revoke ${what}? Whatever uses it stops working.`, 'Revoke'))) return;
    try {
      await api('DELETE', path);
      await reload(); // the tables first, then the word: whoever reads "Revoked" sees the new state
      status.textContent = `Revoked ${what}`;
    } catch (e) { status.textContent = e.message; }
  } }, h('span', { class: 'sr-only' }, `Revoke ${what}`), h('span', { 'aria-hidden': 'true' }, 'Revoke'));
}

export async function admin(main) {
  const status = statusLine();
  const shown = h('div', { id: 'shown-once' });
  const sections = { users: h('section'), tokens: h('section'), apps: h('section'), grants: h('section') };
  fill(main, h('h1', {}, 'Admin'), status, shown, ...Object.values(sections));
  const reload = () => Promise.all([users(), tokens(), apps(), grants()]).catch((e) => { status.textContent = e.message; });

  async function users() {
    const r = await api('GET', '/2/admin/users');
    fill(sections.users, h('h2', {}, 'Users'), r.data.length
      ? table('Usage by user', ['User', 'Stored', 'Uploaded today'], r.data.map((u) => [u.user_id, bytes(u.stored_bytes),
        bytes(u.uploaded_bytes_today)]))
      : h('p', {}, 'No one has uploaded yet.'));
  }

  async function tokens() {
    const r = await api('GET', '/2/admin/tokens');
    const user = h('input', { id: 'new-token-user', required: true, maxlength: 64, autocomplete: 'off' });
    const checks = SCOPES.map((s) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'scope', value: s, checked: s !== 'mediaup.admin' }), s));
    const expiry = h('select', { id: 'new-token-expiry' },
      [['', 'Never'], ['86400', 'In a day'], ['2592000', 'In 30 days'], ['31536000', 'In a year']].map(([v, t]) => h('option', { value: v }, t)));
    fill(sections.tokens, h('h2', {}, 'Tokens'),
      table('Bearer tokens', ['Id', 'Kind', 'User or app', 'Scopes', 'Created', 'Expires', 'State', ''], r.data.map((t) => [
        t.id, t.kind, t.user_id ?? t.consumer_key, t.scopes.join(' '), when(t.created_at), when(t.expires_at),
        t.revoked ? 'revoked' : 'active', t.revoked ? '' : revokeButton(`token ${t.id}`, `/2/admin/tokens/${t.id}`, status, reload)])),
      h('form', { class: 'card stack', 'aria-labelledby': 'new-token-h', onsubmit: async (e) => {
        e.preventDefault();
        try {
          const body = { user_id: user.value.trim(), scopes: checks.map((c) => c.firstChild).filter((c) => c.checked).map((c) => c.value) };
          if (expiry.value) body.expires_in_secs = Number(expiry.value);
          const t = (await api('POST', '/2/admin/tokens', { json: body })).data;
          fill(shown, h('div', { class: 'card' }, h('p', {}, `Token for ${t.user_id} — shown once:`), secretBox('token', t.token)));
          status.textContent = `Created token ${t.id}`;
          await tokens();
        } catch (err) { status.textContent = err.message; }
      } },
      h('h3', { id: 'new-token-h' }, 'New user token'),
      h('label', { for: 'new-token-user' }, 'User id'), user,
      h('fieldset', {}, h('legend', {}, 'Scopes'), checks),
      h('label', { for: 'new-token-expiry' }, 'Expires'), expiry,
      h('button', { type: 'submit' }, 'Create token')));
  }

  async function apps() {
    const r = await api('GET', '/2/admin/apps');
    const name = h('input', { id: 'new-app-name', required: true, maxlength: 200 });
    fill(sections.apps, h('h2', {}, 'Apps'),
      r.data.length ? table('OAuth apps', ['Name', 'Consumer key', 'State', ''], r.data.map((a) => [a.name, a.consumer_key,
        a.revoked ? 'revoked' : 'active', a.revoked ? '' : revokeButton(`app ${a.name}`, `/2/admin/apps/${a.consumer_key}`, status, reload)]))
        : h('p', {}, 'No apps.'),
      h('form', { class: 'card stack', 'aria-labelledby': 'new-app-h', onsubmit: async (e) => {
        e.preventDefault();
        try {
          const a = (await api('POST', '/2/admin/apps', { json: { name: name.value } })).data;
          fill(shown, h('div', { class: 'card' }, h('p', {}, `App ${a.name} — shown once:`), secretBox('consumer key', a.consumer_key),
            secretBox('consumer secret', a.consumer_secret), secretBox('app bearer token', a.bearer_token)));
          status.textContent = `Created app ${a.name}`;
          await apps();
        } catch (err) { status.textContent = err.message; }
      } },
      h('h3', { id: 'new-app-h' }, 'New app'), h('label', { for: 'new-app-name' }, 'Name'), name,
      h('button', { type: 'submit' }, 'Create app')));
  }

  async function grants() {
    const r = await api('GET', '/2/admin/grants');
    fill(sections.grants, h('h2', {}, 'Upload grants'),
      r.data.length ? table('Upload grants of every user', ['Id', 'User', 'Category', 'State', 'Uploads', 'Expires', ''], r.data.map((g) => [
        g.id, g.user_id, g.media_category, g.state, `${g.uploads_started} of ${g.uploads_allowed}`, when(g.expires_at),
        g.state === 'active' ? revokeButton(`grant ${g.id}`, `/2/admin/grants/${g.id}`, status, reload) : '']))
        : h('p', {}, 'No grants.'));
  }

  await reload();
}
