// SPDX-License-Identifier: MIT
// zoo.mjs - the comparison half of bench/zoo.sh: for each model of the zoo,
// onnxc's emitted code (a zoo_main child process, one per model, driven over
// stdin) against ONNX Runtime (onnxruntime-node, CPU EP, 1 intra-op and 1
// inter-op thread, all graph optimizations, sequential), on torch's seeded
// input, in one run, interleaved: R rounds of K calls of each engine (the
// order alternating from round to round), K chosen per model so that a round
// takes about --budget-ms per engine. Medians of the R*K calls.
//
// Both outputs are checked against torch's: PASS when every element has
// |out - torch| <= 1e-4 max|torch| + 1e-3 |torch| (and no NaN). The absolute
// part is scaled by the output's magnitude because float32 rounding errors
// are: a fixed 1e-4 would be 1 % of a random-weight classifier's logits of
// about 0.01 (too loose), and under one float step for outputs in the
// thousands (too strict). Printed with the largest |out - torch| and that
// divided by max |torch|.
//
// FLOPs are onnxc's own count: 2 x the MACs of `onnxc compile --report`
// (report.txt, written by zoo.sh); % of peak divides GFLOP/s by the FMA peak
// of one core measured by bench/fma_peak.c.
//
// The row also gets the time share per kernel class: each node's median time
// over a few runs (the --profile hooks of the same binary, recording only
// then), classed by its line in `onnxc dump` (dump.txt, the same schedule):
// conv (KxK, group 1), conv1x1, dwconv (group = input channels), gconv (other
// groups), convT, gemm (Gemm, MatMul), pool, resize, norm (the normalizations,
// Softmax), copy (Concat, Slice, Reshape, Transpose, ... data movement) and
// eltwise (the rest).
//
// A model whose export, onnxc compile or C compile failed (the *_error.txt
// files zoo.sh leaves in its folder) gets a row saying so; a model whose run
// fails the same; the other models go on.
//
// usage: node zoo.mjs --dir DIR --models a,b,... --peak GFLOPS [--rounds R]
//                     [--budget-ms MS] [--out RESULTS.md]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const dir = args.dir;
const models = args.models.split(',').filter(Boolean);
const rounds = Number(args.rounds ?? 7);
const budgetMs = Number(args['budget-ms'] ?? 200);
const peak = Number(args.peak);
const ATOL = 1e-4, RTOL = 1e-3;

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const firstLine = (p) => readFileSync(p, 'utf8').split('\n').find((l) => l.trim()) ?? '(empty)';
function readF32(path) {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

// MACs of the "all" row of `onnxc compile --report`, found by the column
// named FLOPs (halved) or MACs in the header (counted from the right: the name column may hold spaces)
function reportMacs(path) {
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n');
  const head = lines.find((l) => /^node\s+op\s/.test(l));
  const all = lines.find((l) => /^all\s/.test(l));
  if (!head || !all) return null;
  const h = head.trim().split(/\s+/), a = all.trim().split(/\s+/);
  // the report counts FLOPs (2 per multiply-add) since the kernel pass; older ones MACs
  const flops = h.indexOf('FLOPs') >= 0;
  const fromRight = h.length - h.indexOf(flops ? 'FLOPs' : 'MACs');
  const v = Number(a[a.length - fromRight]);
  return Number.isFinite(v) ? (flops ? v / 2 : v) : null;
}

function compare(out, ref) {
  if (out.length !== ref.length) return { pass: false, text: `FAIL: ${out.length} values, torch has ${ref.length}` };
  let maxAbs = 0, maxRef = 0, worst = 0, nan = 0;
  for (let i = 0; i < ref.length; i++) maxRef = Math.max(maxRef, Math.abs(ref[i]));
  const atol = ATOL * maxRef;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(out[i] - ref[i]);
    if (Number.isNaN(d)) { nan++; continue; }
    maxAbs = Math.max(maxAbs, d);
    worst = Math.max(worst, d / (atol + RTOL * Math.abs(ref[i]) + Number.MIN_VALUE));
  }
  const pass = nan === 0 && worst <= 1;
  const rel = maxRef > 0 ? maxAbs / maxRef : 0;
  return { pass, maxAbs, rel,
    text: `${pass ? 'PASS' : 'FAIL'} ${maxAbs.toExponential(1)} / ${rel.toExponential(1)}${nan ? ` (${nan} NaN)` : ''}` };
}

// ---- kernel classes, from the IR dump
const COPY_OPS = new Set(['Concat', 'Slice', 'Split', 'Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze',
  'DepthToSpace', 'SpaceToDepth', 'Pad', 'Gather', 'Identity', 'Expand', 'Tile', 'Cast', 'Shape']);
const NORM_OPS = new Set(['BatchNormalization', 'LayerNormalization', 'InstanceNormalization',
  'GroupNormalization', 'LpNormalization', 'Softmax', 'LogSoftmax']);
