#!/usr/bin/env node
// `npm test`: the type check and eslint (one TypeScript program: scripts/check-types-and-lint.mjs), the
// format check and the jest suite, run side by side so that the whole suite keeps within 3 minutes on 2
// cores (about 160 s on a fresh clone). jest streams its output; the others print theirs when they
// finish. Exits non-zero when any of them fails, and closes with a plain "N passed, N failed" line
// counting the jest tests. Arguments are passed on to jest.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const jestJson = join(tmpdir(), `chaos-cadence-jest-${process.pid}.json`);
const extraJestArgs = process.argv.slice(2);

const tasks = [
  // tsc --noEmit and eslint ., on one TypeScript program (see the script).
  { name: 'tsc+eslint', cmd: process.execPath, args: [join('scripts', 'check-types-and-lint.mjs')] },
  { name: 'prettier', cmd: bin('prettier'), args: ['--check', '--log-level', 'warn', '.'] },
  {
    name: 'jest',
    cmd: bin('jest'),
    args: ['--maxWorkers=2', '--json', `--outputFile=${jestJson}`, ...extraJestArgs],
    stream: true,
  },
];

function run(task) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(task.cmd, task.args, { stdio: task.stream ? 'inherit' : 'pipe', env: process.env });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ task, code: 1, output: String(error), seconds: 0 }));
    child.on('close', (code) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      if (!task.stream) {
        process.stdout.write(`\n== ${task.name}: ${code === 0 ? 'ok' : 'FAILED'} (${seconds} s)\n${output}`);
      }
      resolve({ task, code: code ?? 1, seconds });
    });
  });
}

const results = await Promise.all(tasks.map(run));
let summary = '';
try {
  const report = JSON.parse(readFileSync(jestJson, 'utf8'));
  summary = `jest: ${report.numPassedTests} passed, ${report.numFailedTests} failed`;
  rmSync(jestJson, { force: true });
} catch {
  summary = 'jest: wrote no report (see its output above)';
}
console.log('\n== npm test');
for (const { task, code, seconds } of results)
  console.log(`${task.name.padEnd(11)} ${code === 0 ? 'ok' : 'FAILED'} ${seconds} s`);
const failed = results.filter((r) => r.code !== 0).map((r) => r.task.name);
if (failed.length > 0) console.log(`failed: ${failed.join(', ')}`);
console.log(summary);
process.exit(failed.length > 0 ? 1 : 0);
