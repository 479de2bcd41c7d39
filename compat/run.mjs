// Drives a real, unmodified X client against mediaup. Usage: node run.mjs <twitter-api-v2|xdk> <image> <video>
// Env: MEDIAUP_BASE_URL, MEDIAUP_TOKEN. Prints one JSON line per upload: {client, file, id, media_key?, state?}.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [client, ...files] = process.argv.slice(2);
const base = process.env.MEDIAUP_BASE_URL;
const token = process.env.MEDIAUP_TOKEN;
const typeOf = (f) => f.endsWith('.png') ? ['image/png', 'tweet_image'] : ['video/mp4', 'tweet_video'];
const out = (o) => console.log(JSON.stringify(o));

if (client === 'twitter-api-v2' || client === 'twitter-api-v2-oauth1') {
  const { TwitterApi } = await import('twitter-api-v2');
  // twitter-api-v2 always calls https.request; an http.Agent is how it is pointed at a plain-http base URL
  const { Agent } = await import('node:http');
  // OAuth 1.0a user context: MEDIAUP_APP_KEY/_APP_SECRET/_ACCESS_TOKEN/_ACCESS_SECRET from `app create` + `token create --oauth1`
  const credentials = client === 'twitter-api-v2' ? token : {
    appKey: process.env.MEDIAUP_APP_KEY, appSecret: process.env.MEDIAUP_APP_SECRET,
    accessToken: process.env.MEDIAUP_ACCESS_TOKEN, accessSecret: process.env.MEDIAUP_ACCESS_SECRET,
  };
  const api = new TwitterApi(credentials, { httpAgent: new Agent({ keepAlive: true }) });
  api.v2.setPrefix(`${base}/2/`);
  for (const f of files) {
    const [media_type, media_category] = typeOf(f);
    const id = await api.v2.uploadMedia(readFileSync(f), { media_type, media_category });
    const status = await api.v2.get('media/upload', { command: 'STATUS', media_id: id });
    out({ client, file: basename(f), id, media_key: status.data.media_key, state: status.data.processing_info?.state ?? 'succeeded', size: status.data.size });
  }
} else if (client === 'xdk') {
  const { Client } = await import('@xdevplatform/xdk');
  const x = new Client({ baseUrl: base, accessToken: token });
  for (const f of files) {
    const bytes = readFileSync(f);
    const [media_type, media_category] = typeOf(f);
    const init = await x.media.initializeUpload({ media_type, media_category, total_bytes: bytes.length });
    const id = init.data.id;
    const chunk = 1024 * 1024;
    for (let i = 0; i * chunk < bytes.length; i++) {
      await x.media.appendUpload(id, { media: bytes.subarray(i * chunk, (i + 1) * chunk).toString('base64'), segment_index: i });
    }
    let data = (await x.media.finalizeUpload(id)).data;
    while (data.processing_info && ['pending', 'in_progress'].includes(data.processing_info.state)) {
      await new Promise((r) => setTimeout(r, data.processing_info.check_after_secs * 1000));
      data = (await x.media.getUploadStatus(id)).data;
    }
    out({ client, file: basename(f), id, media_key: data.media_key ?? data.mediaKey, state: data.processing_info?.state ?? 'succeeded', size: data.size });
  }
  // the one-shot upload, JSON with base64 media
  const png = files.find((f) => f.endsWith('.png'));
  const one = await x.media.upload({ media: readFileSync(png).toString('base64'), media_category: 'tweet_image' });
  out({ client, file: 'one-shot ' + basename(png), id: one.data.id, media_key: one.data.media_key ?? one.data.mediaKey, state: 'succeeded', size: one.data.size });
} else {
  console.error('unknown client ' + client);
  process.exit(2);
}
