// SPDX-License-Identifier: MIT
// bench.mjs - the comparison half of bench/run.sh: onnxc's emitted BasicUNet
// (the bench_main child process, driven over stdin) against ONNX Runtime
// (onnxruntime-node, CPU, 1 intra-op thread, all graph optimizations), in one
// run, interleaved: rounds of K calls of ours then K calls of ORT, per batch.
// Reports the median time per call of each, GFLOP/s from a FLOP count of the
// model (taken from `onnxc dump`), % of the measured FMA peak, the ratio, and
// checks that both give the same output on the same input. Also printed: the
// fastest call of each (what the machine gives with no other job in the way)
// and how many of the counted conv FLOPs are taps in the zero padding, which
// onnxc's kernels skip (so GFLOP/s and % of peak count work it does not do).
//
// usage: node bench.mjs --bench BENCH_C --model MODEL.onnx --dump DUMP.txt
//                       --peak GFLOPS [--rounds R] [--calls K]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const rounds = Number(args.rounds ?? 10);
const calls = Number(args.calls ?? 25);
const peak = Number(args.peak);

// ---- FLOPs per image, counted from the IR dump (batch 1)
function countFlops(dump) {
  const type = new Map();   // tensor id -> dims
  for (const line of dump.split('\n')) {
    const m = line.match(/^(?:input |const )?%(\d+)\b.*: f32\[([\d,]+)\]/);
    if (m) type.set(m[1], m[2].split(',').map(Number));
  }
  const numel = (d) => d.reduce((a, b) => a * b, 1);
  const parts = { conv: 0, bias: 0, act: 0, pool: 0, add: 0 };
  let convPad = 0;   // of parts.conv: taps that fall in the zero padding
  const ints = (rest, key, dflt) => {
    const m = rest.match(new RegExp(`${key}=\\[([\\d,]+)\\]`));
    return m ? m[1].split(',').map(Number) : dflt;
  };
  for (const line of dump.split('\n')) {
    const m = line.match(/^%(\d+) = (\w+)\(([^)]*)\)(.*)$/);
    if (!m) continue;
    const [, out, op, ins, rest] = m;
    const y = numel(type.get(out));
    const inIds = ins.split(',').map((s) => s.trim().replace('%', ''));
    if (op === 'Conv') {
      const w = type.get(inIds[1]);               // (m, c/group, kh, kw)
      parts.conv += 2 * y * w[1] * w[2] * w[3];   // one multiply and one add per tap
      // taps inside the input, per axis: sum over output positions of the valid taps
      const x = type.get(inIds[0]), yd = type.get(out);
      const pads = ints(rest, 'pads', [0, 0, 0, 0]), st = ints(rest, 'strides', [1, 1]);
      const dil = ints(rest, 'dilations', [1, 1]);
      let inside = 1;
      for (let a = 0; a < 2; a++) {
        let v = 0;
        for (let o = 0; o < yd[2 + a]; o++)
          for (let k = 0; k < w[2 + a]; k++) {
            const i = o * st[a] + k * dil[a] - pads[a];
            if (i >= 0 && i < x[2 + a]) v++;
          }
        inside *= v;
      }
      convPad += 2 * (y / (yd[2] * yd[3])) * w[1] * (yd[2] * yd[3] * w[2] * w[3] - inside);
      if (inIds.length > 2 && inIds[2] !== '_') parts.bias += y;
      if (/act=silu/.test(rest)) parts.act += 4 * y;   // exp, add, divide, multiply
      else if (/act=(relu|sigmoid)/.test(rest)) parts.act += y;
    } else if (op === 'MaxPool') {
      const k = rest.match(/kernel_shape=\[(\d+),(\d+)\]/);
      parts.pool += y * (Number(k[1]) * Number(k[2]) - 1);
    } else if (op === 'Add' || op === 'Sub' || op === 'Mul' || op === 'Div') {
      parts.add += y;
    }
  }
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts, convPad };
}

// ---- our side: the bench_main child
const child = spawn(args.bench, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout });
const pending = [];
lines.on('line', (l) => pending.shift()(l));
const ask = (cmd) => new Promise((resolve) => { pending.push(resolve); child.stdin.write(cmd + '\n'); });
async function oursTimes(b, n) {
  return (await ask(`time ${b} ${n}`)).split(' ').map((t) => Number(t) / 1e6);
}

