import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats';

/** How a timed command ended. */
export interface Timed {
  readonly seconds: number;
  readonly exitCode: number | null;
  /** The last lines of its output, when it failed. */
  readonly tail?: string;
}

/** Runs a command in `cwd` and measures its wall time (output kept only for the failure tail). */
export function timeCommand(command: string, args: readonly string[], cwd: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const seconds = (performance.now() - started) / 1000;
      const tail = output.trim().split('\n').slice(-12).join('\n');
      resolve({ seconds, exitCode, ...(exitCode !== 0 ? { tail } : {}) });
    });
  });
}

/** `npx cdk synth --quiet --output <tmp>`, `runs` times; the median wall time. */
export async function timeSynth(
  root: string,
  runs: number,
): Promise<{ readonly medianSeconds: number; readonly runs: readonly Timed[] }> {
  const results: Timed[] = [];
  for (let i = 0; i < runs; i += 1) {
    const out = mkdtempSync(join(tmpdir(), 'chaos-cadence-bench-synth-'));
    try {
      results.push(await timeCommand('npx', ['cdk', 'synth', '--quiet', '--output', out], root));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return { medianSeconds: median(results.map((r) => r.seconds)), runs: results };
}

/**
 * `npm test`'s suite once (scripts/test.mjs: type check + eslint, prettier and jest side by side; not the
 * pretest's package check), with an empty jest cache as on a fresh clone: its wall time.
 */
export function timeTests(root: string): Promise<Timed> {
  const cache = mkdtempSync(join(tmpdir(), 'chaos-cadence-bench-jest-'));
  return timeCommand(
    process.execPath,
    [join('scripts', 'test.mjs'), '--silent', `--cacheDirectory=${cache}`],
    root,
  ).finally(() => rmSync(cache, { recursive: true, force: true }));
}
