import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { settingsToEnv } from '../lambdas/shared/settings';
import { median } from './stats';

/** A deployed function's entry point: `lambdas/<step>/handler.ts` or `lambdas/<step>/<name>-handler.ts`. */
export interface LambdaEntry {
  /** `check-guard-rails`, or `<folder>/<name>-handler` for an extra handler in a folder. */
  readonly name: string;
  readonly file: string;
}

/**
 * What the CDK NodejsFunction does for `Runtime.NODEJS_22_X` with this repo's cdk.json:
 * esbuild `--bundle --platform=node --target=node22 --format=cjs`, `--minify --sourcemap` (set by our
 * constructs; the map is a separate file next to the bundle), and the SDK left out because the runtime ships it: `@aws-sdk/*`, plus `@smithy/*` because the
 * feature flag `@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages` is on.
 */
export const DEPLOYED_EXTERNALS = ['@aws-sdk/*', '@smithy/*'] as const;

/** Finds every handler under `lambdas/`. */
export function findLambdaEntries(root: string): LambdaEntry[] {
  const dir = join(root, 'lambdas');
  const entries: LambdaEntry[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const path = join(dir, folder);
    if (folder === 'shared' || !statSync(path).isDirectory()) continue;
    for (const file of readdirSync(path).sort()) {
      if (file === 'handler.ts') entries.push({ name: folder, file: join(path, file) });
      else if (file.endsWith('-handler.ts'))
        entries.push({ name: `${folder}/${file.replace(/\.ts$/, '')}`, file: join(path, file) });
    }
  }
  return entries;
}

/** How a function is bundled as deployed. */
export interface DeployedBundling {
  /** What it leaves to the Lambda runtime. */
  readonly externals: readonly string[];
  readonly sourceMap: boolean;
  readonly keepNames: boolean;
}

/** Sizes of one function's bundle. */
export interface BundleSizes {
  /** As deployed: minified, the SDK external where the function leaves it to the runtime. */
  readonly deployedBytes: number;
  /** Minified with the SDK bundled too: what a self-contained bundle would weigh. */
  readonly selfContainedBytes: number;
  /** The source map deployed next to it (0: none). */
  readonly mapBytes: number;
  /** The deployed bundle file. */
  readonly outfile: string;
}

/**
 * Bundles one entry twice with the esbuild API (as deployed, leaving `externals` to the runtime, and
 * self-contained) and measures them.
 */
export async function bundleLambda(
  entry: LambdaEntry,
  outDir: string,
  deployed: DeployedBundling,
): Promise<BundleSizes> {
  const common = {
    entryPoints: [entry.file],
    bundle: true,
    platform: 'node' as const,
    target: 'node22',
    format: 'cjs' as const,
    minify: true,
    logLevel: 'silent' as const,
    write: true,
  };
  const dir = join(outDir, entry.name.replace(/\//g, '__'));
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'index.js');
  await build({
    ...common,
    outfile,
    sourcemap: deployed.sourceMap,
    keepNames: deployed.keepNames,
    external: [...deployed.externals],
  });
  const selfContained = join(dir, 'self-contained.js');
  await build({ ...common, outfile: selfContained });
  return {
    deployedBytes: statSync(outfile).size,
    selfContainedBytes: statSync(selfContained).size,
    mapBytes: deployed.sourceMap ? statSync(`${outfile}.map`).size : 0,
    outfile,
  };
}

/**
 * The child's script: `performance.now()` counts from the process's time origin (its start), so
 * the figure covers Node's bootstrap, loading the bundle (and the SDK it requires), building the
 * clients and the first invocation up to its result.
 */
const RUNNER = `'use strict';
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const beforeLoad = performance.now();
const mod = require(process.env.BENCH_BUNDLE);
const loaded = performance.now();
const event = JSON.parse(fs.readFileSync(process.env.BENCH_EVENT, 'utf8'));
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: 'bench-request',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 300000,
  done() {}, fail() {}, succeed() {},
};
const report = (ok, error) => {
  const done = performance.now();
  fs.writeFileSync(process.env.BENCH_RESULT, JSON.stringify({ ok, error, beforeLoadMs: beforeLoad, loadedMs: loaded, resultMs: done }));
  process.exit(0);
};
Promise.resolve()
  .then(() => mod.handler(event, context))
  .then(() => report(true), (e) => report(false, String((e && e.name) || 'Error') + ': ' + String(e && e.message)));
`;

/** One cold start's timings (ms since process start). */
export interface ColdStart {
  readonly ok: boolean;
  readonly error?: string;
  readonly loadedMs: number;
  readonly resultMs: number;
}

/** The median of several cold starts of one function. */
export interface ColdInit {
  readonly medianMs: number;
  readonly medianLoadMs: number;
  readonly runs: number;
  /** The first error a run returned, if any (the handler still ran to a result). */
  readonly error?: string;
}

/** Settings for the child's environment (the same variables the constructs set). */
const BENCH_ENV: Record<string, string> = {
  ...settingsToEnv({
    account: '123456789012',
    partition: 'aws',
    killSwitchParameter: '/chaos-cadence/kill-switch',
    allowedHours: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'], start: '00:00', end: '23:59' },
    timeZone: 'Europe/Berlin',
    resultsBucket: 'bench-results',
    topicArn: 'arn:aws:sns:eu-central-1:123456789012:bench',
    dashboardName: 'chaos-cadence',
    stackName: 'ChaosCadence',
    runLockTable: 'bench-run-lock',
    runLockSeconds: 7200,
  }),
  // Cold init ends at the handler's result; the sweep's second search (120 s by default) is a wait, not init.
  CHAOS_SWEEP_SECOND_SEARCH_SECONDS: '0',
  AWS_REGION: 'eu-central-1',
  AWS_DEFAULT_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench/secret/key/not/real/bench/secret00',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  POWERTOOLS_SERVICE_NAME: 'chaos-cadence',
};

function runChild(env: NodeJS.ProcessEnv, resultFile: string): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', RUNNER], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      import('node:fs')
        .then(({ readFileSync, rmSync }) => {
          if (!existsSync(resultFile)) throw new Error(`the child wrote no result: ${stderr.slice(0, 500)}`);
          const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ColdStart;
          rmSync(resultFile);
          resolve(result);
        })
        .catch(reject);
    });
  });
}

