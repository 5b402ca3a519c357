import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const cdk = join(root, 'node_modules', '.bin', 'cdk');

/** The environment of a user with no AWS credentials and no network configuration. */
function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  // As a user runs it: CloudFormation schema validation on (test/env.ts turns it off in test files).
  delete env.CDK_VALIDATION;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true' };
}

describe('cdk synth', () => {
  it('writes cdk.out/ChaosCadence.template.json offline, bundling Lambdas with local esbuild', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cc-synth-'));

    // Generous: npm test runs tsc and eslint beside jest on 2 cores, and esbuild bundles nine functions
    // here; this test proves synth works offline (npm run bench measures how fast).
    await run(cdk, ['synth', '--quiet', '--output', out], { cwd: root, env: offlineEnv(), timeout: 240_000 });

    const template = JSON.parse(readFileSync(join(out, 'ChaosCadence.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: { Code?: { S3Key?: string }; Handler?: string } }
      >;
    };
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    // Every function was bundled by local esbuild into its own asset: a zip on S3 whose folder in
    // cdk.out holds the index.js its handler names (no Docker, no inline code).
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(10); // the eight workflow functions, publish-results, preflight
    for (const fn of functions) {
      const { Code, Handler } = fn.Properties;
      expect(Code?.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
      expect(Handler).toBe('index.handler');
      const bundle = join(out, `asset.${Code!.S3Key!.replace(/\.zip$/, '')}`, 'index.js');
      expect(readFileSync(bundle, 'utf8').length).toBeGreaterThan(1000);
    }
    // aws-cdk-lib's CloudFormation schema validation ran over the template and found nothing.
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
    };
    expect(
      report.pluginReports.flatMap((r) =>
        r.violations.map((v) => `${r.pluginName} ${v.ruleName}: ${v.description}`),
      ),
    ).toEqual([]);
  }, 260_000);

  it('fails with the config problems and exit code 2, not a stack trace, when the config is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'experiments:\n  - name: Bad_Name\n');

    const failure = await run('npx', ['tsx', 'bin/chaos-cadence.ts'], {
      cwd: root,
      env: offlineEnv({ CHAOS_CADENCE_CONFIG: file, CDK_OUTDIR: join(dir, 'out') }),
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(`${file}: experiments[0].name: name must be lower-case`);
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
