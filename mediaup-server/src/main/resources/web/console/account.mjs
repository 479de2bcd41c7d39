// The signed-in user's usage against the server's quotas, and the rate-limit headroom the last responses reported.
import { api, rateLimits } from './api.mjs';
import { h, fill, bytes, when, table } from './dom.mjs';

function meter(id, label, used, limit) {
  return h('div', { class: 'stack' },
    h('label', { for: id }, label),
    limit != null ? h('meter', { id, min: 0, max: limit, value: Math.min(used, limit), high: limit * 0.8, optimum: 0 }) : null,
    h('span', { class: 'hint', id: `${id}-text` }, `${limit != null ? `${bytes(used)} of ${bytes(limit)}` : `${bytes(used)} (no quota)`}`
      + ` · ${used.toLocaleString('en')} bytes`));
}

export async function account(main, _arg, me) {
  const u = (await api('GET', '/2/usage/media')).data;
  me.usage = u;
  const limits = [...rateLimits.entries()].map(([family, r]) => [family, String(r.remaining), String(r.limit),
    when(r.reset)]);
  fill(main, h('h1', {}, 'Account'),
    h('section', { class: 'card', 'aria-labelledby': 'who-h' }, h('h2', { id: 'who-h' }, 'Signed in'),
      h('p', {}, 'User ', h('strong', { id: 'user-id' }, u.user_id)),
      h('p', {}, 'Scopes: ', u.scopes.join(', '))),
    h('section', { class: 'card', 'aria-labelledby': 'usage-h' }, h('h2', { id: 'usage-h' }, 'Usage'),
      meter('stored', 'Stored', u.stored_bytes, u.stored_bytes_limit),
      h('p', { class: 'hint', id: 'stored-hint' }, 'Stored is what the server keeps for you now: the files processing made '
        + '(picture sizes, video renditions, subtitle tracks) and the originals it keeps. Unless the server keeps originals, '
        + 'an uploaded picture or video is replaced by what processing made from it, so an item can count for less than '
        + 'its uploaded size in the library.'),
      meter('today', 'Uploaded today (UTC)', u.uploaded_bytes_today, u.daily_bytes_limit),
      h('p', { class: 'hint' }, `The daily count starts again at ${when(u.day_resets_at)}.`)),
    h('section', { class: 'card', 'aria-labelledby': 'rate-h' }, h('h2', { id: 'rate-h' }, 'Rate limits'),
      limits.length ? table('Rate-limit headroom', ['Family', 'Remaining', 'Limit', 'Window resets'], limits)
        : h('p', {}, 'No limits reported yet.'),
      h('p', { class: 'hint' }, 'From the x-rate-limit-* headers of this tab\'s latest requests.')));
}
