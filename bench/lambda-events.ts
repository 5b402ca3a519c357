import type { LoadedConfig } from '../lib/config/load';
import { buildRunConfig } from '../lib/config/plan';
import { renderDefinition } from '../lib/workflow/definition';
import type { CheckGuardRailsInput } from '../lambdas/check-guard-rails/check-guard-rails';
import type { BeforeInput } from '../lambdas/check-steady-state/check-steady-state';
import type { PollInput } from '../lambdas/poll-stop-conditions/poll-stop-conditions';
import type { StartFaultInput } from '../lambdas/start-fault/start-fault';
import type { ExecutionStatusChangeEvent } from '../lambdas/sweep/sweep';
import type { StopFaultInput } from '../lambdas/stop-fault/stop-fault';
import { verdict, type VerdictInput } from '../lambdas/verdict/verdict';
import type {
  ExperimentPlan,
  FaultRef,
  GuardRailsResult,
  ProbeSpec,
  PublishInput,
  RunConfig,
  RunContext,
  SteadyStateCheck,
} from '../lambdas/shared/types';

/** The FIS template id the bench plans use (the fake answers any id). */
export const BENCH_TEMPLATE_ID = 'EXTbench0001';

/** One realistic event per deployed function, keyed by the function's folder (or `<folder>/<file>`). */
export interface BenchEvents {
  readonly runConfig: RunConfig;
  readonly definition: string;
  readonly events: Readonly<Record<string, unknown>>;
}

function localProbe(probe: ProbeSpec, endpoint: string): ProbeSpec {
  return probe.kind === 'http' ? { ...probe, url: `${endpoint}/health` } : probe;
}

/**
 * Builds, from the default config's first experiment, the event each Lambda receives at its step of a
 * passed run. HTTP probes are pointed at the fake's `/health`, so nothing leaves the machine.
 */
export function benchEvents(loaded: LoadedConfig, endpoint: string): BenchEvents {
  const base = buildRunConfig(loaded.config, loaded.hash, { templateId: () => BENCH_TEMPLATE_ID });
  const plans: Record<string, ExperimentPlan> = {};
  for (const [name, plan] of Object.entries(base.plans)) {
    plans[name] = {
      ...plan,
      steadyState: plan.steadyState.map((p) => localProbe(p, endpoint)),
      recovery: { ...plan.recovery, expect: plan.recovery.expect.map((p) => localProbe(p, endpoint)) },
    };
  }
  const runConfig: RunConfig = { configHash: base.configHash, plans };
  const plan = Object.values(plans)[0];
  if (!plan) throw new Error(`${loaded.file} has no experiment to benchmark`);

  const startedAt = new Date(Date.now() - 15 * 60_000).toISOString();
  const run: RunContext = {
    runId: 'bench-run-0001',
    executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:chaos-cadence:bench-run-0001',
    stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:chaos-cadence',
    startedAt,
    trigger: 'schedule',
    dryRun: false,
    configHash: runConfig.configHash,
  };
  const fault: FaultRef = {
    kind: 'fis',
    id: 'EXPbench0001',
    startedAt: new Date(Date.now() - 7 * 60_000).toISOString(),
    state: 'running',
    dryRun: false,
    templateId: BENCH_TEMPLATE_ID,
  };
  const guardRails: Omit<GuardRailsResult, 'experiments'> = {
    allowed: true,
    checks: [{ name: 'killSwitch', ok: true, detail: 'kill switch is off' }],
    checkedAt: startedAt,
  };
  const check = (phase: 'before' | 'after'): SteadyStateCheck => ({
    phase,
    steady: true,
    attempt: 1,
    checkedAt: new Date().toISOString(),
    probes: plan.steadyState.map((p) => ({
      id: p.id,
      kind: p.kind,
      ok: true,
      expected: 'steady',
      observed: 'steady',
      checkedAt: new Date().toISOString(),
    })),
  });
  const verdictInput: VerdictInput = {
    run,
    plan,
    guardRails,
    before: check('before'),
    fault,
    poll: {
      action: 'finished',
      detail: 'fault completed',
      faultState: 'completed',
      polledAt: new Date(Date.now() - 60_000).toISOString(),
      polls: 25,
      waitSeconds: plan.pollIntervalSeconds,
      alarmStates: Object.fromEntries(plan.stopConditions.map((s) => [s.alarmName, 'OK'])),
      transitions: [],
    },
    stop: null,
    after: {
      checks: [check('after')],
      steady: true,
      again: false,
      waitSeconds: 0,
      faultEndedAt: new Date(Date.now() - 60_000).toISOString(),
      deadline: new Date(Date.now() + 4 * 60_000).toISOString(),
    },
    errors: {},
    stopError: null,
  };
  const publish: PublishInput = {
    run,
    guardRails,
    results: [verdict(verdictInput, { now: () => new Date() })],
  };
  const definition = renderDefinition(runConfig);
  const sweep: ExecutionStatusChangeEvent = {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: {
      executionArn: run.executionArn,
      stateMachineArn: run.stateMachineArn,
      name: run.runId,
      status: 'FAILED',
      startDate: Date.parse(startedAt),
      stopDate: Date.now(),
      input: JSON.stringify({ trigger: 'schedule' }),
    },
  };

  const guard: CheckGuardRailsInput = { run, experiments: [], config: runConfig };
  const before: BeforeInput = { phase: 'before', plan };
  const start: StartFaultInput = { run, plan };
  const poll: PollInput = { run, plan, fault, previous: null };
  const stop: StopFaultInput = { run, plan, fault, reason: 'stop-condition' };
  return {
    runConfig,
    definition,
    events: {
      'check-guard-rails': guard,
      'check-steady-state': before,
      'start-fault': start,
      'poll-stop-conditions': poll,
      'stop-fault': stop,
      sweep,
      verdict: verdictInput,
      'publish-results': publish,
    },
  };
}
