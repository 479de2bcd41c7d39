// The peers mediaup is measured against, in the same run: `node peers.mjs tus PORT DIR` (@tus/server 2.4.5 with
// @tus/file-store) or `node peers.mjs fsync PORT DIR` (the practical limit: receive a body, write it, fsync, answer).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const [kind, port, dir] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });

if (kind === 'tus') {
  const { Server } = await import('@tus/server');
  const { FileStore } = await import('@tus/file-store');
  const tus = new Server({ path: '/files', datastore: new FileStore({ directory: dir }) });
  http.createServer((req, res) => tus.handle(req, res)).listen(Number(port), '127.0.0.1', () => console.log('ready'));
} else if (kind === 'fsync') {
  let n = 0;
  http.createServer((req, res) => {
    const file = path.join(dir, String(n++));
    const out = fs.createWriteStream(file);
    req.pipe(out);
    out.on('finish', () => fs.open(file, 'r+', (e, fd) => fs.fsync(fd, () => fs.close(fd, () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }))));
  }).listen(Number(port), '127.0.0.1', () => console.log('ready'));
} else {
  console.error('usage: node peers.mjs tus|fsync PORT DIR');
  process.exit(2);
}
