import type { aws_fis as fis } from 'aws-cdk-lib';
import type { ConfigProblem } from '../config/errors';
import { FaultConfigError } from './errors';
import { findPlaceholders, resolveDeep, type StackValues } from './placeholders';
import { MAX_STOP_CONDITIONS, type FisTemplateDocument, type TemplateSource } from './template-file';

/** What {@link toCfnTemplateParts} needs besides the template. */
export interface CfnTemplateOptions {
  readonly source: TemplateSource;
  /** Account, region and partition of the stack (tokens are fine). */
  readonly stack: StackValues;
  /** Values for the other placeholders, keyed by name (`YOUR SUBNET ID` or `<YOUR SUBNET ID>`). */
  readonly placeholders: Readonly<Record<string, string>>;
  /** The experiment's configured stop-condition alarm ARNs. */
  readonly alarmArns: readonly string[];
}

/** The parts of `CfnExperimentTemplateProps` an imported template provides. */
export interface CfnTemplateParts {
  readonly description: string;
  readonly targets: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty>;
  readonly actions: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty>;
  readonly stopConditions: fis.CfnExperimentTemplate.ExperimentTemplateStopConditionProperty[];
  readonly tags: Record<string, string>;
  readonly experimentOptions: fis.CfnExperimentTemplate.ExperimentTemplateExperimentOptionsProperty;
}

function mutableRecord<T>(record: Readonly<Record<string, T>> | undefined): Record<string, T> | undefined {
  return record ? { ...record } : undefined;
}

/**
 * Maps an imported template onto the `AWS::FIS::ExperimentTemplate` shape: placeholders resolved,
 * `none` stop conditions replaced by the experiment's alarms (the template's own alarms are kept).
 * The role, log configuration and chaos-cadence tags are the construct's business.
 * @throws FaultConfigError when a placeholder has no value or there are more than 5 stop conditions
 */
export function toCfnTemplateParts(
  template: FisTemplateDocument,
  options: CfnTemplateOptions,
): CfnTemplateParts {
  const { roleArn: _ignoredRole, ...rest } = template;
  const resolved = resolveDeep(rest, options.stack, options.placeholders);
  const left = findPlaceholders(resolved);
  if (left.length > 0) {
    const problems: ConfigProblem[] = left.map((p) => ({
      path: options.source.configPath,
      message:
        `${options.source.file}: ${p.path} still contains the placeholder ${p.placeholder}; ` +
        'replace it in the file with the real value (account, region and partition are filled in from the stack)',
    }));
    throw new FaultConfigError(problems);
  }
  const fileAlarms = resolved.stopConditions
    .filter((c) => c.source === 'aws:cloudwatch:alarm' && c.value !== undefined)
    .map((c) => c.value as string);
  const alarmArns = [...new Set([...fileAlarms, ...options.alarmArns])];
  if (alarmArns.length > MAX_STOP_CONDITIONS) {
    throw new FaultConfigError([
      {
        path: options.source.configPath,
        message: `${options.source.file}: the template's ${fileAlarms.length} alarm stop conditions plus the experiment's ${options.alarmArns.length} stopConditions make ${alarmArns.length}; FIS allows at most ${MAX_STOP_CONDITIONS}`,
      },
    ]);
  }
  const targets = Object.fromEntries(
    Object.entries(resolved.targets).map(([name, t]) => [
      name,
      {
        resourceType: t.resourceType,
        selectionMode: t.selectionMode,
        ...(t.resourceArns ? { resourceArns: [...t.resourceArns] } : {}),
        ...(t.resourceTags ? { resourceTags: mutableRecord(t.resourceTags) } : {}),
        ...(t.filters ? { filters: t.filters.map((f) => ({ path: f.path, values: [...f.values] })) } : {}),
        ...(t.parameters ? { parameters: mutableRecord(t.parameters) } : {}),
      },
    ]),
  );
  const actions = Object.fromEntries(
    Object.entries(resolved.actions).map(([name, a]) => [
      name,
      {
        actionId: a.actionId,
        ...(a.description !== undefined ? { description: a.description } : {}),
        ...(a.parameters ? { parameters: mutableRecord(a.parameters) } : {}),
        ...(a.targets ? { targets: mutableRecord(a.targets) } : {}),
        ...(a.startAfter ? { startAfter: [...a.startAfter] } : {}),
      },
    ]),
  );
  return {
    description: resolved.description,
    targets,
    actions,
    stopConditions: alarmArns.map((value) => ({ source: 'aws:cloudwatch:alarm', value })),
    tags: { ...resolved.tags },
    experimentOptions: {
      accountTargeting: resolved.experimentOptions?.accountTargeting ?? 'single-account',
      emptyTargetResolutionMode: resolved.experimentOptions?.emptyTargetResolutionMode ?? 'fail',
    },
  };
}
