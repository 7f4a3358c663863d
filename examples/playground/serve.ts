// `npm run playground`: builds the browser bundles and serves the playground
// on http://127.0.0.1:8080 (PORT to change it). Open it in a browser with
// WebGPU (Chrome or Edge 113+, recent Safari or Firefox). Rerun after editing
// the sources; the page itself compiles whatever kernel you type.

import { buildBrowser } from '../../browser/build.js';
import { serveStatic } from '../../browser/static-server.js';

const port = Number(process.env.PORT ?? 8080);
const { outdir } = await buildBrowser();
const server = await serveStatic(outdir, port);
console.log(`Tessera playground: ${server.url}/  (Ctrl-C to stop)`);
