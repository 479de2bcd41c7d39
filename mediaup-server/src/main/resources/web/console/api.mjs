// The console's only way to the server: mediaup's public HTTP API, with the signed-in token as a Bearer header.
// No cookies are involved (credentials: 'omit'), so no other site can make the browser act for the user. Failed
// requests are retried on 5xx, 429 and network errors, honouring Retry-After; every 4xx/5xx becomes an ApiError
// carrying X's error text.

const TOKEN = 'mediaup.token'; // shared with /docs: signing in on one signs in the other, in this tab only

export const session = {
  get token() { return sessionStorage.getItem(TOKEN); },
  set(token) { sessionStorage.setItem(TOKEN, token); },
  clear() { sessionStorage.removeItem(TOKEN); },
};

/** The last x-rate-limit-* headers seen, per family (upload, status, read), for the account page. */
export const rateLimits = new Map();

export class ApiError extends Error {
  constructor(status, body) {
    const first = body?.errors?.[0];
    super(body?.detail ?? first?.detail ?? first?.message ?? body?.title ?? `The server answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function family(method, path) {
  if (method !== 'GET') return 'upload';
  return path.startsWith('/2/media/upload') ? 'status' : 'read';
}

function noteRateLimit(method, path, r) {
  const limit = r.headers.get('x-rate-limit-limit');
  if (limit == null) return;
  rateLimits.set(family(method, path), {
    limit: Number(limit), remaining: Number(r.headers.get('x-rate-limit-remaining')),
    reset: Number(r.headers.get('x-rate-limit-reset')), seen: Date.now(),
  });
}

/** How long to wait before retrying: Retry-After (seconds or a date), else the rate-limit reset, else backoff. */
export function retryDelay(r, attempt) {
  const after = r?.headers.get('retry-after');
  if (after) {
    const secs = Number(after);
    if (Number.isFinite(secs)) return Math.min(60_000, secs * 1000);
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.min(60_000, Math.max(0, at - Date.now()));
  }
  if (r?.status === 429 && r.headers.get('x-rate-limit-reset'))
    return Math.min(60_000, Math.max(0, Number(r.headers.get('x-rate-limit-reset')) * 1000 - Date.now()));
  return Math.min(30_000, 500 * 2 ** attempt);
}

/**
 * Calls the API. {json} sends a JSON body; {body} anything fetch takes (FormData for appends). Answers the parsed
 * JSON ({} for an empty body); throws ApiError for a 4xx/5xx that retries did not cure.
 */
export async function api(method, path, { json, body, headers = {}, signal, retries = 4 } = {}) {
  const sendHeaders = { ...headers };
  if (session.token) sendHeaders.Authorization = `Bearer ${session.token}`;
  if (json !== undefined) sendHeaders['Content-Type'] = 'application/json';
  for (let attempt = 0; ; attempt++) {
    let r;
    try {
      r = await fetch(path, {
        method, headers: sendHeaders, body: json !== undefined ? JSON.stringify(json) : body,
        credentials: 'omit', cache: 'no-store', signal,
      });
    } catch (e) {
      if (signal?.aborted || attempt >= retries) throw e;
      await sleep(retryDelay(null, attempt));
      continue;
    }
    noteRateLimit(method, path, r);
    if ((r.status >= 500 || r.status === 429) && attempt < retries) {
      await sleep(retryDelay(r, attempt));
      continue;
    }
    const text = await r.text();
    let parsed = {};
    try { parsed = text ? JSON.parse(text) : {}; } catch { parsed = { detail: text.slice(0, 200) }; }
    if (r.status === 401 && !path.startsWith('/2/usage')) window.dispatchEvent(new CustomEvent('mediaup:unauthorized'));
    if (!r.ok) throw new ApiError(r.status, parsed);
    return parsed;
  }
}

/**
 * Follows an upload's processing on the server-sent event stream (GET /2/media/upload/{id}/events), calling
 * onStatus with each STATUS object until a settled state; where streaming fails, polls STATUS at check_after_secs.
 */
export async function follow(id, onStatus, signal) {
  let last = null;
  try {
    const r = await fetch(`/2/media/upload/${id}/events`, {
      headers: { Authorization: `Bearer ${session.token}` }, credentials: 'omit', cache: 'no-store', signal,
    });
    if (!r.ok || !r.body) throw new Error(`events: ${r.status}`);
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let cut; (cut = buffer.indexOf('\n\n')) >= 0; buffer = buffer.slice(cut + 2)) {
        const data = buffer.slice(0, cut).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (data) { last = JSON.parse(data); onStatus(last); }
      }
    }
  } catch (e) {
    if (signal?.aborted) throw e;
  }
  for (;;) { // the stream ended early (a node stopped) or is unavailable: STATUS until settled
    const state = last?.data?.processing_info?.state;
    if (last && (!state || state === 'succeeded' || state === 'failed')) return last;
    await sleep(1000 * (last?.data?.processing_info?.check_after_secs ?? 1));
    last = await api('GET', `/2/media/upload?command=STATUS&media_id=${id}`, { signal });
    onStatus(last);
  }
}
