// Drives the real, unmodified tus-js-client (pinned in package.json) against mediaup's tus endpoint.
// Usage: node tus.mjs <file> <media type> <url-storage file> [kill-after-bytes]
// Env: MEDIAUP_BASE_URL, MEDIAUP_TOKEN (a user token or an upload grant), MEDIAUP_TUS_CHUNK (bytes per PATCH),
// MEDIAUP_TUS_PARALLEL (partial uploads at once; > 1 uses concatenation), MEDIAUP_TUS_PROTOCOL (tus-v1, or
// tus-js-client's IETF resumable-upload modes ietf-draft-03 / ietf-draft-05, which upload to X's one-shot endpoint
// with MEDIAUP_TUS_CATEGORY as media_category), MEDIAUP_TUS_ORIGIN (an Origin header, as a page's script sends).
// With kill-after-bytes, the process kills itself (SIGKILL) once the server acknowledged that many bytes: the next
// run with the same url-storage file finds the upload and resumes it, as an app restarted after a crash would.
// Prints one JSON line: {url, resumed, offsetAtStart, media_id, media_key, size}.
import { statSync, createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Upload, FileUrlStorage } from 'tus-js-client';

const [file, type, storagePath, killAfter] = process.argv.slice(2);
const base = process.env.MEDIAUP_BASE_URL;
const size = statSync(file).size;
const parallel = Number(process.env.MEDIAUP_TUS_PARALLEL || 1);
let offsetAtStart = 0;

const protocol = process.env.MEDIAUP_TUS_PROTOCOL || 'tus-v1';
const ietf = protocol !== 'tus-v1';
const headers = { Authorization: `Bearer ${process.env.MEDIAUP_TOKEN}` };
if (process.env.MEDIAUP_TUS_ORIGIN) headers.Origin = process.env.MEDIAUP_TUS_ORIGIN;
const query = new URLSearchParams({ media_category: process.env.MEDIAUP_TUS_CATEGORY || 'tweet_video', media_type: type });

const upload = new Upload(createReadStream(file), {
  endpoint: ietf ? `${base}/2/media/upload?${query}` : `${base}/files/`,
  protocol,
  // tus-js-client learns the size from the file itself; it refuses uploadSize with parallelUploads
  ...(parallel > 1 ? {} : { uploadSize: size }),
  chunkSize: Number(process.env.MEDIAUP_TUS_CHUNK || 8 * 1024 * 1024),
  // MEDIAUP_TUS_PARALLEL > 1: partial uploads in parallel, then one final upload made of them (concatenation)
  parallelUploads: parallel,
  retryDelays: [0, 500, 1000],
  headers,
  metadata: { filename: basename(file), filetype: type },
  urlStorage: new FileUrlStorage(storagePath),
  fingerprint: async () => `mediaup-test-${basename(file)}-${size}`,
  storeFingerprintForResuming: true,
  removeFingerprintOnSuccess: true,
  onChunkComplete: (chunk, accepted) => {
    if (killAfter && accepted >= Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  },
  onSuccess: (payload) => {
    const res = payload.lastResponse;
    console.log(JSON.stringify({
      url: upload.url, resumed: offsetAtStart > 0, offsetAtStart,
      media_id: res.getHeader('Mediaup-Media-Id'), media_key: res.getHeader('Mediaup-Media-Key'), size,
    }));
  },
  onError: (e) => {
    console.error(`tus upload failed: ${e}`);
    process.exit(1);
  },
});

const previous = await upload.findPreviousUploads();
if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
// what the server says it holds, before this run sends anything (HEAD, as tus-js-client does on resume)
if (previous.length > 0) {
  const version = ietf ? { 'Upload-Draft-Interop-Version': protocol === 'ietf-draft-03' ? '5' : '6' } : { 'Tus-Resumable': '1.0.0' };
  const head = await fetch(previous[0].uploadUrl, { method: 'HEAD', headers: { ...version, ...headers } });
  offsetAtStart = Number(head.headers.get('upload-offset') || 0);
}
upload.start();
