import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseExperimentList, parseLimit } from './arguments';
import { outcomeExitTable } from './commands/run-exit-codes';
import { DEFAULT_STACK_NAME, type CliContext, type StackOptions } from './context';
import { ExitCode, UsageError, reportError, type ExitCodeValue } from './errors';
import { eprintln } from './io';

/** The version printed by `--version` (kept in step with package.json). */
export const CLI_VERSION = '0.1.0';

/** Adds `--stack` and `--region` to a command that talks to the deployed stack. */
function withStackOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--stack <name>', 'CloudFormation stack name')
        .default(DEFAULT_STACK_NAME)
        .env('CHAOS_CADENCE_STACK'),
    )
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or the profile)'));
}

function stackOptions(options: { stack: string; region?: string }): StackOptions {
  return { stack: options.stack, ...(options.region ? { region: options.region } : {}) };
}

function limitArgument(text: string): number {
  try {
    return parseLimit(text);
  } catch (error) {
    throw new InvalidArgumentError(
      error instanceof UsageError ? error.message.replace(/^--limit /, '') : String(error),
    );
  }
}

/**
 * Builds the `chaos-cadence` program. Each command's module is loaded when the command runs, so that
 * `--help` and bad usage answer at once instead of loading the AWS SDK and the rehearsal engine first.
 * Each action stores its command's exit code through `setExitCode`;
 * commander never exits the process (`exitOverride`) and writes through the context's io.
 */
