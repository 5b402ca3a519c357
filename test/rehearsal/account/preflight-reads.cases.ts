import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preflightOffline } from '../../../lib/preflight/offline';
import { exampleConfig, readyScenario } from '../../lambdas/preflight/fixtures';

/** AWS's own service models (Debian python3-botocore; `npm test` installs it). */
const BOTOCORE = process.env.BOTOCORE_DATA ?? '/usr/lib/python3/dist-packages/botocore/data';

interface Shape {
  readonly type: string;
  readonly members?: Record<string, { readonly shape: string }>;
  readonly member?: { readonly shape: string };
  readonly value?: { readonly shape: string };
}
interface Model {
  readonly operations: Record<string, { readonly output?: { readonly shape: string } }>;
  readonly shapes: Record<string, Shape>;
}

/** The botocore folder of each IAM service prefix the new routes use. */
const MODEL_DIR: Record<string, string> = {
  scheduler: 'scheduler',
  iam: 'iam',
  servicequotas: 'service-quotas',
  ssm: 'ssm',
  sns: 'sns',
};

function model(service: string): Model {
  const dir = join(BOTOCORE, MODEL_DIR[service] ?? service);
  const version = readdirSync(dir).sort().pop() ?? '';
  return JSON.parse(readFileSync(join(dir, version, 'service-2.json'), 'utf8')) as Model;
}

/** Paths in `value` that the output shape does not have, or whose type differs. */
function mismatches(m: Model, shapeName: string, value: unknown, path: string): string[] {
  const shape = m.shapes[shapeName];
  if (!shape) return [`${path}: unknown shape ${shapeName}`];
  switch (shape.type) {
    case 'structure':
      if (typeof value !== 'object' || value === null) return [`${path}: expected a structure`];
      return Object.entries(value).flatMap(([key, v]) => {
        const member = shape.members?.[key];
        return member
          ? mismatches(m, member.shape, v, `${path}.${key}`)
          : [`${path}.${key}: not in ${shapeName}`];
      });
    case 'list':
      return Array.isArray(value)
        ? value.flatMap((v, i) => mismatches(m, shape.member?.shape ?? '', v, `${path}[${i}]`))
        : [`${path}: expected a list`];
    case 'map':
      return typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) =>
            mismatches(m, shape.value?.shape ?? '', v, `${path}.${k}`),
          )
        : [`${path}: expected a map`];
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: expected a string`];
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'timestamp':
      // By tag, not instanceof: the recorded copy may come from another realm.
      return Object.prototype.toString.call(value) === '[object Date]'
        ? []
        : [`${path}: expected a timestamp`];
    default:
      return [];
  }
}

const NEW_OPERATIONS = [
  'scheduler:GetSchedule',
  'iam:GetRole',
  'iam:SimulatePrincipalPolicy',
  'servicequotas:ListServiceQuotas',
  'ssm:DescribeInstanceInformation',
  'ssm:DescribeDocument',
  'sns:ListSubscriptionsByTopic',
];

(existsSync(BOTOCORE) ? describe : describe.skip)(
  'the simulated preflight reads (Scheduler, IAM, Service Quotas, SSM, SNS)',
  () => {
    it('answer every read of a preflight with the fields AWS service models define', async () => {
      const { account } = await preflightOffline(
        exampleConfig(),
        readyScenario({}, { subscriptions: [{ endpoint: 'sre@example.com', status: 'pending' }] }),
      );
      const calls = account.calls.filter((c) => NEW_OPERATIONS.includes(`${c.service}:${c.command}`));

      const problems = calls.flatMap((call) => {
        const m = model(call.service);
        const output = m.operations[call.command]?.output?.shape;
        return output
          ? mismatches(m, output, call.output, `${call.service}:${call.command}`)
          : [`${call.command}: no output`];
      });

      expect([...new Set(calls.map((c) => `${c.service}:${c.command}`))].sort()).toEqual(
        [...NEW_OPERATIONS].sort(),
      );
      expect(problems).toEqual([]);
    });

    it('answers PendingConfirmation for an unconfirmed email subscription, as SNS does', async () => {
      const { account } = await preflightOffline(
        exampleConfig(),
        readyScenario({}, { subscriptions: [{ endpoint: 'sre@example.com', status: 'pending' }] }),
      );

      expect(account.calls.find((c) => c.command === 'ListSubscriptionsByTopic')?.output).toMatchObject({
        Subscriptions: [
          { SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'sre@example.com' },
        ],
      });
    });
  },
);
