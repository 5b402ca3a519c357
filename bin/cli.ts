/**
 * The `chaos-cadence` command (bin/chaos-cadence-cli.cjs runs it through tsx): wires real AWS SDK clients
 * (credentials from the default chain, region from --region or the environment) and process streams.
 */
import '../lib/util/polyfills';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClients, lazily } from '../lambdas/shared/clients';
import type { PreflightExtraClients } from '../lambdas/preflight/report';
import type { CliClients } from '../lib/cli/context';
import { colorAllowed } from '../lib/cli/io';
import { main } from '../lib/cli/program';

// The SDK warns about Node 20 on every client; the CLI supports Node >= 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/* eslint-disable @typescript-eslint/no-require-imports -- each SDK package is loaded when its client is
   first used: `--help`, bad usage and `validate` load none, and each command only the ones it calls. */
function realClients(region: string | undefined): CliClients {
  return lazily<CliClients, { region?: string }>(
    {
      cloudFormation: (c) =>
        new (
          require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation')
        ).CloudFormationClient(c),
      sfn: (c) => new (require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn')).SFNClient(c),
      s3: (c) => new (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client(c),
      ssm: (c) => new (require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm')).SSMClient(c),
      fis: (c) => new (require('@aws-sdk/client-fis') as typeof import('@aws-sdk/client-fis')).FisClient(c),
      dynamodb: (c) =>
        new (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb')).DynamoDBClient(
          c,
        ),
    },
    region ? { region } : {},
  );
}

function preflightExtraClients(region: string | undefined): PreflightExtraClients {
  return lazily<PreflightExtraClients, { region: string | undefined }>(
    {
      scheduler: (c) =>
        new (
          require('@aws-sdk/client-scheduler') as typeof import('@aws-sdk/client-scheduler')
        ).SchedulerClient(c),
      iam: (c) => new (require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam')).IAMClient(c),
      serviceQuotas: (c) =>
        new (
          require('@aws-sdk/client-service-quotas') as typeof import('@aws-sdk/client-service-quotas')
        ).ServiceQuotasClient(c),
    },
    { region },
  );
}
/* eslint-enable @typescript-eslint/no-require-imports */

// `chaos-cadence history | head`: the reader went away; stop quietly instead of a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const cache = new Map<string, CliClients>();

main(process.argv.slice(2), {
  io: {
    stdout: process.stdout,
    stderr: process.stderr,
    color: colorAllowed(process.stdout.isTTY === true, process.env),
  },
  env: process.env,
  cwd: process.cwd(),
  packageRoot: resolve(__dirname, '..'),
  clients: (region) => {
    const key = region ?? '';
    const existing = cache.get(key);
    if (existing) return existing;
    const created = realClients(region);
    cache.set(key, created);
    return created;
  },
  preflightClients: (region) => ({
    aws: createClients(region),
    extra: preflightExtraClients(region),
  }),
  now: () => new Date(),
  sleep: (milliseconds) => sleep(milliseconds),
  randomSuffix: () => randomBytes(3).toString('hex'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
