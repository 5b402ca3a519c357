import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig, parseYamlOrJson, validateConfig, type LoadedConfig } from '../lib/config/load';
import { runRehearsal, type RehearsalResult } from '../lib/rehearsal/engine';
import { loadScenario, resolveTime, type Scenario } from '../lib/rehearsal/scenario';
import { DEFINITION_FILE } from '../lib/workflow/definition';
import { billedMs, modelHistory, type HistoryFigures } from './history-model';
import { Tap, type Tapped } from './rehearsal-tap';

/** A rehearsed run and what the tap saw. */
export interface Rehearsed {
  readonly result: RehearsalResult;
  readonly tapped: Tapped;
  readonly history: HistoryFigures;
  /** The first experiment's outcome, from the journal. */
  readonly outcome?: string;
}

/** Changes to the default config for a variant run. */
export interface ConfigChanges {
  readonly pollInterval?: string;
  readonly maxFaultDuration?: string;
  /** Sets `fault.cpuStress.duration` of every experiment. */
  readonly faultDuration?: string;
  /** Sets `fault.cpuStress.via` of every experiment. */
  readonly via?: 'fis' | 'ssm';
}

/** The default config with some top-level values changed, validated like the real one. */
export function configVariant(file: string, changes: ConfigChanges): LoadedConfig {
  const base = loadConfig({ path: file });
  const data = parseYamlOrJson(readFileSync(base.file, 'utf8'), base.file) as Record<string, unknown>;
  if (changes.pollInterval !== undefined) data.pollInterval = changes.pollInterval;
  if (changes.maxFaultDuration !== undefined) data.maxFaultDuration = changes.maxFaultDuration;
  for (const experiment of (data.experiments as {
    fault?: { cpuStress?: { duration?: string; via?: string } };
  }[]) ?? []) {
    if (!experiment.fault?.cpuStress) continue;
    if (changes.faultDuration !== undefined) experiment.fault.cpuStress.duration = changes.faultDuration;
    if (changes.via !== undefined) experiment.fault.cpuStress.via = changes.via;
  }
  const config = validateConfig(data, `${base.file} (bench variant ${JSON.stringify(changes)})`);
  return {
    config,
    file: base.file,
    baseDir: base.baseDir,
    hash: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
  };
}

/** Rehearses one run with the tap on. */
export async function rehearse(loaded: LoadedConfig, scenario: Scenario): Promise<Rehearsed> {
  const tap = new Tap();
  let result: RehearsalResult;
  try {
    result = await runRehearsal({ loaded, scenario, trigger: 'schedule' });
  } finally {
    tap.release();
  }
  const outcome = result.journal?.experiments[0]?.outcome;
  return {
    result,
    tapped: tap.tapped,
    history: modelHistory(tap.tapped.events),
    ...(outcome !== undefined ? { outcome } : {}),
  };
}

/** Loads a scenario file. */
export function scenarioFrom(file: string): Scenario {
  return loadScenario(file);
}

/** Task state name -> the function folder it invokes (from `${XxxFunctionArn}` in the ASL). */
export function taskFunctions(definitionFile: string = DEFINITION_FILE): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown): void => {
    const states = (node as { States?: Record<string, Record<string, unknown>> }).States ?? {};
    for (const [name, state] of Object.entries(states)) {
      const resource = state.Resource;
      const match = typeof resource === 'string' ? /\$\{(\w+)FunctionArn\}/.exec(resource) : null;
      if (state.Type === 'Task' && match?.[1]) {
        out[name] = match[1].replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
      }
      if (state.ItemProcessor) walk(state.ItemProcessor);
      if (state.Iterator) walk(state.Iterator);
      for (const branch of (state.Branches as unknown[] | undefined) ?? []) walk(branch);
    }
  };
  walk(JSON.parse(readFileSync(definitionFile, 'utf8')));
  return out;
}

/** Lambda usage of one run: GB-seconds from billed durations and each function's memory. */
export interface LambdaUsage {
  readonly gbSeconds: number;
  readonly billedSecondsByFunction: Readonly<Record<string, number>>;
}

