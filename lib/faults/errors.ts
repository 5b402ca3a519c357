import { ConfigError, type ConfigProblem } from '../config/errors';

/**
 * An experiment's fault cannot be turned into AWS resources: the imported FIS template file is missing,
 * is not a FIS experiment template, or uses something FIS refuses. Thrown at synth time; the message
 * names the config path (`experiments[0].fault.fisTemplate.file`), the file, what was found and the fix.
 */
export class FaultConfigError extends ConfigError {
  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(undefined, problems, options);
    this.name = 'FaultConfigError';
  }
}