const POOL_OPS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceMax']);
function nodeClasses(dumpText) {
  const type = new Map();
  const classes = [];
  for (const line of dumpText.split('\n')) {
    const t = line.match(/^(?:input |const )?%(\d+)\b.*?: \w+\[([\d,]*)\]/);
    if (t && !line.includes(' = ')) type.set(t[1], t[2].split(',').map(Number));
    const m = line.match(/^%[\d, %]+ = (\w+)\(([^)]*)\)(.*)$/);
    if (!m) continue;
    const [, op, ins, rest] = m;
    let c = 'eltwise';
    if (op === 'Conv') {
      const w = type.get(ins.split(',')[1]?.trim().replace('%', '')) ?? [];
      const g = Number(rest.match(/group=(\d+)/)?.[1] ?? 1);
      const k = rest.match(/kernel_shape=\[([\d,]+)\]/)?.[1] ?? (w.length > 2 ? w.slice(2).join(',') : '');
      if (g > 1 && w[1] === 1) c = 'dwconv';
      else if (g > 1) c = 'gconv';
      else if (k.split(',').every((v) => v === '1')) c = 'conv1x1';
      else c = 'conv';
    } else if (op === 'ConvTranspose') c = 'convT';
    else if (op === 'Gemm' || op === 'MatMul') c = 'gemm';
    else if (POOL_OPS.has(op)) c = 'pool';
    else if (op === 'Resize' || op === 'Upsample') c = 'resize';
    else if (NORM_OPS.has(op)) c = 'norm';
    else if (COPY_OPS.has(op)) c = 'copy';
    classes.push({ op, c });
  }
  return classes;
}

// "conv 61% dwconv 22% ..." (classes of at least 1 %) from the per-node ns
// line of zoo_main's "nodes" command
function classShares(line, classes) {
  const ns = line.trim().split(' ').map(Number);
  if (ns.length !== classes.length) return { text: `${ns.length} timed nodes, the dump has ${classes.length}` };
  const sum = {};
  let total = 0;
  ns.forEach((t, i) => { sum[classes[i].c] = (sum[classes[i].c] ?? 0) + t; total += t; });
  const parts = Object.entries(sum).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.01 * total)
    .map(([c, v]) => `${c} ${(100 * v / total).toFixed(0)}%`);
  return { text: parts.join(' '), sum, total };
}

