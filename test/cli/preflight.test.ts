import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearsalSettings } from '../../lib/rehearsal/engine';
import { createSimulatedAccount } from '../../lib/rehearsal/simulated-account';
import { offlineManifest } from '../../lib/preflight/offline';
import { exampleConfig, readyScenario } from '../lambdas/preflight/fixtures';
import { runCli, testCli } from './helpers';

const READY = 'scenarios/preflight/ready.yaml';
const NOT_READY = 'scenarios/preflight/not-ready.yaml';

describe('chaos-cadence preflight', () => {
  it('prints one line per check and exits 0 when the account is ready', async () => {
    const { code, stdout } = await runCli(['preflight', '--scenario', READY]);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^ok {4}killSwitch {2,}kill switch \/chaos-cadence\/ChaosCadence\/kill-switch is off$/m,
    );
    expect(stdout).toMatch(/READY: 15 ok, 0 warning\(s\)\n$/);
  });

  it('exits 1 and prints each failed check with its fix when a check fails', async () => {
    const { code, stdout } = await runCli(['preflight', '--scenario', NOT_READY]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL {2}subscriptions .*pending confirmation: sre@example.com$/m);
    expect(stdout).toMatch(/^ {8,}fix: open the "AWS Notification - Subscription Confirmation" email/m);
    expect(stdout).toContain('NOT READY: 4 failed, 0 warning(s), 11 ok');
  });

  it('prints the report as JSON with --json', async () => {
    const { code, stdout } = await runCli(['preflight', '--scenario', NOT_READY, '--json']);

    const report = JSON.parse(stdout) as { ready: boolean; counts: Record<string, number> };
    expect(code).toBe(1);
    expect(report.ready).toBe(false);
    expect(report.counts).toEqual({ ok: 11, warn: 0, fail: 4 });
  });

  it('writes the heads-up email of the next run with --email', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-email-'));

    const { stdout } = await runCli(['preflight', '--scenario', NOT_READY, '--email', dir]);

    const text = readFileSync(join(dir, 'heads-up-default.txt'), 'utf8');
    expect(stdout).toContain(`heads-up email written to ${join(dir, 'heads-up-default.txt')}`);
    expect(text.split('\n')[0]).toBe('Subject: [chaos-cadence] NOT READY: web-cpu-80 on Tue 5 Jan 10:00 CET');
  });

  it('exits 2 for an experiment that is not deployed', async () => {
    const { code, stderr } = await runCli(['preflight', 'nope', '--scenario', READY]);

    expect(code).toBe(2);
    expect(stderr).toContain('unknown experiment(s) nope; deployed: web-cpu-80');
  });

  it('exits 2 for a scenario that does not exist', async () => {
    const { code, stderr } = await runCli(['preflight', '--scenario', 'scenarios/none.yaml']);

    expect(code).toBe(2);
    expect(stderr).toContain('scenario file not found');
  });

  it('reads the stack outputs and reports drift against the deployed stack', async () => {
    const loaded = exampleConfig();
    const manifest = offlineManifest(loaded);
    const scenario = readyScenario();
    const account = createSimulatedAccount(
      scenario,
      { nowMs: () => scenario.now.getTime(), trackIo: (work) => work },
      {
        settings: rehearsalSettings(loaded),
        fisTemplates: { EXTa162bfddc89a48: { durationSeconds: 360, targetTags: { app: 'sock-shop' } } },
        schedules: {
          'ChaosCadence-Schedule-1A2B': {
            group: 'default',
            expression: 'cron(0 10 ? * TUE#1 *)',
            timeZone: 'Europe/Berlin',
          },
        },
      },
    );
    const cli = testCli({
      now: () => scenario.now,
      preflightClients: () => ({
        aws: account.clients,
        extra: account.preflightClients,
      }),
    });
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'ChaosCadence',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          Outputs: [
            {
              OutputKey: 'StateMachineArn',
              OutputValue:
                'arn:aws:states:eu-central-1:123456789012:stateMachine:ChaosCadence-run-experiments',
            },
            { OutputKey: 'KillSwitchParameterName', OutputValue: manifest.killSwitchParameter },
            { OutputKey: 'TopicArn', OutputValue: manifest.topicArn },
            { OutputKey: 'ConfigHash', OutputValue: 'a'.repeat(64) },
            {
              OutputKey: 'ScheduleNames',
              OutputValue: JSON.stringify({ default: 'ChaosCadence-Schedule-1A2B' }),
            },
            { OutputKey: 'WorkflowRoleArns', OutputValue: JSON.stringify(manifest.roles) },
            { OutputKey: 'FisTemplateIdwebcpu80', OutputValue: 'EXTa162bfddc89a48' },
          ],
        },
      ],
    });

    const { code, stdout } = await runCli(['preflight'], cli);

    cloudFormation.restore();
    account.restore();
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^FAIL {2}stack .*drift: stack ChaosCadence runs config aaaaaaaaaaaa, the local config is 745383cf41cd/m,
    );
    expect(stdout).toMatch(/^ok {4}schedule:default .*schedule ChaosCadence-Schedule-1A2B is enabled/m);
    expect(stdout).toMatch(/^ok {4}safetyLever {2,}the FIS safety lever is disengaged/m);
  });
});
