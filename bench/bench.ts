/**
 * `npm run bench`: what a chaos-cadence run costs and how fast the pieces are. A benchmark, not a
 * test: it prints a table (targets next to the figures, PASS/FAIL marks) and exits 0; it exits 1 only
 * when something could not be measured.
 *
 *   npm run bench                       everything (15 cold starts per function, 3 synths, the tests)
 *   npm run bench -- --quick            3 cold starts per function, no synth, no tests
 *   npm run bench -- --skip-tests       everything but the test suite
 *   npm run bench -- --json out.json    also writes { "figures": { "<name>": { "value", "unit" } } }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../lib/config/load';
import { durationSeconds } from '../lib/config/duration';
import { FIS_MAX_DURATION_SECONDS } from '../lib/config/schema';
import type { Scenario } from '../lib/rehearsal/scenario';
import { timeSynth, timeTests } from './commands';
import { startFakeAws } from './fake-aws';
import { HISTORY_EVENT_LIMIT } from './history-model';
import { benchEvents } from './lambda-events';
import {
  DEPLOYED_EXTERNALS,
  type DeployedBundling,
  SHARED_CLIENT_PACKAGES,
  bundleLambda,
  findLambdaEntries,
  measureColdInit,
  measureRequire,
} from './lambdas';
import { deployedFunctions, type DeployedFunctions } from './memory';
import { fisCost, orchestrationCost } from './pricing';
import {
  abortLatencySeconds,
  killSwitchLatencySeconds,
  configVariant,
  lambdaUsage,
  rehearse,
  scenarioFrom,
  taskFunctions,
  type ConfigChanges,
  type Rehearsed,
} from './rehearsal';
import { maxProbes, measurePayload, neverRecovers, wideConfig } from './payloads';
import { PAYLOAD_BUDGET_BYTES } from '../lib/workflow/payload-budget';
import { PUBLISH_RESULTS_BUNDLING } from '../lib/constructs/results';
import { Report } from './report';
import { round } from './stats';

/** Command-line options. */
interface Options {
  readonly quick: boolean;
  readonly skipTests: boolean;
  readonly json?: string;
  readonly config: string;
}

/** The bench could not measure something it must. */
class BenchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
  }
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let skipTests = false;
  let json: string | undefined;
  let config = 'chaos-cadence.config.yaml';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--skip-tests') skipTests = true;
    else if (arg === '--json') json = argv[++i];
    else if (arg === '--config') config = argv[++i] ?? config;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: npm run bench -- [--quick] [--skip-tests] [--json FILE] [--config FILE]\n',
      );
      process.exit(0);
    } else throw new BenchError(`unknown option ${String(arg)} (try --help)`);
  }
  if (json === undefined && argv.includes('--json')) throw new BenchError('--json needs a file name');
  return { quick, skipTests: skipTests || quick, ...(json !== undefined ? { json } : {}), config };
}

const ROOT = resolve(__dirname, '..');
const SCENARIOS = join(ROOT, 'scenarios');
const POLL_INTERVALS = [5, 15, 60] as const;

