// The console's shell: sign-in (a pasted token, or OAuth 2.0 authorization code + PKCE with the JWT issuer), the
// hash router, the theme, and which pages this credential may see (the admin pages need the mediaup.admin scope).
import { api, session, ApiError } from './api.mjs';
import { h, fill, statusLine } from './dom.mjs';
import { library } from './library.mjs';
import { detail } from './detail.mjs';
import { uploadPage } from './uploadpage.mjs';
import { account } from './account.mjs';
import { admin } from './admin.mjs';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const navAdmin = document.getElementById('nav-admin');
const signOut = document.getElementById('sign-out');
const PKCE = 'mediaup.console.pkce';
let config = {};
export const me = { scopes: [], userId: null, admin: false };

const redirectUri = () => `${location.origin}/console/`;
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function startIssuerSignIn() {
  const s = config.sign_in;
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, back: location.hash }));
  const u = new URL(s.authorize_url);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: s.client_id, redirect_uri: redirectUri(), scope: s.scopes, state,
    code_challenge: challenge, code_challenge_method: 'S256',
  })) u.searchParams.set(k, v);
  location.assign(u.toString());
}

/** Back from the issuer with ?code&state: the code leaves the address bar at once, and becomes a token. */
async function finishIssuerSignIn() {
  const q = new URLSearchParams(location.search);
  if (!q.has('code') && !q.has('error')) return;
  const pending = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, '', `/console/${pending?.back ?? ''}`);
  if (q.has('error')) throw new Error(`The issuer refused: ${q.get('error_description') ?? q.get('error')}`);
  if (!pending || pending.state !== q.get('state') || !config.sign_in) throw new Error('That sign-in answer was not for this tab; sign in again.');
  const r = await fetch(config.sign_in.token_url, {
    method: 'POST', credentials: 'omit', cache: 'no-store',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: q.get('code'), redirect_uri: redirectUri(),
      client_id: config.sign_in.client_id, code_verifier: pending.verifier,
    }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok || !body.access_token) throw new Error(`The issuer gave no token: ${body.error_description ?? body.error ?? r.status}`);
  session.set(body.access_token);
}

function signInPage(message) {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    placeholder: 'mu_…', 'aria-describedby': 'token-help' });
  const status = statusLine(message ?? '', message ? 'status error' : 'status');
  const form = h('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    session.set(input.value.trim());
    status.textContent = 'Checking…';
    if (await whoAmI()) route(); else status.textContent = 'That token was not accepted.';
  } },
  h('label', { for: 'token' }, 'Access token'),
  input,
  h('p', { id: 'token-help', class: 'hint' },
    'A mediaup token (mediaup token create) or a JWT of your issuer. It stays in this tab only and is sent as a Bearer header.'),
  h('button', { type: 'submit' }, 'Sign in with token'));
  fill(main, h('h1', {}, 'Sign in'),
    config.sign_in ? h('div', { class: 'card stack' },
      h('button', { type: 'button', id: 'issuer-sign-in', onclick: () => startIssuerSignIn().catch((e) => { status.textContent = e.message; }) },
        'Sign in with your account'),
      h('p', { class: 'hint' }, 'Or paste a token below.')) : null,
    form, status);
  nav.hidden = true;
  signOut.hidden = true;
  input.focus();
}

/** Who the token is: its scopes decide the pages. False when the server does not accept it. */
async function whoAmI() {
  if (!session.token) return false;
  try {
    const u = (await api('GET', '/2/usage/media', { retries: 2 })).data;
    me.userId = u.user_id;
    me.scopes = u.scopes ?? [];
    me.admin = me.scopes.includes('mediaup.admin');
    me.usage = u;
    return true;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { session.clear(); return false; }
    throw e;
  }
}

const PAGES = { library, upload: uploadPage, account, admin, media: detail };

async function route() {
  if (!session.token || !me.userId) {
    if (!(await whoAmI())) return signInPage();
  }
  nav.hidden = false;
  signOut.hidden = false;
  navAdmin.hidden = !me.admin;
  const m = location.hash.match(/^#\/([a-z]+)(?:\/(.+))?$/);
  const name = m?.[1] ?? 'library';
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const page = PAGES[name] ?? library;
  if (page === admin && !me.admin) {
    fill(main, h('h1', {}, 'Admin'), h('p', { class: 'error' }, 'These pages need a token with the mediaup.admin scope.'));
    return;
  }
  try {
    await page(main, m?.[2] ? decodeURIComponent(m[2]) : null, me);
  } catch (e) {
    main.append(h('p', { class: 'error', role: 'alert' }, e.message));
  }
  document.title = `${main.querySelector('h1')?.textContent ?? 'Console'} — mediaup console`;
}

function theme() {
  const button = document.getElementById('theme');
  const apply = (t) => {
    document.documentElement.dataset.theme = t;
    button.setAttribute('aria-pressed', String(t === 'dark'));
  };
  const stored = localStorage.getItem('mediaup.theme');
  apply(stored ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  button.addEventListener('click', () => {
    const t = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('mediaup.theme', t);
    apply(t);
  });
}

async function start() {
  theme();
  config = await (await fetch('/console/config.json', { credentials: 'omit', cache: 'no-store' })).json();
  signOut.addEventListener('click', () => {
    session.clear();
    me.userId = null;
    location.hash = '';
    signInPage('Signed out.');
  });
  window.addEventListener('mediaup:unauthorized', () => { me.userId = null; session.clear(); signInPage('Your session ended; sign in again.'); });
  window.addEventListener('hashchange', () => {
    if (location.hash === '#main') return; // the skip link
    route();
    main.focus({ preventScroll: true });
  });
  try {
    await finishIssuerSignIn();
  } catch (e) {
    return signInPage(e.message);
  }
  await route();
  window.consoleReady = true; // for the browser tests: the first page is drawn
}

start().catch((e) => fill(main, h('p', { class: 'error', role: 'alert' }, `The console could not start: ${e.message}`)));
