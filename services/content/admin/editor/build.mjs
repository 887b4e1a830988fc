// Bundles src/ into services/content/admin/bien-tap.js, the one script the
// content service serves at /quan-tri/bien-tap.js. esbuild's output depends
// only on the sources and package-lock.json, so rebuilding leaves the
// committed bundle unchanged.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

await build({
  entryPoints: [here('./src/main.js')],
  outfile: here('../bien-tap.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  // The workspace targets current browsers; older ones keep the text area.
  target: ['es2020'],
  // Vietnamese strings stay readable (and smaller) instead of \u escapes;
  // the service sends the file as UTF-8.
  charset: 'utf8',
  // The libraries' licence notices travel with the bundle.
  legalComments: 'eof',
  banner: {
    js: '// The board\'s rich-text editor, bundled from services/content/admin/editor/ by `make editor`.',
  },
  logLevel: 'warning',
});