/**
 * Starts `runs` fresh `node` processes, one after the other, each loading the deployed bundle and
 * invoking the handler once with `event`; the SDK clients reach the local fake through
 * `AWS_ENDPOINT_URL` with fake credentials from the environment, and `@aws-sdk/*` / `@smithy/*`
 * resolve from this repo's node_modules through `NODE_PATH` (in Lambda, from the runtime's).
 */
export async function measureColdInit(
  name: string,
  bundle: string,
  event: unknown,
  options: {
    readonly runs: number;
    readonly endpoint: string;
    readonly root: string;
    readonly workDir: string;
    /** The function's NODE_OPTIONS as deployed (e.g. `--enable-source-maps`). */
    readonly nodeOptions?: string;
    readonly memoryMb?: number;
  },
): Promise<ColdInit> {
  const eventFile = join(options.workDir, `${name.replace(/\//g, '__')}.event.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  const resultFile = join(options.workDir, `${name.replace(/\//g, '__')}.result.json`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...BENCH_ENV,
    AWS_ENDPOINT_URL: options.endpoint,
    ...(options.nodeOptions !== undefined ? { NODE_OPTIONS: options.nodeOptions } : {}),
    ...(options.memoryMb !== undefined ? { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb) } : {}),
    AWS_LAMBDA_FUNCTION_NAME: `chaos-cadence-${name.replace(/\//g, '-')}`,
    NODE_PATH: join(options.root, 'node_modules'),
    BENCH_BUNDLE: bundle,
    BENCH_EVENT: eventFile,
    BENCH_RESULT: resultFile,
  };
  const results: ColdStart[] = [];
  for (let i = 0; i < options.runs; i += 1) results.push(await runChild(env, resultFile));
  const failed = results.find((r) => !r.ok);
  return {
    medianMs: median(results.map((r) => r.resultMs)),
    medianLoadMs: median(results.map((r) => r.loadedMs)),
    runs: results.length,
    ...(failed?.error !== undefined ? { error: failed.error } : {}),
  };
}

/** The SDK clients `lambdas/shared/clients.ts` builds: every function loads all of them. */
export const SHARED_CLIENT_PACKAGES = [
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-auto-scaling',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-fis',
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sns',
] as const;

/**
 * Median time a fresh `node` takes to `require` the given packages (from this repo's node_modules),
 * to attribute cold init: what loading the SDK alone costs.
 */
export async function measureRequire(
  packages: readonly string[],
  runs: number,
  root: string,
): Promise<number> {
  const script = `const t = performance.now(); for (const p of ${JSON.stringify(packages)}) require(p); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], {
        cwd: root,
        env: { PATH: process.env.PATH, NODE_PATH: join(root, 'node_modules') },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('exit', () => resolve(out));
    });
    times.push(Number(output));
  }
  return median(times);
}
