// Uppy (Dashboard + Tus) against mediaup's tus endpoint, with an upload grant as the bearer token. With
// ?protocol=ietf-draft-05 (or -03) the same plugin speaks the IETF draft of resumable uploads for HTTP instead, to X's
// one-shot endpoint: mediaup takes the media type from the `type` Uppy sends and the category from the query.
import { Uppy, Dashboard, Tus } from './uppy.min.mjs';

const status = document.getElementById('status');
const { api, endpoint, token } = await (await fetch('grant', { method: 'POST' })).json();
const protocol = new URLSearchParams(location.search).get('protocol') ?? 'tus-v1';

const uppy = new Uppy({ autoProceed: true, restrictions: { maxNumberOfFiles: 1 } })
  .use(Dashboard, { inline: true, target: '#uploader', proudlyDisplayPoweredByUppy: false })
  .use(Tus, {
    endpoint: protocol === 'tus-v1' ? endpoint : `${api}/2/media/upload?media_category=tweet_video`,
    protocol,
    headers: { Authorization: `Bearer ${token}` },
    chunkSize: 5 * 1024 * 1024,
    retryDelays: [0, 1000, 3000],
    // the Upload-Metadata Uppy sends: mediaup takes the media type from `type` (or tus's usual `filetype`)
    allowedMetaFields: ['name', 'type'],
  });

uppy.on('complete', (result) => {
  const done = result.successful.map((f) => ({ name: f.name, url: f.uploadURL }));
  status.textContent = done.length ? `Uploaded ${done.map((d) => d.name).join(', ')}` : 'Upload failed';
  window.uploadResult = { successful: done, failed: result.failed.map((f) => String(f.error)) };
});
window.uppy = uppy;