/** GB-seconds of a tapped run. `memoryMb` by function folder (default for a missing one). */
export function lambdaUsage(
  tapped: Tapped,
  functions: Readonly<Record<string, string>>,
  memoryMb: (fn: string) => number,
): LambdaUsage {
  let gbSeconds = 0;
  const billed: Record<string, number> = {};
  for (const invocation of tapped.invocations) {
    const fn = functions[invocation.state] ?? invocation.state;
    const seconds = billedMs(invocation) / 1000;
    billed[fn] = (billed[fn] ?? 0) + seconds;
    gbSeconds += seconds * (memoryMb(fn) / 1024);
  }
  return { gbSeconds, billedSecondsByFunction: billed };
}

/**
 * Abort latency of an `alarm-fires` style run: from the first stop-condition alarm's scheduled
 * ALARM moment (the scenario timeline, resolved against the simulated fault's start) to the first
 * StopExperiment (or SSM CancelCommand) call, in virtual seconds.
 */
export function abortLatencySeconds(rehearsed: Rehearsed, scenario: Scenario): number | undefined {
  const { result } = rehearsed;
  const plan = Object.values(result.journal?.experiments ?? [])[0]?.plan;
  const stopAlarms = new Set((plan?.stopConditions ?? []).map((s) => s.alarmName));
  const faultStartMs = result.account.fisExperiments[0]?.startMs ?? result.account.ssmCommands[0]?.startMs;
  const runStartMs = scenario.now.getTime();
  let alarmMs: number | undefined;
  for (const [name, timeline] of Object.entries(scenario.alarms)) {
    if (!stopAlarms.has(name)) continue;
    for (const entry of timeline) {
      if (entry.state !== 'ALARM') continue;
      const at = resolveTime(entry.at, runStartMs, faultStartMs);
      if (at !== undefined && (alarmMs === undefined || at < alarmMs)) alarmMs = at;
    }
  }
  const [stop] = stopRequests(result);
  if (alarmMs === undefined || !stop) return undefined;
  return (Date.parse(stop.at) - alarmMs) / 1000;
}

/** The first stop request (FIS StopExperiment or SSM CancelCommand) accepted, and every one's time. */
function stopRequests(result: RehearsalResult) {
  return result.calls.filter(
    (c) =>
      c.error === undefined &&
      ((c.service === 'fis' && c.command === 'StopExperiment') ||
        (c.service === 'ssm' && c.command === 'CancelCommand')),
  );
}

/**
 * Kill-switch latency: from the kill switch's change to `on` (the scenario timeline, resolved against
 * the fault's start) to the first accepted stop request of every fault of the run (the slowest one),
 * in virtual seconds.
 */
export function killSwitchLatencySeconds(rehearsed: Rehearsed, scenario: Scenario): number | undefined {
  const { result } = rehearsed;
  const faultStartMs = result.account.fisExperiments[0]?.startMs ?? result.account.ssmCommands[0]?.startMs;
  const on = (scenario.killSwitch ?? [])
    .filter((e) => e.value === 'on')
    .map((e) => resolveTime(e.at, scenario.now.getTime(), faultStartMs))
    .filter((t): t is number => t !== undefined && t > scenario.now.getTime());
  const switchedMs = on.length ? Math.min(...on) : undefined;
  const faults = [
    ...result.account.fisExperiments.filter((e) => !e.dryRun).map((e) => e.id),
    ...result.account.ssmCommands.map((c) => c.id),
  ];
  const firstStopOf = (id: string): number | undefined => {
    const call = stopRequests(result).find((c) => {
      const input = c.input as { id?: string; CommandId?: string };
      return input.id === id || input.CommandId === id;
    });
    return call ? Date.parse(call.at) : undefined;
  };
  const stops = faults.map(firstStopOf);
  if (switchedMs === undefined || stops.length === 0 || stops.some((t) => t === undefined)) return undefined;
  return (Math.max(...(stops as number[])) - switchedMs) / 1000;
}