export function buildProgram(context: CliContext, setExitCode: (code: ExitCodeValue) => void): Command {
  const { io } = context;
  const program = new Command('chaos-cadence')
    .description(
      'Recurring, automated, measured chaos experiments on AWS: rehearse, run, watch and halt them.',
    )
    .version(CLI_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'afterAll',
      `\nExit codes (run --wait and rehearse: the most urgent outcome of the run decides):\n${outcomeExitTable().join('\n')}\nColours only on a terminal; NO_COLOR turns them off.`,
    );

  program
    .command('rehearse')
    .description(
      'run the real workflow on this machine against a simulated account (no AWS needed); writes journal, report, email, metrics and every AWS call it would make',
    )
    .option('--config <file>', 'config file (default: CHAOS_CADENCE_CONFIG or ./chaos-cadence.config.yaml)')
    .option(
      '--scenario <file>',
      'scenario file describing the account (default: the shipped scenarios/healthy.yaml)',
    )
    .option('--out <dir>', 'where <run id>/ is written', 'rehearsal')
    .option(
      '--experiments <names>',
      'comma-separated experiment names (default: every enabled experiment)',
      parseExperimentList,
      [],
    )
    .option('--dry-run', 'rehearse a dry run (nothing would be injected)', false)
    .option('--at <time>', "when the rehearsed run starts, ISO 8601 (default: the scenario's now)")
    .option('--json', 'print a machine-readable summary instead of progress lines', false)
    .action(
      async (options: {
        config?: string;
        scenario?: string;
        at?: string;
        out: string;
        experiments: string[];
        dryRun: boolean;
        json: boolean;
      }) => {
        setExitCode(
          await (
            await import('./commands/rehearse')
          ).rehearseCommand(
            {
              ...(options.config !== undefined ? { config: options.config } : {}),
              ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
              ...(options.at !== undefined ? { at: options.at } : {}),
              out: options.out,
              experiments: options.experiments,
              dryRun: options.dryRun,
              json: options.json,
            },
            context,
          ),
        );
      },
    );

  program
    .command('validate')
    .description('check the config offline; summarize the experiments and the next 6 runs of each cadence')
    .option('--config <file>', 'config file (default: CHAOS_CADENCE_CONFIG or ./chaos-cadence.config.yaml)')
    .action(async (options: { config?: string }) => {
      const { validateCommand } = await import('./commands/validate');
      setExitCode(validateCommand(options.config !== undefined ? { config: options.config } : {}, context));
    });

  withStackOptions(
    program
      .command('run')
      .description('start the deployed workflow now (trigger "manual")')
      .argument('[experiments...]', 'experiment names (default: every enabled experiment)')
      .option('--dry-run', 'run every step but inject nothing (FIS/SSM calls are skipped)', false)
      .option('--wait', 'follow the execution until it ends, then print the verdict', false),
  ).action(
    async (
      experiments: string[],
      options: { dryRun: boolean; wait: boolean; stack: string; region?: string },
    ) => {
      setExitCode(
        await (
          await import('./commands/run')
        ).runCommand(
          { ...stackOptions(options), experiments, dryRun: options.dryRun, wait: options.wait },
          context,
        ),
      );
    },
  );

  withStackOptions(
    program
      .command('status')
      .description('the kill switch, and the run in progress (if any) with its current state'),
  ).action(async (options: { stack: string; region?: string }) => {
    const { statusCommand } = await import('./commands/status');
    setExitCode(await statusCommand(stackOptions(options), context));
  });

  withStackOptions(
    program
      .command('history')
      .description(
        'past runs from the journal in S3 (or --from a folder), newest first; --html writes the resilience history page',
      )
      .option('--limit <n>', 'how many runs (default 10; 500 with --html)', limitArgument)
      .option('--json', 'print JSON instead of a table', false)
      .option(
        '--html <file>',
        'write a self-contained page: resilience score over months, runs, recovery and time-to-detect trends',
      )
      .option(
        '--from <dir>',
        'read the journals from a folder (a rehearsal --out folder, or a copy of runs/) instead of S3',
      )
      .option(
        '--config <file>',
        'config whose cadences decide when a score is stale (default: ./chaos-cadence.config.yaml if present)',
      ),
  ).action(
    async (options: {
      limit?: number;
      json: boolean;
      html?: string;
      from?: string;
      config?: string;
      stack: string;
      region?: string;
    }) => {
      setExitCode(
        await (
          await import('./commands/history')
        ).historyCommand(
          {
            ...stackOptions(options),
            ...(options.limit !== undefined ? { limit: options.limit } : {}),
            json: options.json,
            ...(options.html !== undefined ? { html: options.html } : {}),
            ...(options.from !== undefined ? { from: options.from } : {}),
            ...(options.config !== undefined ? { config: options.config } : {}),
          },
          context,
        ),
      );
    },
  );

  withStackOptions(
    program
      .command('preflight')
      .description(
        'is the account ready for the next unattended run? read-only checks, one line each with its fix; exit 1 when one fails',
      )
      .argument('[experiments...]', 'experiment names (default: every scheduled experiment)')
      .option('--config <file>', 'config file (default: CHAOS_CADENCE_CONFIG or ./chaos-cadence.config.yaml)')
      .option('--scenario <file>', "check a rehearsal scenario's simulated account instead of AWS (offline)")
      .option('--email <dir>', 'also write the heads-up email of each next run to <dir>/heads-up-<group>.txt')
      .option('--json', 'print the report as JSON', false),
  ).action(
    async (
      experiments: string[],
      options: {
        config?: string;
        scenario?: string;
        email?: string;
        json: boolean;
        stack: string;
        region?: string;
      },
    ) => {
      setExitCode(
        await (
          await import('./commands/preflight')
        ).preflightCommand(
          {
            ...stackOptions(options),
            experiments,
            json: options.json,
            ...(options.config !== undefined ? { config: options.config } : {}),
            ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
            ...(options.email !== undefined ? { email: options.email } : {}),
          },
          context,
        ),
      );
    },
  );

  withStackOptions(
    program
      .command('halt')
      .description('turn the kill switch on (no new runs) and stop every running fault of this stack now')
      .option('--reason <text>', 'why (recorded in the kill switch parameter description)')
      .option(
        '--fis-safety-lever',
        "also engage FIS's account safety lever (UpdateSafetyLeverState): no FIS experiment can start in this account and region until it is disengaged",
        false,
      ),
  ).action(async (options: { reason?: string; fisSafetyLever: boolean; stack: string; region?: string }) => {
    setExitCode(
      await (
        await import('./commands/halt')
      ).haltCommand(
        {
          ...stackOptions(options),
          fisSafetyLever: options.fisSafetyLever,
          ...(options.reason ? { reason: options.reason } : {}),
        },
        context,
      ),
    );
  });

  withStackOptions(
    program.command('resume').description('turn the kill switch off: runs go ahead on their cadence again'),
  ).action(async (options: { stack: string; region?: string }) => {
    const { resumeCommand } = await import('./commands/halt');
    setExitCode(await resumeCommand(stackOptions(options), context));
  });

  return program;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and returns the exit code:
 * 0 ok, 1 the operation failed, 2 bad usage or config; `run --wait` and `rehearse` end with their outcomes' code
 * (OUTCOME_EXIT_CODES). Errors are printed as one line, never a stack trace.
 */
export async function main(argv: readonly string[], context: CliContext): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.Ok;
  const program = buildProgram(context, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the help or the usage error already.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.Ok;
      return ExitCode.Usage;
    }
    const report = reportError(error);
    eprintln(io(context), report.text);
    return report.exitCode;
  }
}

function io(context: CliContext) {
  return context.io;
}