/** How a function is bundled as deployed (lib/constructs/ decides): what it leaves to the runtime, its map. */
function bundlingOf(name: string): DeployedBundling {
  return name === 'publish-results'
    ? {
        externals: PUBLISH_RESULTS_BUNDLING.externalModules,
        sourceMap: PUBLISH_RESULTS_BUNDLING.sourceMap,
        keepNames: PUBLISH_RESULTS_BUNDLING.keepNames,
      }
    : { externals: DEPLOYED_EXTERNALS, sourceMap: true, keepNames: false };
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** The same timeline with every stop-condition ALARM moment moved by `seconds` (a later alarm). */
function shiftAlarms(scenario: Scenario, seconds: number): Scenario {
  const alarms: Scenario['alarms'] = {};
  for (const [name, timeline] of Object.entries(scenario.alarms)) {
    alarms[name] = timeline.map((entry) =>
      entry.state === 'ALARM'
        ? { ...entry, at: { ...entry.at, offsetSeconds: entry.at.offsetSeconds + seconds } }
        : entry,
    );
  }
  return { ...scenario, alarms };
}

async function lambdaFigures(
  report: Report,
  options: Options,
  workDir: string,
  deployed: DeployedFunctions,
): Promise<void> {
  const runs = options.quick ? 3 : 15;
  const entries = findLambdaEntries(ROOT);
  const fake = await startFakeAws();
  try {
    const { events, definition } = benchEvents(loadConfig({ path: options.config, cwd: ROOT }), fake.url);
    fake.setStateMachineDefinition(definition);
    report.section(
      `Lambdas (bundle: esbuild API, minified, node22 cjs, as deployed: external ${DEPLOYED_EXTERNALS.join(' ')}, but publish-results bundles its own SDK; init: median of ${runs} fresh node processes)`,
    );
    const failures: string[] = [];
    for (const entry of entries) {
      log(`bundling and cold-starting ${entry.name} (${runs}x)`);
      const sizes = await bundleLambda(entry, join(workDir, 'bundles'), bundlingOf(entry.name));
      const event = events[entry.name];
      report.add({
        name: `bundle.${entry.name}`,
        value: round(sizes.deployedBytes / 1024),
        unit: 'KB',
        target: { max: 300, label: '<= 300 KB' },
        note: `${sizes.mapBytes > 0 ? `+ ${round(sizes.mapBytes / 1024)} KB source map` : 'no source map'}; self-contained (SDK bundled too): ${round(sizes.selfContainedBytes / 1024)} KB`,
      });
      if (event === undefined) {
        report.note(
          `no bench event for ${entry.name}: cold init not measured (add one to bench/lambda-events.ts)`,
        );
        continue;
      }
      const fn = deployed.found[entry.name];
      const init = await measureColdInit(entry.name, sizes.outfile, event, {
        runs,
        endpoint: fake.url,
        root: ROOT,
        workDir,
        memoryMb: deployed.memoryOf(entry.name),
        ...(fn?.nodeOptions !== undefined ? { nodeOptions: fn.nodeOptions } : {}),
      });
      if (init.error) failures.push(`${entry.name}: ${init.error}`);
      report.add({
        name: `init.${entry.name}`,
        value: round(init.medianMs),
        unit: 'ms',
        target: { max: 150, label: '<= 150 ms' },
        note: `of which loading the bundle + SDK: ${round(init.medianLoadMs)} ms${fn?.nodeOptions ? `; NODE_OPTIONS=${fn.nodeOptions}` : ''}${init.error ? '; handler threw' : ''}`,
      });
    }
    log('timing require() of the SDK clients alone');
    const requireRuns = Math.min(runs, 5);
    const allClients = await measureRequire(SHARED_CLIENT_PACKAGES, requireRuns, ROOT);
    const pollClients = await measureRequire(
      ['@aws-sdk/client-fis', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-ssm'],
      requireRuns,
      ROOT,
    );
    report.add({
      name: 'init.sdkRequire.allSharedClients',
      value: round(allClients),
      unit: 'ms',
      note: `require() of the ${SHARED_CLIENT_PACKAGES.length} clients lambdas/shared/clients.ts imports (all six functions built on it load every one), median of ${requireRuns}`,
    });
    report.add({
      name: 'init.sdkRequire.pollClientsOnly',
      value: round(pollClients),
      unit: 'ms',
      note: `require() of only the 3 clients PollStopConditions uses (fis, cloudwatch, ssm), median of ${requireRuns}`,
    });
    report.note(
      "cold init = process start (performance.timeOrigin) to the handler's result, in a fresh `node` (v" +
        `${process.versions.node}; Lambda runs 22) per run: loads the bundle, requires @aws-sdk/* and @smithy/* from ` +
        'node_modules via NODE_PATH (the Lambda runtime provides them), builds the clients, and invokes the handler once; ' +
        'every client reaches a local fake AWS (bench/fake-aws.ts, 127.0.0.1, AWS_ENDPOINT_URL) with fake env credentials, ' +
        'which answers minimal valid responses; HTTP probes hit its /health.',
    );
    report.note(
      'bundle = as deployed by NodejsFunction for NODEJS_22_X: @aws-sdk/* is external by default, and @smithy/* too because ' +
        'cdk.json enables @aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages; publish-results sets externalModules to ' +
        `[${PUBLISH_RESULTS_BUNDLING.externalModules.join(', ')}] and no source map (PUBLISH_RESULTS_BUNDLING): its deployed bundle carries its own SDK.`,
    );
    if (failures.length > 0)
      report.note(`handlers that threw during cold init (still timed): ${failures.join('; ')}`);
    const generic = [...fake.generic];
    if (generic.length > 0)
      report.note(`fake AWS answered these with a generic empty success: ${generic.join(', ')}`);
  } finally {
    await fake.close();
  }
}

function requirePassed(run: Rehearsed, what: string, expected: string): void {
  if (run.outcome !== expected) {
    throw new BenchError(
      `${what}: expected outcome ${expected}, got ${run.outcome ?? run.result.status}${run.result.error ? ` (${run.result.error.error}: ${run.result.error.cause})` : ''}`,
    );
  }
}

async function rehearsalFigures(report: Report, options: Options, memory: DeployedFunctions): Promise<void> {
  const configFile = resolve(ROOT, options.config);
  const loaded = configVariant(configFile, {});
  const healthy = scenarioFrom(join(SCENARIOS, 'healthy.yaml'));
  const functions = taskFunctions();

  log('rehearsing the default run (scenarios/healthy.yaml)');
  const run = await rehearse(loaded, healthy);
  requirePassed(run, 'default run', 'passed');
  const plan = run.result.journal?.experiments[0]?.plan;
  const faultSeconds = plan?.fault.durationSeconds ?? 0;
  const usage = lambdaUsage(run.tapped, functions, memory.memoryOf);
  const cost = orchestrationCost(
    run.history.stateTransitions,
    usage.gbSeconds,
    run.history.lambdaInvocations,
  );
  const fis = fisCost(faultSeconds);
  report.section(
    `Default run (rehearsed: ${plan?.name ?? '?'}, ${faultSeconds / 60}-minute fault, poll ${plan?.pollIntervalSeconds ?? '?'} s, outcome ${run.outcome ?? '?'}, ${round(run.result.virtualSeconds)} virtual s in ${run.result.wallMs} ms)`,
  );
  report.add({ name: 'run.stateTransitions', value: run.history.stateTransitions, unit: 'transitions' });
  report.add({ name: 'run.historyEvents', value: run.history.historyEvents, unit: 'events' });
  report.add({
    name: 'run.lambdaInvocations',
    value: run.history.lambdaInvocations,
    unit: 'invocations',
    note: Object.entries(run.history.invocationsByState)
      .map(([s, n]) => `${s} ${n}`)
      .join(', '),
  });
  report.add({
    name: 'run.lambdaGbSeconds',
    value: round(usage.gbSeconds, 3),
    unit: 'GB-s',
    note: Object.entries(usage.billedSecondsByFunction)
      .map(([fn, s]) => `${fn} ${round(s, 3)} s x ${memory.memoryOf(fn)} MB`)
      .join(', '),
  });
  report.add({
    name: 'run.orchestrationCost',
    value: cost.total,
    unit: 'USD',
    note: `Step Functions ${cost.stepFunctions.toFixed(6)} + Lambda GB-s ${cost.lambdaCompute.toFixed(6)} + requests ${cost.lambdaRequests.toFixed(7)}`,
  });
  report.add({
    name: 'run.fisCost',
    value: fis,
    unit: 'USD',
    note: `1 action x ${faultSeconds / 60} min x $0.10`,
  });
  report.add({
    name: 'run.costRatio',
    value: round((cost.total / fis) * 100, 3),
    unit: '%',
    target: { max: 2, label: '<= 2 %' },
    note: 'orchestration / FIS',
  });
  const missing = Object.values(functions).filter((fn) => memory.found[fn] === undefined);
  if (memory.error)
    report.note(`the stack did not build in-process (${memory.error}); memory priced at 128 MB`);
  else
    report.note(
      missing.length > 0
        ? `memory: ${[...new Set(missing)].join(', ')} not found as AWS::Lambda::Function in the stack (functions: ${memory.functions.length}); priced at Lambda's default 128 MB`
        : `memory sizes read from the stack (built in-process): ${Object.entries(memory.found)
            .map(([fn, f]) => `${fn} ${f.memoryMb} MB`)
            .join(', ')}`,
    );
  report.note(
    "GB-s = per invocation (virtual handler time, i.e. PollStopConditions' sleeps, + real compute time while virtual time stood still), " +
      'rounded up to 1 ms, x configured memory; AWS API latencies of a real account are not in it (simulated calls are instant). ' +
      'Prices: Step Functions Standard $0.025/1,000 transitions, Lambda arm64 $0.0000133334/GB-s + $0.20/1M requests, FIS $0.10/action-minute.',
  );
  report.note(
    'history events are modelled from the local event log (bench/history-model.ts): Task = entered + 3 per attempt + exited, ' +
      'Pass/Choice/Wait = 2, inline Map = 4 + 2 per iteration, execution = 2; transitions = states entered + retries.',
  );

  // State payload budget: the largest state input/output, measured by the rehearsal engine.
  log('rehearsing 10 experiments with the most probes the payload budget allows, none recovering');
  const probes = maxProbes(configFile, 10);
  const payloadRuns = [
    await measurePayload('default run', loaded, healthy),
    await measurePayload(
      `10 experiments, ${probes} steadyState + ${probes} recovery.expect probes each, none recovering`,
      wideConfig(configFile, 10, probes),
      neverRecovers(join(SCENARIOS, 'healthy.yaml')),
    ),
  ];
  report.section(
    `State payload (largest input or output of any state; Step Functions limit 256 KiB, budget ${PAYLOAD_BUDGET_BYTES / 1024} KiB)`,
  );
  for (const [index, figures] of payloadRuns.entries()) {
    report.add({
      name: index === 0 ? 'payload.defaultRun' : 'payload.tenExperimentsMaxProbes',
      value: Math.round((figures.largestBytes / 1024) * 10) / 10,
      unit: 'KiB',
      target: { max: PAYLOAD_BUDGET_BYTES / 1024, label: `<= ${PAYLOAD_BUDGET_BYTES / 1024} KiB` },
      note: `${figures.label}: ${figures.outcomes}; at ${figures.largestAt}; synth-time bound ${Math.round(figures.boundBytes / 1024)} KiB`,
    });
  }

  // History budget: the longest faults, rehearsed for real on the virtual clock.
  const maxFault = loaded.config.maxFaultDuration;
  const budgets: { label: string; name: string; changes: ConfigChanges; seconds: number }[] = [
    {
      label: `maxFaultDuration ${maxFault}`,
      name: 'history.maxFaultDuration',
      changes: { faultDuration: maxFault },
      seconds: durationSeconds(maxFault) ?? 0,
    },
    {
      label: 'FIS maximum PT12H',
      name: 'history.fisMaximum12h',
      changes: { maxFaultDuration: 'PT12H', faultDuration: 'PT12H' },
      seconds: FIS_MAX_DURATION_SECONDS,
    },
  ];
  report.section(
    `History budget (longest faults, rehearsed for real on the virtual clock, poll ${plan?.pollIntervalSeconds ?? '?'} s; limit ${HISTORY_EVENT_LIMIT.toLocaleString('en-US')} events)`,
  );
  for (const budget of budgets) {
    log(`rehearsing a ${budget.label} fault`);
    const long = await rehearse(configVariant(configFile, budget.changes), healthy);
    requirePassed(long, budget.label, 'passed');
    const polls = long.history.invocationsByState.PollStopConditions ?? 0;
    report.add({
      name: `${budget.name}.events`,
      value: long.history.historyEvents,
      unit: 'events',
      note: `${budget.label}: ${long.history.stateTransitions} transitions, ${polls} PollStopConditions batches, ${long.result.wallMs} ms wall`,
    });
    report.add({
      name: `${budget.name}.percentOfLimit`,
      value: round((long.history.historyEvents / HISTORY_EVENT_LIMIT) * 100, 2),
      unit: '%',
      target: { max: 50, label: '<= 50 %' },
    });
  }
  const interval = plan?.pollIntervalSeconds ?? 15;
  const perPollLoop = Math.round(FIS_MAX_DURATION_SECONDS / interval) * 9;
  report.note(
    'PollStopConditions polls every pollInterval inside one invocation for a batch of up to 5 minutes (returning early on stop or ' +
      'finish), so a fault costs one Task + Choice + Wait (5 + 2 + 2 = 9 history events) per 5 minutes instead of per poll; ' +
      `one state-machine loop per poll at ${interval} s would cost ${perPollLoop.toLocaleString('en-US')} events for 12 h ` +
      `(${round((perPollLoop / HISTORY_EVENT_LIMIT) * 100)} % of the limit).`,
  );

  // Abort latency: alarm-fires with poll intervals 5, 15, 60 s, FIS and SSM. The event path (the
  // alarm's EventBridge event, delivered 1 s after the transition) and the poll fallback (events
  // dropped; as written, and with the alarm 1 s after a poll: near worst case).
  const alarmFires = scenarioFrom(join(SCENARIOS, 'alarm-fires.yaml'));
  const dropped = (scenario: Scenario): Scenario => ({
    ...scenario,
    events: { ...scenario.events, drop: true },
  });
  report.section(
    'Abort latency (scenarios/alarm-fires.yaml: stop-condition ALARM -> stop requested (StopExperiment / CancelCommand), virtual seconds)',
  );
  for (const via of ['fis', 'ssm'] as const) {
    for (const interval of POLL_INTERVALS) {
      const variant = configVariant(configFile, { pollInterval: `PT${interval}S`, via });
      const mode = via === 'fis' ? '' : '.ssm';
      for (const [suffix, scenario, label, max] of [
        [
          '.event',
          shiftAlarms(alarmFires, 1),
          'event path: alarm 1 s after a poll (so the poll cannot be first), event delivered 1 s after the transition',
          2,
        ],
        ['', dropped(alarmFires), 'events dropped: the poll alone, alarm as in the scenario', interval + 1],
        [
          '.alarmJustAfterPoll',
          dropped(shiftAlarms(alarmFires, 1)),
          'events dropped, alarm moved 1 s later (just after a poll): near worst case',
          interval + 1,
        ],
      ] as const) {
        log(`rehearsing alarm-fires (${via}) with poll ${interval} s${suffix}`);
        const aborted = await rehearse(variant, scenario);
        requirePassed(aborted, `alarm-fires ${via}, poll ${interval} s${suffix}`, 'aborted');
        const latency = abortLatencySeconds(aborted, scenario);
        if (latency === undefined)
          throw new BenchError(`alarm-fires ${via}, poll ${interval} s: no stop request found`);
        report.add({
          name: `abort${mode}.poll${interval}s${suffix}`,
          value: round(latency, 1),
          unit: 's',
          target: { max, label: `<= ${max} s` },
          note: label,
        });
      }
    }
  }

  // Kill switch: from the parameter's change to the stop request of every running fault.
  // The switch moved 1 s off the poll grid, so the event path (not a poll) is what is measured.
  const asWritten = scenarioFrom(join(SCENARIOS, 'kill-switch-mid-fault.yaml'));
  const killSwitch: Scenario = {
    ...asWritten,
    ...(asWritten.killSwitch
      ? {
          killSwitch: asWritten.killSwitch.map((e) =>
            e.at.offsetSeconds === 0 && e.at.base === 'run'
              ? e
              : { ...e, at: { ...e.at, offsetSeconds: e.at.offsetSeconds + 1 } },
          ),
        }
      : {}),
  };
  report.section(
    'Kill switch on -> every running fault asked to stop (scenarios/kill-switch-mid-fault.yaml, virtual seconds)',
  );
  for (const via of ['fis', 'ssm'] as const) {
    const variant = configVariant(configFile, { via });
    log(`rehearsing kill-switch-mid-fault (${via})`);
    const halted = await rehearse(variant, killSwitch);
    requirePassed(halted, `kill-switch-mid-fault ${via}`, 'aborted');
    const latency = killSwitchLatencySeconds(halted, killSwitch);
    if (latency === undefined) throw new BenchError(`kill-switch-mid-fault ${via}: no stop request found`);
    report.add({
      name: `killSwitch${via === 'fis' ? '' : '.ssm'}.everyFaultStopRequested`,
      value: round(latency, 1),
      unit: 's',
      target: { max: 2, label: '<= 2 s' },
      note: 'event path: switch 1 s after a poll, Parameter Store Change event delivered 1 s after the change',
    });
  }
}

/** Runs one part of the bench; a failure is recorded and the other parts still run. */
async function part(
  report: Report,
  failures: string[],
  what: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const text = err.name === 'BenchError' ? err.message : (err.stack ?? err.message);
    failures.push(what);
    report.note(`COULD NOT MEASURE ${what}: ${text}`);
    log(`could not measure ${what}: ${err.message}`);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const started = performance.now();
  const report = new Report();
  const failures: string[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'chaos-cadence-bench-'));
  const load = loadavg()[0] ?? 0;
  try {
    const entries = findLambdaEntries(ROOT);
    if (entries.length === 0) throw new BenchError('no lambdas/<step>/handler.ts found');
    log('building the stack in-process for memory sizes and NODE_OPTIONS');
    const deployed = deployedFunctions(loadConfig({ path: options.config, cwd: ROOT }), [
      ...new Set([...entries.map((e) => e.name), ...Object.values(taskFunctions())]),
    ]);
    await part(report, failures, 'the Lambdas', () => lambdaFigures(report, options, workDir, deployed));
    await part(report, failures, 'the rehearsed runs', () => rehearsalFigures(report, options, deployed));

    if (!options.quick) {
      await part(report, failures, 'cdk synth', async () => {
        log('timing cdk synth (3x)');
        const synth = await timeSynth(ROOT, 3);
        const failed = synth.runs.find((r) => r.exitCode !== 0);
        if (failed) {
          throw new BenchError(`cdk synth failed (exit ${String(failed.exitCode)}):\n${failed.tail ?? ''}`);
        }
        report.section('Build');
        report.add({
          name: 'synth.median',
          value: round(synth.medianSeconds, 2),
          unit: 's',
          target: { max: 10, label: '<= 10 s' },
          note: `npx cdk synth --quiet --output <tmp>, median of 3 (${synth.runs.map((r) => round(r.seconds, 1)).join(', ')} s)`,
        });
      });
    }
    if (!options.skipTests) {
      await part(report, failures, 'the test suite', async () => {
        log('timing the test suite (npm test without its pretest, empty jest cache)');
        const tests = await timeTests(ROOT);
        report.section('Tests');
        report.add({
          name: 'tests.wall',
          value: round(tests.seconds, 1),
          unit: 's',
          target: { max: 180, label: '<= 180 s' },
          note:
            tests.exitCode === 0
              ? 'npm test (tsc + eslint, prettier, jest side by side; empty jest cache), all passed'
              : `npm test exited ${String(tests.exitCode)} (failures)`,
        });
        if (tests.exitCode !== 0 && tests.tail) report.note(`npm test output tail:\n${tests.tail}`);
      });
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  report.note(
    `machine: ${process.platform} ${process.arch}, node ${process.versions.node}, 1-min load average ${round(load, 2)} at start ` +
      `(timings are wall-clock and suffer from other load); bench took ${round((performance.now() - started) / 1000, 1)} s` +
      (options.quick ? '; --quick: 3 cold starts per function, no synth, no tests' : ''),
  );
  process.stdout.write(`chaos-cadence bench\n${report.render()}\n`);
  if (options.json) {
    report.writeJson(resolve(process.cwd(), options.json));
    log(`figures written to ${options.json}`);
  }
  if (failures.length > 0) {
    log(`bench: could not measure ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  const err = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(
    `bench: could not measure: ${err.name === 'BenchError' ? err.message : (err.stack ?? err.message)}\n`,
  );
  process.exit(1);
});
