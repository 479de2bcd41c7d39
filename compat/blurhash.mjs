// The reference BlurHash encoder (woltapp's TypeScript, npm "blurhash") over pixels the test hands in:
// stdin [{w, h, cx, cy, px: [0xRRGGBB, …]}, …] → one hash per line, in order.
import { encode } from 'blurhash';

let input = '';
for await (const chunk of process.stdin) input += chunk;
for (const c of JSON.parse(input)) {
  const rgba = new Uint8ClampedArray(c.w * c.h * 4);
  c.px.forEach((p, i) => {
    rgba[4 * i] = (p >> 16) & 255;
    rgba[4 * i + 1] = (p >> 8) & 255;
    rgba[4 * i + 2] = p & 255;
    rgba[4 * i + 3] = 255;
  });
  console.log(encode(rgba, c.w, c.h, c.cx, c.cy));
}
