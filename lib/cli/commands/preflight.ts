import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PreflightManifest } from '../../../lambdas/preflight/manifest';
import { preflight, UnknownPreflightExperimentError } from '../../../lambdas/preflight/preflight';
import { manifestSettings } from '../../../lambdas/preflight/heads-up';
import type { CheckStatus, PreflightDeps, PreflightReport } from '../../../lambdas/preflight/report';
import { headsUpSubject, renderHeadsUpText } from '../../../lambdas/shared/render/heads-up';
import { loadConfig } from '../../config/load';
import { preflightOffline } from '../../preflight/offline';
import { manifestFromOutputs, PREFLIGHT_OUTPUT_KEYS, PreflightOutputsError } from '../../preflight/outputs';
import { loadScenario } from '../../rehearsal/scenario';
import type { CliContext, StackOptions } from '../context';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from '../errors';
import { paint, println, type CliIo, type Style } from '../io';
import { findStack } from '../stack';

/** Options of `chaos-cadence preflight`. */
export interface PreflightOptions extends StackOptions {
  readonly config?: string;
  /** Experiment names; empty = every scheduled experiment. */
  readonly experiments: readonly string[];
  readonly json: boolean;
  /** Check a rehearsal scenario's simulated account instead of AWS. */
  readonly scenario?: string;
  /** Write the heads-up email of each group's next run here (`heads-up-<group>.txt`). */
  readonly email?: string;
}

const LABEL: Record<CheckStatus, [string, Style]> = {
  ok: ['ok', 'green'],
  warn: ['WARN', 'yellow'],
  fail: ['FAIL', 'red'],
};

/** The report as lines for people: one line per check (fix indented below), then the verdict. */
export function formatReport(io: Pick<CliIo, 'color'>, report: PreflightReport): string[] {
  const width = Math.max(...report.checks.map((c) => c.id.length), 8);
  const lines = report.checks.flatMap((check) => {
    const [label, style] = LABEL[check.status];
    const line = `${paint(io, style, label.padEnd(4))}  ${check.id.padEnd(width)}  ${check.detail}`;
    return check.fix && check.status !== 'ok' ? [line, `${' '.repeat(width + 8)}fix: ${check.fix}`] : [line];
  });
  const { ok, warn, fail } = report.counts;
  const verdict = report.ready
    ? paint(io, 'green', `READY: ${ok} ok, ${warn} warning(s)`)
    : paint(io, 'red', `NOT READY: ${fail} failed, ${warn} warning(s), ${ok} ok`);
  return [...lines, '', verdict];
}

function writeEmails(dir: string, manifest: PreflightManifest, report: PreflightReport): string[] {
  mkdirSync(dir, { recursive: true });
  return report.nextRuns.flatMap((next) => {
    const group = manifest.groups.find((g) => g.group === next.group);
    if (!group) return [];
    const card = {
      group,
      run: new Date(next.at),
      plans: manifest.plans.filter((p) => next.experiments.includes(p.name)),
      report,
    };
    const file = join(dir, `heads-up-${group.group}.txt`);
    writeFileSync(file, `Subject: ${headsUpSubject(card)}\n\n${renderHeadsUpText(card)}`);
    return [file];
  });
}

async function againstAws(
  options: PreflightOptions,
  context: CliContext,
  loaded: ReturnType<typeof loadConfig>,
): Promise<{ manifest: PreflightManifest; report: PreflightReport }> {
  if (!context.preflightClients) {
    throw new CliError('this build of the CLI cannot reach AWS for the preflight', {
      hint: 'use --scenario F',
    });
  }
  const clients = context.clients(options.region);
  const stack = await findStack(clients.cloudFormation, options.stack);
  let manifest: PreflightManifest;
  try {
    manifest = manifestFromOutputs(loaded, options.stack, stack.outputs);
  } catch (error) {
    if (error instanceof PreflightOutputsError) {
      throw new CliError(`stack ${options.stack}: ${error.message}`, {
        hint: 'redeploy the current version with `npx cdk deploy`',
        cause: error,
      });
    }
    throw error;
  }
  const { aws, extra } = context.preflightClients(manifest.region);
  const deps: PreflightDeps = {
    runtime: { clients: aws, settings: manifestSettings(manifest), now: context.now, fetch },
    clients: extra,
    deployedConfigHash: () => Promise.resolve(stack.outputs[PREFLIGHT_OUTPUT_KEYS.configHash]),
  };
  return { manifest, report: await preflight(manifest, deps, { experiments: options.experiments }) };
}

/**
 * `chaos-cadence preflight`: is the account ready for the next unattended run? Read-only checks, one
 * line each (ok / WARN / FAIL with its fix), against the deployed stack or a scenario (`--scenario`).
 * @returns 0 when no check failed, 1 when one did
 * @throws ConfigError / UsageError (exit 2) for a bad config, scenario or experiment name
 */
export async function preflightCommand(
  options: PreflightOptions,
  context: CliContext,
): Promise<ExitCodeValue> {
  const { io, cwd } = context;
  const loaded = loadConfig({
    ...(options.config !== undefined ? { path: options.config } : {}),
    env: context.env,
    cwd,
  });
  let result: { manifest: PreflightManifest; report: PreflightReport };
  try {
    result = options.scenario
      ? await preflightOffline(loaded, loadScenario(resolve(cwd, options.scenario)), {
          experiments: options.experiments,
        })
      : await againstAws(options, context, loaded);
  } catch (error) {
    if (error instanceof UnknownPreflightExperimentError)
      throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const { manifest, report } = result;
  const written = options.email ? writeEmails(resolve(cwd, options.email), manifest, report) : [];
  if (options.json) {
    println(io, JSON.stringify({ ...report, ...(written.length ? { emails: written } : {}) }, null, 2));
  } else {
    const source = options.scenario ? `scenario ${options.scenario}` : `stack ${options.stack}`;
    println(io, paint(io, 'bold', `Preflight of ${source} at ${report.checkedAt}`));
    for (const line of formatReport(io, report)) println(io, line);
    for (const file of written) println(io, `heads-up email written to ${file}`);
  }
  return report.ready ? ExitCode.Ok : ExitCode.Failed;
}
