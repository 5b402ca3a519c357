/**
 * The `chaos-cadence` command (bin/chaos-cadence-cli.cjs runs it through tsx): wires real AWS SDK clients
 * (credentials from the default chain, region from --region or the environment) and process streams.
 */
import '../lib/util/polyfills';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FisClient } from '@aws-sdk/client-fis';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createClients } from '../lambdas/shared/clients';
import type { CliClients } from '../lib/cli/context';
import { colorAllowed } from '../lib/cli/io';
import { main } from '../lib/cli/program';

// The SDK warns about Node 20 on every client; the CLI supports Node >= 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function realClients(region: string | undefined): CliClients {
  const config = region ? { region } : {};
  return {
    cloudFormation: new CloudFormationClient(config),
    sfn: new SFNClient(config),
    s3: new S3Client(config),
    ssm: new SSMClient(config),
    fis: new FisClient(config),
    dynamodb: new DynamoDBClient(config),
  };
}

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
    extra: {
      scheduler: new SchedulerClient({ region }),
      iam: new IAMClient({ region }),
      serviceQuotas: new ServiceQuotasClient({ region }),
    },
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
