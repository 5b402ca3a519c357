/** Renders the fixtures the way publish-results does, for golden and browser tests. */
import { renderReportHtml } from '../../lambdas/shared/render/html';
import { buildJournal, journalKey, reportKey } from '../../lambdas/shared/render/journal';
import { runLinks, type LinkSettings } from '../../lambdas/shared/render/links';
import { renderEmailText } from '../../lambdas/shared/render/text';
import type { ExperimentResult, RunJournal } from '../../lambdas/shared/types';
import { chartFor } from '../fixtures/charts';
import { publishInput, run } from '../fixtures/results';

/** The deployment the fixtures pretend to publish into. */
export const linkSettings: LinkSettings = {
  region: 'eu-central-1',
  partition: 'aws',
  resultsBucket: 'chaoscadence-results-bucket-1a2b3c',
  dashboardName: 'ChaosCadence-ChaosCadence',
};

/** The journal of a run with these results, ended at a fixed time. */
export function journalOf(...results: ExperimentResult[]): RunJournal {
  const last =
    results
      .map((r) => r.endedAt)
      .sort()
      .pop() ?? run.startedAt;
  return buildJournal(publishInput(...results), new Date(Date.parse(last) + 2000).toISOString());
}

function linksOf(journal: RunJournal, presigned?: string) {
  const keys = {
    journalKey: journalKey(journal.runId, journal.startedAt),
    reportKey: reportKey(journal.runId),
  };
  return runLinks(journal.executionArn, keys, linkSettings, presigned);
}

/** The HTML report of the results, with fixture charts for experiments that injected a fault. */
export function reportOf(...results: ExperimentResult[]): string {
  const journal = journalOf(...results);
  const charts = Object.fromEntries(results.filter((r) => r.fault).map((r) => [r.name, chartFor(r)]));
  return renderReportHtml(journal, { settings: linkSettings, links: linksOf(journal), charts });
}

/** The email body of the results, with a fixed presigned link. */
export function emailOf(...results: ExperimentResult[]): string {
  const journal = journalOf(...results);
  const presigned = `https://${linkSettings.resultsBucket}.s3.eu-central-1.amazonaws.com/${reportKey(journal.runId)}?X-Amz-Signature=fixture`;
  return renderEmailText(journal, linksOf(journal, presigned), linkSettings);
}
