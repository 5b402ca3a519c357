import { GetCalendarStateCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { describeAllowedHours, isWithinAllowedHours } from '../shared/allowed-hours';
import type { Runtime } from '../shared/aws';
import { ERROR_NAMES } from '../shared/error-names';
import { awsCall, awsErrorName } from '../shared/errors';
import { acquireRunLock } from './run-lock';
import type {
  ExperimentPlan,
  GuardRailCheck,
  GuardRailsResult,
  RunConfig,
  RunContext,
} from '../shared/types';

/** What the CheckGuardRails state passes in. */
export interface CheckGuardRailsInput {
  readonly run: RunContext;
  /** Requested experiment names; empty = every deployed experiment. */
  readonly experiments: readonly string[];
  /** The deployed experiments (CheckGuardRails). */
  readonly config?: RunConfig;
  /** Or just the plans to re-check (RecheckGuardRails passes the one about to run, not the whole config). */
  readonly plans?: readonly ExperimentPlan[];
}

/** The run asked for an experiment that is not deployed. */
export class UnknownExperimentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = ERROR_NAMES.unknownExperiment;
  }
}

/** The plans of the requested experiments, in the order asked (every plan when none are named). */
export function selectPlans(config: RunConfig, names: readonly string[]): ExperimentPlan[] {
  const known = Object.keys(config.plans);
  if (names.length === 0) return known.map((name) => config.plans[name] as ExperimentPlan);
  const unknown = names.filter((name) => !(name in config.plans));
  if (unknown.length > 0) {
    throw new UnknownExperimentError(
      `unknown experiment${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; deployed: ${known.join(', ') || 'none'}`,
    );
  }
  return [...new Set(names)].map((name) => config.plans[name] as ExperimentPlan);
}

async function checkKillSwitch(runtime: Runtime): Promise<GuardRailCheck> {
  const name = runtime.settings.killSwitchParameter;
  try {
    const answer = await awsCall('ssm:GetParameter', () =>
      runtime.clients.ssm.send(new GetParameterCommand({ Name: name })),
    );
    const value = (answer.Parameter?.Value ?? '').trim().toLowerCase();
    if (value === 'off') return { name: 'killSwitch', ok: true, detail: 'kill switch is off' };
    if (value === 'on') return { name: 'killSwitch', ok: false, detail: `kill switch ${name} is on` };
    return {
      name: 'killSwitch',
      ok: false,
      detail: `kill switch ${name} has unexpected value "${value}" (expected off or on); treated as on`,
    };
  } catch (error) {
    if (awsErrorName(error) !== 'ParameterNotFound') throw error;
    return {
      name: 'killSwitch',
      ok: false,
      detail: `kill switch parameter ${name} not found; treated as on`,
    };
  }
}

async function checkChangeCalendar(runtime: Runtime): Promise<GuardRailCheck> {
  const calendar = runtime.settings.changeCalendar;
  if (calendar === undefined) {
    return { name: 'changeCalendar', ok: true, detail: 'no change calendar configured' };
  }
  const answer = await awsCall('ssm:GetCalendarState', () =>
    runtime.clients.ssm.send(new GetCalendarStateCommand({ CalendarNames: [calendar] })),
  );
  const state = answer.State ?? 'UNKNOWN';
  return { name: 'changeCalendar', ok: state === 'OPEN', detail: `calendar ${calendar} is ${state}` };
}

function checkAllowedHours(runtime: Runtime): GuardRailCheck {
  const { allowedHours, timeZone } = runtime.settings;
  const at = runtime.now();
  const window = describeAllowedHours(allowedHours, timeZone);
  return isWithinAllowedHours(at, allowedHours, timeZone)
    ? { name: 'allowedHours', ok: true, detail: `${at.toISOString()} is within ${window}` }
    : {
        name: 'allowedHours',
        ok: false,
        detail: `${at.toISOString()} is outside the allowed hours ${window}`,
      };
}

/**
 * The guard rails: kill switch off, this run holds the run lock (one run at a time, a DynamoDB
 * conditional write: see `run-lock.ts`), change calendar OPEN (when configured), within the allowed
 * hours. Checks run concurrently; the lock is taken even when another check says no (the run releases
 * it in ReleaseRunLock after publishing, or the sweep does, or its lease expires). Always returns the selected plans (so skipped
 * results can be built for each) and a `reason` (the first failed check, or that all passed).
 * @throws UnknownExperimentError when a requested experiment is not deployed
 */
export async function checkGuardRails(
  input: CheckGuardRailsInput,
  runtime: Runtime,
): Promise<GuardRailsResult> {
  const config: RunConfig = input.config ?? {
    configHash: input.run.configHash,
    plans: Object.fromEntries((input.plans ?? []).map((plan) => [plan.name, plan])),
  };
  const experiments = selectPlans(config, input.experiments);
  const checks: GuardRailCheck[] = [
    {
      name: 'experiments',
      ok: experiments.length > 0,
      detail:
        experiments.length > 0
          ? `${experiments.length} experiment(s): ${experiments.map((e) => e.name).join(', ')}`
          : 'no experiments deployed',
    },
    ...(await Promise.all([
      checkKillSwitch(runtime),
      acquireRunLock(input.run, runtime),
      checkChangeCalendar(runtime),
      Promise.resolve(checkAllowedHours(runtime)),
    ])),
  ];
  const failed = checks.find((c) => !c.ok);
  return {
    allowed: failed === undefined,
    reason: failed ? `guard rail ${failed.name}: ${failed.detail}` : 'all guard rails passed',
    checks,
    experiments,
    checkedAt: runtime.now().toISOString(),
  };
}