// ---- one zoo_main child
function driver(bin, input) {
  const child = spawn(bin, [input], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const pending = [];
  let stderr = '', dead = null;
  child.stderr.on('data', (d) => { stderr += d; });
  lines.on('line', (l) => pending.shift()?.resolve(l));
  child.on('exit', (code, sig) => {
    dead = `zoo_main exited (${sig ?? code})${stderr.trim() ? ': ' + stderr.trim().split('\n').pop() : ''}`;
    for (const p of pending.splice(0)) p.reject(new Error(dead));
  });
  child.stdin.on('error', () => {});
  const ask = (cmd) => new Promise((resolve, reject) => {
    if (dead) { reject(new Error(dead)); return; }
    pending.push({ resolve, reject });
    child.stdin.write(cmd + '\n');
  });
  return {
    times: async (n) => (await ask(`time ${n}`)).split(' ').map((t) => Number(t) / 1e6),
    nodes: async (n) => ask(`nodes ${n}`),
    out: async (path) => { const r = await ask(`out ${path}`); if (r !== 'ok') throw new Error(r); return readF32(path); },
    close: () => child.stdin.end(),
  };
}

async function ortEngine(modelPath, input, dims) {
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential' });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, dims) };
  const run = async () => (await session.run(feeds))[session.outputNames[0]].data;
  return {
    times: async (n) => {
      const t = [];
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        await session.run(feeds);
        t.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return t;
    },
    out: run,
    release: async () => session.release?.(),
  };
}

async function benchModel(name) {
  const d = join(dir, name);
  const row = { name, input: '', ours: null, ort: null, ratio: null, gflops: null, pct: null,
    cc: '', oursCheck: '', ortCheck: '', note: '' };
  for (const [f, what] of [['export_error.txt', 'export failed'], ['compile_error.txt', 'onnxc compile failed'],
                           ['cc_error.txt', 'C compile failed']]) {
    if (existsSync(join(d, f))) { row.note = `${what}: ${firstLine(join(d, f))}`; break; }
  }
  if (existsSync(join(d, 'meta.json'))) {
    const meta = JSON.parse(readFileSync(join(d, 'meta.json'), 'utf8'));
    row.meta = meta;
    row.input = meta.input.slice(1).join('x');
  }
  if (!existsSync(join(d, 'compile_error.txt')) && existsSync(join(d, 'cc_time.txt'))) row.cc = readFileSync(join(d, 'cc_time.txt'), 'utf8').trim();
  if (!row.meta || !existsSync(join(d, 'model.onnx'))) { row.note ||= 'not exported'; return row; }
  const input = readF32(join(d, 'input.f32'));
  const ref = readF32(join(d, 'output.f32'));
  const macs = reportMacs(join(d, 'report.txt'));
  if (macs !== null) row.macs = macs;

  const engines = {};
  if (!row.note) {
    try {
      engines.ours = driver(join(d, 'zoo_main'), join(d, 'input.f32'));
      row.oursCheck = compare(await engines.ours.out(join(d, 'onnxc_out.f32')), ref);
    } catch (e) { row.note = `onnxc run failed: ${e.message}`; delete engines.ours; }
  }
  try {
    engines.ort = await ortEngine(join(d, 'model.onnx'), input, row.meta.input);
    row.ortCheck = compare(await engines.ort.out(), ref);
  } catch (e) {
    row.note = [row.note, `ORT failed: ${String(e.message).split('\n')[0]}`].filter(Boolean).join('; ');
    delete engines.ort;
  }
  const keys = Object.keys(engines);
  if (keys.length) {
    try {
      // one call each to warm up, one to estimate, then K calls per round
      const est = {};
      for (const k of keys) { await engines[k].times(1); est[k] = (await engines[k].times(1))[0]; }
      const slow = Math.max(...Object.values(est));
      const calls = Math.max(1, Math.min(200, Math.round(budgetMs / slow)));
      for (const k of keys) await engines[k].times(calls);   // warm-up
      const samples = Object.fromEntries(keys.map((k) => [k, []]));
      for (let r = 0; r < rounds; r++) {
        for (const k of r % 2 ? [...keys].reverse() : keys) samples[k].push(...await engines[k].times(calls));
      }
      row.calls = calls;
      for (const k of keys) row[k] = median(samples[k]);
    } catch (e) {
      row.note = [row.note, `timing failed: ${e.message}`].filter(Boolean).join('; ');
    }
  }
  if (row.ours && existsSync(join(d, 'dump.txt'))) {
    try {
      const runs = Math.max(3, Math.min(25, Math.round(1000 / row.ours)));
      const shares = classShares(await engines.ours.nodes(runs), nodeClasses(readFileSync(join(d, 'dump.txt'), 'utf8')));
      row.classes = shares.text;
      row.classSum = shares.sum;
    } catch (e) {
      row.classes = `failed: ${e.message}`;
    }
  }
  engines.ours?.close();
  await engines.ort?.release();
  if (row.ours && row.ort) row.ratio = row.ort / row.ours;
  if (row.ours && row.macs) {
    row.gflops = 2 * row.macs / 1e6 / row.ours;   // MFLOP per ms = GFLOP/s
    row.pct = 100 * row.gflops / peak;
  }
  return row;
}

const fx = (v, n) => (v === null || v === undefined ? '-' : v.toFixed(n));
const ms = (v) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const header = '| model | input | onnxc ms | ORT ms | ORT/onnxc | GFLOP/s | % of peak | C compile s | onnxc vs torch | ORT vs torch | onnxc time by kernel class |';
const rule = '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
console.log(`FMA peak of one core: ${peak.toFixed(1)} GFLOP/s (bench/fma_peak.c, the best probe on this machine so far); ONNX Runtime ${ort.env.versions?.common ?? ''} ` +
  `(onnxruntime-node, CPU EP, 1 intra-op + 1 inter-op thread, graph optimizations: all)`);
console.log(`${rounds} interleaved rounds per model of K calls per engine (K: about ${budgetMs} ms per round); medians`);
console.log(`checks: max |out - torch| / that over max |torch|; PASS when every |out - torch| <= ${ATOL} max|torch| + ${RTOL} |torch|\n`);
console.log(header);
console.log(rule);
const rows = [], lines = [header, rule];
for (const name of models) {
  let row;
  try { row = await benchModel(name); } catch (e) { row = { name, note: `failed: ${e.message}` }; }
  rows.push(row);
  const undercount = row.macs !== undefined && row.meta && row.macs < 0.95 * row.meta.torch_macs;
  const cells = [row.name, row.input || '-', ms(row.ours), ms(row.ort), fx(row.ratio, 2),
    fx(row.gflops, 1) + (undercount && row.gflops !== null ? ' *' : ''), fx(row.pct, 1), row.cc || '-',
    row.oursCheck?.text ?? '-', row.ortCheck?.text ?? '-'];
  cells.push(row.classes ?? '-');
  let line = `| ${cells.join(' | ')} |`;
  if (row.note) line += ` ${row.note}`;
  console.log(line);
  lines.push(line);
}
const ratios = rows.map((r) => r.ratio).filter((r) => r);
const geo = ratios.length ? Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length) : null;
const tail = [
  '',
  `geomean ORT/onnxc over ${ratios.length} of ${rows.length} models: ${fx(geo, 2)}`,
  `outputs within tolerance of torch: onnxc ${rows.filter((r) => r.oursCheck?.pass).length}, ` +
    `ORT ${rows.filter((r) => r.ortCheck?.pass).length} of ${rows.length}`,
];
const under = rows.filter((r) => r.macs !== undefined && r.meta && r.macs < 0.95 * r.meta.torch_macs);
if (under.length) {
  tail.push(`* onnxc's MAC count misses part of the work torch counts in Conv2d/ConvTranspose2d/Linear: ` +
    under.map((r) => `${r.name} ${(r.macs / 1e6).toFixed(0)} of ${(r.meta.torch_macs / 1e6).toFixed(0)} M`).join(', '));
}

for (const l of tail) console.log(l);
if (args.out) writeFileSync(args.out, [...lines, ...tail].join('\n') + '\n');
