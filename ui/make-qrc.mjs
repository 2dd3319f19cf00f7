// Writes <dist>/../web.qrc listing every file vite built, under the /web/ prefix (index.html at :/web/index.html,
// hashed assets at :/web/assets/...). Usage: node make-qrc.mjs <distDir> <qrcFile>
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [dist, qrc] = process.argv.slice(2);
if (!dist || !qrc) throw new Error('usage: node make-qrc.mjs <distDir> <qrcFile>');

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const files = walk(dist).map((p) => relative(dist, p).split('\\').join('/'));
if (!files.includes('index.html')) throw new Error(`${dist}/index.html is missing: did vite build run?`);
const lines = files.map((f) => `    <file alias="${escape(f)}">${escape(join(dist, f))}</file>`);
writeFileSync(qrc, `<RCC>\n  <qresource prefix="/web">\n${lines.join('\n')}\n  </qresource>\n</RCC>\n`);
