// Stop first, confirm after, on the real workflow (rehearsal engine): with the fault's state unreadable
// for the whole run (FIS GetExperiment / SSM ListCommandInvocations failing: a partial outage or a
// missing permission), every path that stops still sends the stop request, and every text says
// "not confirmed" with the command that checks it. A throttled StopExperiment is retried in time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseYamlOrJson, type LoadedConfig } from '../../lib/config/load';
import { runRehearsal, type RehearsalResult, type TaskFault } from '../../lib/rehearsal/engine';
import { parseScenario, type ScenarioInput } from '../../lib/rehearsal/scenario';
import type { ExperimentResult } from '../../lambdas/shared/types';

const ROOT = join(__dirname, '..', '..');
const HEALTHY = parseYamlOrJson(
  readFileSync(join(ROOT, 'scenarios', 'healthy.yaml'), 'utf8'),
  'scenarios/healthy.yaml',
) as ScenarioInput;
const ALWAYS = 100_000;
const unreadable = (
  call: 'fis:GetExperiment' | 'ssm:ListCommandInvocations',
): ScenarioInput['apiFailures'] => [
  { call, error: 'InternalServerError', message: 'We encountered an internal error.', times: ALWAYS },
];
const alarmAt = (seconds: number): ScenarioInput['alarms'] => ({
  'sock-shop-5xx': [
    { at: '0s', state: 'OK' },
    { at: `fault+${seconds}s`, state: 'ALARM' },
  ],
  'sock-shop-instance-count-low': [{ at: '0s', state: 'OK' }],
});
const killSwitchAt = (seconds: number): ScenarioInput['killSwitch'] => [
  { at: '0s', value: 'off' },
  { at: `fault+${seconds}s`, value: 'on' },
];
/** Events are not delivered: these tests are about the workflow's own paths. */
const NO_EVENTS = { events: { drop: true } } as Partial<ScenarioInput>;

const resultOf = (run: RehearsalResult): ExperimentResult | undefined =>
  (run.output as { results: ExperimentResult[] }).results[0];
const stopRequests = (run: RehearsalResult, command: string) =>
  run.calls.filter((c) => c.command === command && c.error === undefined);
/** Every published text of the run: journal, HTML report, email. */
const texts = (run: RehearsalResult): string[] =>
  [
    JSON.stringify(run.journal ?? {}),
    run.reportHtml ?? '',
    `${run.emailSubject ?? ''}\n${run.emailText ?? ''}`,
  ].map((text) => text.replace(/\s+/g, ' '));

describe('stop first, confirm after (workflow)', () => {
  let loaded: LoadedConfig;
  let viaSsm: LoadedConfig;
  beforeAll(() => {
    loaded = loadConfig({ path: 'chaos-cadence.config.yaml', cwd: ROOT });
    const config = structuredClone(loaded.config);
    const stress = config.experiments[0]?.fault.cpuStress;
    if (stress) stress.via = 'ssm';
    viaSsm = { ...loaded, config };
  });

  const rehearse = (
    scenario: Partial<ScenarioInput>,
    taskFaults: Readonly<Record<string, TaskFault>> = {},
    config: LoadedConfig = loaded,
  ): Promise<RehearsalResult> =>
    runRehearsal({
      loaded: config,
      scenario: parseScenario({ ...HEALTHY, ...NO_EVENTS, ...scenario }),
      runId: 'run-stop-first',
      taskFaults,
    });

  /** The published texts say "not confirmed" with the check, and never that the fault was stopped. */
  function expectNotConfirmedEverywhere(run: RehearsalResult, check: RegExp): void {
    const result = resultOf(run);
    expect(result?.stop?.confirmation).toBe('not-confirmed');
    expect(result?.stop?.checkCommand).toMatch(check);
    for (const text of texts(run)) {
      expect(text).toContain('not confirmed');
      expect(text).not.toMatch(/the fault was stopped|fault stopped/i);
    }
    expect(texts(run)[2]).toMatch(check);
  }

  const FIS_CHECK = /aws fis get-experiment --id EXPrehearsal\d+/;
  const SSM_CHECK = /aws ssm list-command-invocations --command-id \S+/;

  it.each([
    ['a stop condition', { alarms: alarmAt(60) }, 'aborted'],
    ['the kill switch', { killSwitch: killSwitchAt(60) }, 'aborted'],
    ['time over', { fis: { end: 'completed', at: 'fault+3000s' } }, 'aborted'],
  ] as const)(
    'sends StopExperiment on %s although GetExperiment fails for the whole run, and says "not confirmed"',
    async (_path, scenario, outcome) => {
      const run = await rehearse({ ...scenario, apiFailures: unreadable('fis:GetExperiment') });

      expect(stopRequests(run, 'StopExperiment').length).toBeGreaterThanOrEqual(1);
      expect(resultOf(run)?.outcome).toBe(outcome);
      expectNotConfirmedEverywhere(run, FIS_CHECK);
    },
  );

  it.each([
    ['StartFault', { StartFault: { mode: 'throw-after' } }],
    ['PollStopConditions', { PollStopConditions: { mode: 'throw' } }],
    ['StopFault', { StopFault: { mode: 'throw' } }],
    ['CheckSteadyStateAfter', { CheckSteadyStateAfter: { mode: 'throw' } }],
    ['Verdict', { Verdict: { mode: 'throw' } }],
  ] as const)(
    'sends StopExperiment from the Catch of %s although GetExperiment fails, and says "not confirmed"',
    async (_state, taskFaults) => {
      const run = await rehearse(
        { alarms: alarmAt(60), apiFailures: unreadable('fis:GetExperiment') },
        taskFaults,
      );

      expect(stopRequests(run, 'StopExperiment').length).toBeGreaterThanOrEqual(1);
      expect(resultOf(run)?.outcome).toBe('failed');
      const result = resultOf(run);
      if (result?.stop) expectNotConfirmedEverywhere(run, FIS_CHECK);
      else expect(result?.reason).toMatch(/not confirmed; check with `aws fis get-experiment --id EXP/);
      for (const text of texts(run)) expect(text).not.toMatch(/the fault was stopped/i);
    },
  );

  it('cancels the SSM command on a stop condition although ListCommandInvocations fails, and says "not confirmed"', async () => {
    const run = await rehearse(
      { alarms: alarmAt(60), apiFailures: unreadable('ssm:ListCommandInvocations') },
      {},
      viaSsm,
    );

    expect(stopRequests(run, 'CancelCommand').length).toBeGreaterThanOrEqual(1);
    expect(resultOf(run)?.outcome).toBe('aborted');
    expectNotConfirmedEverywhere(run, SSM_CHECK);
  });

  it('stops the fault within 30 s when StopExperiment is throttled 3 times', async () => {
    const run = await rehearse({
      alarms: alarmAt(60),
      apiFailures: [
        { call: 'fis:StopExperiment', error: 'ThrottlingException', message: 'Rate exceeded', times: 3 },
      ],
    });

    const attempts = run.calls.filter((c) => c.command === 'StopExperiment');
    const [accepted] = stopRequests(run, 'StopExperiment');
    expect(attempts.slice(0, 3).every((c) => c.error?.startsWith('ThrottlingException'))).toBe(true);
    expect(Date.parse(accepted?.at ?? '') - Date.parse(attempts[0]?.at ?? '')).toBeLessThanOrEqual(30_000);
    expect(resultOf(run)?.stop).toMatchObject({ confirmation: 'confirmed' });
    expect(resultOf(run)?.outcome).toBe('aborted');
  });
});
