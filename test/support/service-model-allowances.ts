import type { ModelAllowance } from './aws-service-models';

/**
 * Members the code sends or the simulated account answers that AWS has, but that the installed
 * service models (Debian's python3-botocore 1.29.27, December 2022) predate. Each is reported with its
 * count in the figures, never passed silently; anything else unknown to the model fails the check. A
 * test fails when the installed model learns one of them (then the line is to be removed); each cites
 * where AWS documents it.
 */
export const MODEL_ALLOWANCES: readonly ModelAllowance[] = [
  {
    operation: 'fis:StartExperiment',
    direction: 'answer',
    kind: 'unknown-enum',
    path: 'experiment.actions{}.state.status',
    value: 'skipped',
    why: 'the action state of a dry run (actionsMode skip-all); FIS API reference, ExperimentActionStatus (2024)',
  },
  {
    operation: 'fis:GetExperiment',
    direction: 'answer',
    kind: 'unknown-enum',
    path: 'experiment.actions{}.state.status',
    value: 'skipped',
    why: 'the action state of a dry run (actionsMode skip-all); FIS API reference, ExperimentActionStatus (2024)',
  },
  {
    operation: 'fis:ListExperimentResolvedTargets',
    direction: 'request',
    kind: 'unknown-operation',
    path: '(operation)',
    why: 'the targets a FIS experiment resolved (effect verification); FIS API reference, ListExperimentResolvedTargets (2024)',
  },
  {
    operation: 'fis:ListExperimentResolvedTargets',
    direction: 'answer',
    kind: 'unknown-operation',
    path: '(operation)',
    why: 'FIS API reference, ListExperimentResolvedTargets (2024): resolvedTargets[].targetInformation',
  },
  {
    operation: 'fis:StartExperiment',
    direction: 'request',
    kind: 'unknown-member',
    path: 'experimentOptions',
    why: 'actionsMode skip-all (a dry run); FIS API reference, StartExperimentExperimentOptionsInput (2024)',
  },
  {
    operation: 'fis:StartExperiment',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiment.experimentOptions',
    why: 'FIS API reference, Experiment.experimentOptions (actionsMode read back to verify a dry run)',
  },
  {
    operation: 'fis:GetExperiment',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiment.experimentOptions',
    why: 'FIS API reference, Experiment.experimentOptions',
  },
  {
    operation: 'fis:StopExperiment',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiment.experimentOptions',
    why: 'FIS API reference, Experiment.experimentOptions',
  },
  {
    operation: 'fis:StartExperiment',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiment.arn',
    why: 'FIS API reference, Experiment.arn (added after this model)',
  },
  {
    operation: 'fis:GetExperiment',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiment.arn',
    why: 'FIS API reference, Experiment.arn',
  },
  {
    operation: 'fis:StopExperiment',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiment.arn',
    why: 'FIS API reference, Experiment.arn',
  },
  {
    operation: 'fis:GetExperimentTemplate',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experimentTemplate.arn',
    why: 'FIS API reference, ExperimentTemplate.arn (added after this model); read by the preflight',
  },
  {
    operation: 'fis:ListExperiments',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'experiments[].arn',
    why: 'FIS API reference, ExperimentSummary.arn',
  },
  {
    operation: 'cloudwatch:DescribeAlarms',
    direction: 'answer',
    kind: 'unknown-member',
    path: 'MetricAlarms[].StateTransitionedTimestamp',
    why: 'CloudWatch API reference, MetricAlarm.StateTransitionedTimestamp (2023); @aws-sdk/client-cloudwatch has it',
  },
  {
    operation: 'fis:GetSafetyLever',
    direction: 'request',
    kind: 'unknown-operation',
    path: '(operation)',
    why: "the preflight reads FIS's account-wide safety lever (engaged: no experiment starts); FIS API reference, GetSafetyLever (2024)",
  },
  {
    operation: 'fis:GetSafetyLever',
    direction: 'answer',
    kind: 'unknown-operation',
    path: '(operation)',
    why: 'FIS API reference, GetSafetyLever (2024): safetyLever.id, arn, state.status and state.reason',
  },
  {
    operation: 'dynamodb:PutItem',
    direction: 'request',
    kind: 'unknown-member',
    path: 'ReturnValuesOnConditionCheckFailure',
    why: 'DynamoDB API reference (June 2023): the run lock reads the holder from a failed condition',
  },
  {
    operation: 'dynamodb:DeleteItem',
    direction: 'request',
    kind: 'unknown-member',
    path: 'ReturnValuesOnConditionCheckFailure',
    why: 'DynamoDB API reference (June 2023): the run lock release names the holder when it is not ours',
  },
];