// ---- ONNX Runtime side
function lcgInput(n) {   // the same numbers as bench_main.c's fill()
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = Math.fround(Math.fround((s >>> 8) * (1 / 16777216)) - 0.5);
  }
  return x;
}
const sessions = {};
for (const b of [1, 8]) {
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential' });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', lcgInput(b * 784), [b, 1, 28, 28]) };
  sessions[b] = { session, feeds };
}
async function ortTimes(b, n) {
  const { session, feeds } = sessions[b];
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t;
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// ---- same output?
const check = {};
for (const b of [1, 8]) {
  const ours = (await ask(`out ${b}`)).split(' ').map(Number);
  const { session, feeds } = sessions[b];
  const theirs = (await session.run(feeds))[session.outputNames[0]].data;
  let maxAbs = 0;
  for (let i = 0; i < theirs.length; i++) maxAbs = Math.max(maxAbs, Math.abs(ours[i] - theirs[i]));
  check[b] = { maxAbs, n: theirs.length, same: ours.length === theirs.length };
}

// ---- warm-up, then interleaved rounds
for (const b of [1, 8]) {
  await oursTimes(b, b === 1 ? 100 : 20);
  await ortTimes(b, b === 1 ? 100 : 20);
}
const samples = { 1: { ours: [], ort: [] }, 8: { ours: [], ort: [] } };
for (let r = 0; r < rounds; r++) {
  for (const b of [1, 8]) {
    samples[b].ours.push(...await oursTimes(b, calls));
    samples[b].ort.push(...await ortTimes(b, calls));
  }
}
child.stdin.end();

// ---- report
const flops = countFlops(readFileSync(args.dump, 'utf8'));
const mflop = flops.total / 1e6;
const p = flops.parts;
console.log(`BasicUNet: ${mflop.toFixed(2)} MFLOP per 28x28 image, counted from the IR ` +
  `(conv ${(p.conv / 1e6).toFixed(2)} = 2 per multiply-add, ` +
  `${(flops.convPad / 1e6).toFixed(2)} of them on taps in the zero padding, which onnxc skips; bias ${(p.bias / 1e6).toFixed(3)}, ` +
  `SiLU ${(p.act / 1e6).toFixed(3)} = 4 per element, max pool ${(p.pool / 1e6).toFixed(3)}, add ${(p.add / 1e6).toFixed(3)})`);
console.log(`FMA peak of one core: ${peak.toFixed(1)} GFLOP/s (bench/fma_peak.c, best of 3 probes)`);
console.log(`ONNX Runtime ${ort.env.versions?.common ?? ''} (onnxruntime-node, CPU EP, 1 intra-op thread, graph optimizations: all)`);
console.log(`${rounds} interleaved rounds of ${calls} calls per engine and batch after warm-up; ` +
  `median of ${rounds * calls} calls each\n`);
console.log('batch  engine         ms/call    GFLOP/s   % of peak   fastest call ms');
for (const b of [1, 8]) {
  for (const [name, key] of [['onnxc (ours)', 'ours'], ['ONNX Runtime', 'ort']]) {
    const ms = median(samples[b][key]);
    const gf = mflop * b / ms;   // MFLOP per ms = GFLOP/s
    console.log(`${String(b).padStart(5)}  ${name.padEnd(13)} ${ms.toFixed(3).padStart(8)} ${gf.toFixed(1).padStart(10)} ${(100 * gf / peak).toFixed(1).padStart(10)}` +
      `   ${Math.min(...samples[b][key]).toFixed(3).padStart(15)}`);
  }
}
console.log('');
for (const b of [1, 8]) {
  const ratio = median(samples[b].ort) / median(samples[b].ours);
  console.log(`batch ${b}: ONNX Runtime / onnxc = ${ratio.toFixed(2)}  (goal >= 1.25)   ` +
    `outputs: max |ours - ORT| = ${check[b].maxAbs.toExponential(2)} over ${check[b].n} values`);
}
