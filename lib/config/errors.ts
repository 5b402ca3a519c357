/** One problem found in the config: where it is and what is wrong. */
export interface ConfigProblem {
  /** The path in the config, e.g. `experiments[0].fault.cpuStress.loadPercent`. */
  readonly path: string;
  /** What was found and what is allowed. */
  readonly message: string;
}

/**
 * The config (or a scenario file) is not usable. The message lists every problem with its file and
 * path, one per line, so the CLI and `cdk synth` can print it as is and exit non-zero.
 */
export class ConfigError extends Error {
  /** Every problem found, in document order. */
  readonly problems: readonly ConfigProblem[];
  /** The file that was read, when there was one. */
  readonly file: string | undefined;

  constructor(file: string | undefined, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(formatProblems(file, problems), options);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

/** Formats a path array the way people write it: `experiments[0].fault.cpuStress`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function formatProblems(file: string | undefined, problems: readonly ConfigProblem[]): string {
  const where = file ?? 'config';
  const lines = problems.map((p) => `  ${where}: ${p.path || '(top level)'}: ${p.message}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `Invalid configuration (${count}):\n${lines.join('\n')}`;
}
