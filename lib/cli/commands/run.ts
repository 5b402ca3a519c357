import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { RunInput } from '../../../lambdas/shared/types';
import type { CliContext, StackOptions } from '../context';
import { CliError, ExitCode, type ExitCodeValue } from '../errors';
import { outcomesExitCode } from './run-exit-codes';
import { describeEvent, executionConsoleUrl, readHistory } from '../execution';
import { paint, println } from '../io';
import { findStack } from '../stack';
import { formatVerdicts, isVerdictLine, type VerdictLine } from '../verdict';

/** Options of `chaos-cadence run`. */
export interface RunOptions extends StackOptions {
  /** Experiment names; empty = every enabled experiment. */
  readonly experiments: readonly string[];
  readonly dryRun: boolean;
  readonly wait: boolean;
  /** Seconds between history polls with `--wait`. @default 5 */
  readonly pollSeconds?: number;
}

/** A readable, unique execution name: `manual-20261201T100000Z-3f9a1c` (also the run id). */
export function manualRunId(now: Date, suffix: string): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `manual-${stamp}-${suffix}`;
}

/**
 * `chaos-cadence run`: starts the deployed workflow with a `manual` trigger. With `wait`, prints a progress
 * line per state entered until the execution ends, then the verdict per experiment.
 * @returns 0 when started; with `wait`, the code of the most urgent experiment outcome (OUTCOME_EXIT_CODES: 0 only
 *   when every experiment passed, 5 inconclusive, ...) when the execution succeeded
 * @throws CliError (exit 1) when the execution failed, timed out or was aborted
 */
export async function runCommand(options: RunOptions, context: CliContext): Promise<ExitCodeValue> {
  const { io } = context;
  const clients = context.clients(options.region);
  const stack = await findStack(clients.cloudFormation, options.stack);
  const stateMachineArn = stack.require('StateMachineArn');
  const runId = manualRunId(context.now(), context.randomSuffix());
  const input: RunInput = {
    experiments: [...options.experiments],
    trigger: 'manual',
    dryRun: options.dryRun,
  };
  const started = await clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn, name: runId, input: JSON.stringify(input) }),
  );
  const executionArn = started.executionArn;
  if (!executionArn) throw new CliError('Step Functions returned no execution ARN');

  const what = options.experiments.length > 0 ? options.experiments.join(', ') : 'every enabled experiment';
  println(io, `Started run ${paint(io, 'bold', runId)}${options.dryRun ? ' (dry run)' : ''}: ${what}`);
  println(io, `  ${executionConsoleUrl(executionArn, stack.region)}`);
  if (!options.wait) {
    println(io, 'Follow it with `npx chaos-cadence status`; results land in `npx chaos-cadence history`.');
    return ExitCode.Ok;
  }

  const execution = await follow(
    clients.sfn,
    executionArn,
    started.startDate,
    options.pollSeconds ?? 5,
    context,
  );
  const output = parseOutput(execution.output);
  println(io);
  println(io, `Execution ${execution.status ?? 'UNKNOWN'}.`);
  if (output.results.length > 0 || execution.status === 'SUCCEEDED') {
    println(io, 'Verdict:');
    for (const line of formatVerdicts(io, output.results)) println(io, line);
  }
  if (output.journalKey)
    println(io, `Journal: s3://${stack.outputs.ResultsBucketName ?? '<bucket>'}/${output.journalKey}`);
  if (stack.outputs.DashboardUrl) println(io, `Dashboard: ${stack.outputs.DashboardUrl}`);
  if (execution.status === 'SUCCEEDED') return outcomesExitCode(output.results.map((r) => r.outcome));
  const why = [execution.error, execution.cause].filter(Boolean).join(': ');
  throw new CliError(`run ${runId} ended ${execution.status ?? 'UNKNOWN'}${why ? ` (${why})` : ''}`, {
    hint: 'see the execution in the console (link above)',
  });
}

/** Polls the execution, printing each new progress line, until it is no longer RUNNING. */
async function follow(
  sfn: SFNClient,
  executionArn: string,
  startDate: Date | undefined,
  pollSeconds: number,
  context: CliContext,
): Promise<DescribeExecutionCommandOutput> {
  const { io } = context;
  let printed = 0;
  let startedAt = startDate;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    startedAt ??= execution.startDate;
    const events = await readHistory(sfn, executionArn);
    for (const event of events) {
      if ((event.id ?? 0) <= printed) continue;
      printed = event.id ?? printed;
      const line = describeEvent(io, event, startedAt);
      if (line) println(io, line);
    }
    if (execution.status !== 'RUNNING') return execution;
    await context.sleep(pollSeconds * 1000);
  }
}

/** What the CLI reads from the execution output `{ run, results, published }`. */
interface ParsedOutput {
  readonly results: VerdictLine[];
  readonly journalKey?: string;
}

function parseOutput(text: string | undefined): ParsedOutput {
  if (!text) return { results: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { results: [] };
  }
  if (typeof data !== 'object' || data === null) return { results: [] };
  const record = data as { results?: unknown; published?: { journalKey?: unknown } };
  const results = Array.isArray(record.results) ? record.results.filter(isVerdictLine) : [];
  const journalKey = record.published?.journalKey;
  return { results, ...(typeof journalKey === 'string' ? { journalKey } : {}) };
}
