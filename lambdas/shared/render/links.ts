/**
 * Console links for the email and the report. Pure: built from ARNs, ids and the region only.
 */

/** What the links need to know about the deployment. */
export interface LinkSettings {
  readonly region: string;
  readonly partition: string;
  readonly resultsBucket: string;
  readonly dashboardName: string;
}

/** The links of one run (a FIS link per experiment is built with {@link fisExperimentUrl}). */
export interface RunLinks {
  /** Step Functions console: the execution. */
  readonly execution: string;
  /** CloudWatch console: the dashboard. */
  readonly dashboard: string;
  /** Presigned S3 GET URL of the HTML report, when one could be signed. */
  readonly reportPresigned?: string;
  /** S3 console page of the report object: works as long as you can sign in. */
  readonly reportConsole: string;
  /** S3 console page of the journal object. */
  readonly journalConsole: string;
}

/** The console host for a partition (`aws`, `aws-cn`, `aws-us-gov`). */
export function consoleHost(region: string, partition: string): string {
  if (partition === 'aws-cn') return `https://${region}.console.amazonaws.cn`;
  if (partition === 'aws-us-gov') return `https://${region}.console.amazonaws-us-gov.com`;
  return `https://${region}.console.aws.amazon.com`;
}

/** Step Functions console URL of an execution. */
export function executionUrl(
  executionArn: string,
  settings: Pick<LinkSettings, 'region' | 'partition'>,
): string {
  const host = consoleHost(settings.region, settings.partition);
  return `${host}/states/home?region=${settings.region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}

/** FIS console URL of an experiment. */
export function fisExperimentUrl(
  experimentId: string,
  settings: Pick<LinkSettings, 'region' | 'partition'>,
): string {
  const host = consoleHost(settings.region, settings.partition);
  return `${host}/fis/home?region=${settings.region}#ExperimentDetails:ExperimentId=${encodeURIComponent(experimentId)}`;
}

/** SSM Run Command console URL of a command. */
export function ssmCommandUrl(
  commandId: string,
  settings: Pick<LinkSettings, 'region' | 'partition'>,
): string {
  const host = consoleHost(settings.region, settings.partition);
  return `${host}/systems-manager/run-command/${encodeURIComponent(commandId)}?region=${settings.region}`;
}

/** CloudWatch console URL of a dashboard. */
export function dashboardUrl(settings: Pick<LinkSettings, 'region' | 'partition' | 'dashboardName'>): string {
  const host = consoleHost(settings.region, settings.partition);
  return `${host}/cloudwatch/home?region=${settings.region}#dashboards/dashboard/${encodeURIComponent(settings.dashboardName)}`;
}

/** S3 console URL of one object (durable: needs a console sign-in, never expires). */
export function s3ObjectConsoleUrl(
  bucket: string,
  key: string,
  settings: Pick<LinkSettings, 'region' | 'partition'>,
): string {
  const host =
    settings.partition === 'aws'
      ? 'https://s3.console.aws.amazon.com'
      : consoleHost(settings.region, settings.partition);
  return `${host}/s3/object/${encodeURIComponent(bucket)}?region=${settings.region}&prefix=${encodeURIComponent(key)}`;
}

/** Every link of a run, except the presigned one (which needs credentials: see publish-results). */
export function runLinks(
  executionArn: string,
  keys: { readonly journalKey: string; readonly reportKey: string },
  settings: LinkSettings,
  reportPresigned?: string,
): RunLinks {
  return {
    execution: executionUrl(executionArn, settings),
    dashboard: dashboardUrl(settings),
    ...(reportPresigned !== undefined ? { reportPresigned } : {}),
    reportConsole: s3ObjectConsoleUrl(settings.resultsBucket, keys.reportKey, settings),
    journalConsole: s3ObjectConsoleUrl(settings.resultsBucket, keys.journalKey, settings),
  };
}
