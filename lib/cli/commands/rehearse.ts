import { basename, join, relative, resolve } from 'node:path';
import { loadConfig } from '../../config/load';
import {
  readRehearsalHistory,
  runRehearsal,
  writeRehearsalFiles,
  type ProgressLine,
  type RehearsalResult,
} from '../../rehearsal/engine';
import { loadScenario } from '../../rehearsal/scenario';
import { parseAt } from '../arguments';
import type { CliContext } from '../context';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from '../errors';
import { formatOffset, formatSeconds, paint, println, type CliIo } from '../io';
import { formatVerdicts } from '../verdict';
import { outcomesExitCode } from './run-exit-codes';

/** Options of `chaos-cadence rehearse`. */
export interface RehearseOptions {
  /** The config file. @default CHAOS_CADENCE_CONFIG, then chaos-cadence.config.yaml|yml|json in the cwd */
  readonly config?: string;
  /** The scenario file. @default scenarios/healthy.yaml of the package */
  readonly scenario?: string;
  /** Where `<run id>/` is written; earlier runs' journals there are the history the trend reads. @default ./rehearsal */
  readonly out?: string;
  /** When the rehearsed run starts (ISO 8601). @default the scenario's `now` */
  readonly at?: string;
  /** Experiment names; empty = every enabled experiment. */
  readonly experiments: readonly string[];
  readonly dryRun: boolean;
  /** Print a machine-readable summary instead of progress and verdicts. */
  readonly json: boolean;
}

/** The scenario used when `--scenario` is not given, relative to the package root. */
export const DEFAULT_SCENARIO = join('scenarios', 'healthy.yaml');

/** One progress line: `+  0:15  PollStopConditions     continue: alarm sock-shop-5xx OK`. */
export function formatProgress(io: Pick<CliIo, 'color'>, line: ProgressLine): string {
  const detail = line.detail ? `  ${paint(io, 'dim', line.detail)}` : '';
  return `+ ${formatOffset(line.atSeconds).padStart(5)}  ${line.state.padEnd(24)}${detail}`.trimEnd();
}

function display(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * `chaos-cadence rehearse`: runs the real workflow locally against the simulated account a scenario
 * describes, printing a progress line per state, then the verdict per experiment; writes journal.json,
 * report.html, email.txt, metrics.json and calls.json to `<out>/<run id>/`.
 * @returns the code of the most urgent experiment outcome (OUTCOME_EXIT_CODES: 0 only when every experiment
 *   passed, 3 deviated, 4 aborted, 5 inconclusive, 6 skipped, 7 failed)
 * @throws CliError (exit 1) when the workflow itself failed or timed out
 * @throws ConfigError (exit 2) for a bad config or scenario, UsageError (exit 2) for an unknown experiment
 */
export async function rehearseCommand(options: RehearseOptions, context: CliContext): Promise<ExitCodeValue> {
  const { io, cwd } = context;
  const loaded = loadConfig({
    ...(options.config !== undefined ? { path: options.config } : {}),
    env: context.env,
    cwd,
  });
  const known = loaded.config.experiments.map((e) => e.name);
  const unknown = options.experiments.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown experiment ${unknown.join(', ')} in --experiments`, {
      hint: `${basename(loaded.file)} defines ${known.join(', ')}`,
    });
  }
  const scenarioFile = options.scenario
    ? resolve(cwd, options.scenario)
    : join(context.packageRoot, DEFAULT_SCENARIO);
  const loadedScenario = loadScenario(scenarioFile);
  const scenario =
    options.at === undefined ? loadedScenario : { ...loadedScenario, now: parseAt(options.at) };
  const outDir = resolve(cwd, options.out ?? 'rehearsal');

  if (!options.json) {
    const what = options.experiments.length > 0 ? options.experiments.join(', ') : 'every enabled experiment';
    println(
      io,
      `Rehearsing ${what}${options.dryRun ? ' (dry run)' : ''} against ${display(scenarioFile, cwd)} (simulated account, fast clock)`,
    );
  }
  const result = await runRehearsal({
    loaded,
    scenario,
    experiments: options.experiments,
    dryRun: options.dryRun,
    history: readRehearsalHistory(outDir),
    ...(options.json ? {} : { onProgress: (line: ProgressLine) => println(io, formatProgress(io, line)) }),
  });
  const written = writeRehearsalFiles(result, outDir);

  if (options.json) {
    println(
      io,
      JSON.stringify(
        {
          ...summary(result, scenarioFile, loaded.file, written.dir, written.files),
          exitCode: exitCodeOf(result),
        },
        null,
        2,
      ),
    );
  } else {
    printVerdict(io, result);
    println(io);
    println(io, `Wrote ${display(written.dir, cwd)}/: ${written.files.map((f) => basename(f)).join(', ')}`);
    println(
      io,
      paint(
        io,
        'dim',
        `Rehearsed ${formatSeconds(result.virtualSeconds)} of run time in ${(result.wallMs / 1000).toFixed(1)} s.`,
      ),
    );
  }
  if (result.status !== 'SUCCEEDED') {
    const why = result.error ? ` (${result.error.error}: ${result.error.cause})` : '';
    throw new CliError(`the rehearsed workflow ended ${result.status}${why}`, {
      hint: `see ${display(join(written.dir, 'calls.json'), cwd)} for the calls it made`,
    });
  }
  return exitCodeOf(result);
}

/** The exit code of a rehearsal: 1 when the workflow did not succeed, else its outcomes' code. */
function exitCodeOf(result: RehearsalResult): ExitCodeValue {
  if (result.status !== 'SUCCEEDED') return ExitCode.Failed;
  return outcomesExitCode((result.journal?.experiments ?? []).map((e) => e.outcome));
}

function printVerdict(io: CliIo, result: RehearsalResult): void {
  println(io);
  const guardRails = result.journal?.guardRails;
  if (guardRails && !guardRails.allowed) {
    println(io, `${paint(io, 'yellow', 'Guard rails said no')}: ${guardRails.reason ?? 'no reason given'}`);
  }
  println(io, `Verdict (${result.runId}):`);
  for (const line of formatVerdicts(io, result.journal?.experiments ?? [])) println(io, line);
}

function summary(
  result: RehearsalResult,
  scenarioFile: string,
  configFile: string,
  dir: string,
  files: readonly string[],
) {
  return {
    runId: result.runId,
    status: result.status,
    ...(result.error ? { error: result.error } : {}),
    config: configFile,
    scenario: scenarioFile,
    dir,
    files,
    wallMs: result.wallMs,
    virtualSeconds: result.virtualSeconds,
    ...(result.journal?.guardRails
      ? {
          guardRails: {
            allowed: result.journal.guardRails.allowed,
            reason: result.journal.guardRails.reason ?? null,
          },
        }
      : {}),
    experiments: (result.journal?.experiments ?? []).map((e) => ({
      name: e.name,
      outcome: e.outcome,
      reason: e.reason,
      timeToStopSeconds: e.timeToStopSeconds ?? null,
      recoverySeconds: e.recoverySeconds ?? null,
    })),
    calls: result.calls.length,
  };
}
