import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatedDynamoDb, type SimulatedDynamoDb } from '../lib/rehearsal/account/dynamodb';

/**
 * A tiny local stand-in for the AWS APIs the Lambdas call, for the cold-init benchmark. The child
 * processes point every SDK client at it with `AWS_ENDPOINT_URL`, so a handler runs its real code path
 * (client construction, credential resolution from env, request signing, serialization, HTTP, parsing)
 * and gets a minimal valid answer back. It speaks the protocols of the installed clients:
 * awsJson (SSM, Step Functions, CloudWatch), awsQuery / ec2Query (SNS, Auto Scaling, EC2), restJson (FIS)
 * and restXml (S3); plus `GET /health` for HTTP probes. DynamoDB is the rehearsal's simulated DynamoDB
 * (lib/rehearsal/account/dynamodb.ts), so the run lock's conditional writes behave as AWS's do.
 */
export interface FakeAws {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests answered, by `<protocol>:<operation>`. */
  readonly requests: Map<string, number>;
  /** Answers that were a generic empty success (no specific answer known). */
  readonly generic: Set<string>;
  /** Sets what `DescribeStateMachineForExecution` answers as the definition. */
  setStateMachineDefinition(definition: string): void;
  close(): Promise<void>;
}

/** What the fake answers for `DescribeStateMachineForExecution` (the sweep reads the RunConfig from it). */
interface FakeAwsOptions {
  stateMachineDefinition?: string;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const epochSeconds = (): number => Math.floor(Date.now() / 1000);

function jsonAnswer(operation: string, body: unknown, options: FakeAwsOptions): object | undefined {
  const input = (body ?? {}) as Record<string, unknown>;
  switch (operation) {
    case 'GetParameter':
      return { Parameter: { Name: input.Name, Value: 'off', Type: 'String', Version: 1 } };
    case 'GetCalendarState':
      return { State: 'OPEN', AtTime: new Date().toISOString() };
    case 'ListExecutions':
      return { executions: [] };
    case 'ListCommandInvocations':
      return { CommandInvocations: [] };
    case 'DescribeAlarms': {
      const names = Array.isArray(input.AlarmNames) ? (input.AlarmNames as string[]) : [];
      return {
        MetricAlarms: names.map((name) => ({
          AlarmName: name,
          StateValue: 'OK',
          StateUpdatedTimestamp: epochSeconds() - 3600,
        })),
        CompositeAlarms: [],
      };
    }
    case 'GetMetricData': {
      const queries = Array.isArray(input.MetricDataQueries)
        ? (input.MetricDataQueries as { Id?: string }[])
        : [];
      return {
        MetricDataResults: queries.map((q) => ({
          Id: q.Id,
          Label: q.Id,
          Timestamps: [epochSeconds() - 60],
          Values: [0.2],
          StatusCode: 'Complete',
        })),
        Messages: [],
      };
    }
    case 'PutMetricData':
      return {};
    case 'DescribeStateMachineForExecution':
      return {
        stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:bench',
        name: 'bench',
        definition: options.stateMachineDefinition ?? '{}',
        roleArn: 'arn:aws:iam::123456789012:role/bench',
        updateDate: epochSeconds(),
      };
    default:
      return undefined;
  }
}

function queryAnswer(action: string, form: URLSearchParams): string | undefined {
  switch (action) {
    case 'Publish':
      return '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>bench-message</MessageId></PublishResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></PublishResponse>';
    case 'DescribeAutoScalingGroups': {
      const name = form.get('AutoScalingGroupNames.member.1') ?? 'bench-asg';
      const instances = [1, 2, 3, 4]
        .map(
          (i) =>
            `<member><InstanceId>i-000${i}</InstanceId><LifecycleState>InService</LifecycleState><HealthStatus>Healthy</HealthStatus><AvailabilityZone>eu-central-1a</AvailabilityZone><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`,
        )
        .join('');
      return `<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>${name}</AutoScalingGroupName><MinSize>3</MinSize><MaxSize>6</MaxSize><DesiredCapacity>4</DesiredCapacity><Instances>${instances}</Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>`;
    }
    case 'DescribeInstances':
      return '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>bench</requestId><reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-0001</instanceId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>';
    default:
      return undefined;
  }
}

/** A DynamoDB answer (JSON protocol 1.0) from the simulated DynamoDB, errors as DynamoDB sends them. */
async function dynamodbAnswer(
  db: SimulatedDynamoDb,
  operation: string,
  body: unknown,
): Promise<{ status: number; answer: object } | undefined> {
  const route = db.routes.find((r) => r.name === operation);
  if (!route) return undefined;
  try {
    // The parsed JSON body is the SDK's input shape (DynamoDB's JSON protocol spells items the same way).
    return { status: 200, answer: await route.handle(body as never) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const item = (err as { Item?: unknown }).Item;
    return {
      status: 400,
      answer: {
        __type: `com.amazonaws.dynamodb.v20120810#${err.name}`,
        message: err.message,
        ...(item !== undefined ? { Item: item } : {}),
      },
    };
  }
}

/** FIS restJson: the experiment lifecycle, enough for start, poll, stop and sweep. */
function fisAnswer(method: string, path: string, stopped: Set<string>): unknown {
  const experiment = (id: string, status: string) => ({
    id,
    experimentTemplateId: 'EXTbench0001',
    state: { status, reason: `bench: ${status}` },
    startTime: epochSeconds() - 60,
    tags: {},
  });
  if (method === 'POST' && path === '/experiments')
    return { experiment: experiment('EXPbench0001', 'initiating') };
  if (method === 'GET' && path === '/experiments') return { experiments: [] };
  const match = /^\/experiments\/([^/?]+)/.exec(path);
  const id = match?.[1] ?? 'EXPbench0001';
  if (method === 'DELETE') {
    stopped.add(id);
    return { experiment: experiment(id, 'stopping') };
  }
  return { experiment: experiment(id, stopped.has(id) ? 'stopped' : 'completed') };
}

/** Starts the fake on an ephemeral port of 127.0.0.1. */
export async function startFakeAws(): Promise<FakeAws> {
  const options: FakeAwsOptions = {};
  const requests = new Map<string, number>();
  const generic = new Set<string>();
  const stopped = new Set<string>();
  const dynamodb = simulatedDynamoDb();
  const count = (key: string): void => {
    requests.set(key, (requests.get(key) ?? 0) + 1);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const target = request.headers['x-amz-target'];
    const contentType = String(request.headers['content-type'] ?? '');

    if (typeof target === 'string') {
      const operation = target.split('.').pop() ?? target;
      count(`json:${operation}`);
      let parsed: unknown = {};
      try {
        parsed = body ? JSON.parse(body) : {};
      } catch {
        parsed = {};
      }
      const version = target.startsWith('AmazonSSM') ? '1.1' : '1.0';
      const dynamo = target.startsWith('DynamoDB_')
        ? await dynamodbAnswer(dynamodb, operation, parsed)
        : undefined;
      const answer = dynamo?.answer ?? jsonAnswer(operation, parsed, options);
      if (answer === undefined) generic.add(`json:${operation}`);
      response.writeHead(dynamo?.status ?? 200, { 'content-type': `application/x-amz-json-${version}` });
      response.end(JSON.stringify(answer ?? {}));
      return;
    }
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? 'Unknown';
      count(`query:${action}`);
      const answer = queryAnswer(action, form);
      if (answer === undefined) generic.add(`query:${action}`);
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(answer ?? `<${action}Response><${action}Result/></${action}Response>`);
      return;
    }
    if (url.pathname === '/health') {
      count('http:health');
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    if (url.pathname.startsWith('/experiments')) {
      count(`fis:${method} /experiments`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(fisAnswer(method, url.pathname, stopped)));
      return;
    }
    // S3 (restXml, path style on an IP endpoint): PutObject answers an ETag, the rest a 404.
    count(`s3:${method}`);
    if (method === 'PUT') {
      response.writeHead(200, { etag: '"bench"' });
      response.end();
      return;
    }
    response.writeHead(404, { 'content-type': 'application/xml' });
    response.end('<Error><Code>NoSuchKey</Code><Message>bench</Message></Error>');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    generic,
    setStateMachineDefinition: (definition) => {
      options.stateMachineDefinition = definition;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
