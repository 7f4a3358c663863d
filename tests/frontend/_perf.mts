import { parseKernel } from '../../compiler/frontend/parse.js';
let t = performance.now();
parseKernel('function k(a) { return a }');
console.log('first parse (with self-analysis)', (performance.now() - t).toFixed(1), 'ms');
const body = Array.from({ length: 300 }, (_, i) => `  const v${i} = tl.load(x.add(offs + ${i}), { mask: (offs + ${i}) < n, other: 0 }) * (a${i % 7} + b) - c[${i}];`).join('\n');
const src = `function big(x, n) {\n${body}\n}`;
t = performance.now();
for (let i = 0; i < 10; i++) parseKernel(src);
console.log('300-line kernel', ((performance.now() - t) / 10).toFixed(1), 'ms');
