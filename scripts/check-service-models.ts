/**
 * `npm run models`: rehearses the catalogue of runs (test/support/rehearsal-catalogue.ts) and checks every
 * AWS request and every answer of the simulated account against AWS's service models (Debian's
 * python3-botocore, or BOTOCORE_DATA); prints the figures and exits 1 unless both are 100 % valid.
 * The suite runs the same check (test/rehearsal/service-models.test.ts).
 */
import { checkCalls, formatFigures } from '../test/support/aws-service-models';
import { catalogue, rehearseCase } from '../test/support/rehearsal-catalogue';
import { MODEL_ALLOWANCES } from '../test/support/service-model-allowances';

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cases = catalogue();
  const sources = [];
  for (const entry of cases) {
    const { calls } = await rehearseCase(entry);
    sources.push({ name: entry.name, calls });
  }
  const figures = checkCalls(sources, MODEL_ALLOWANCES);
  process.stdout.write(
    `${cases.length} runs (rehearsals and direct function calls): ${cases.map((c) => c.name).join('; ')}\n`,
  );
  process.stdout.write(`${formatFigures(figures)}\n`);
  if (figures.validRequests !== figures.requests || figures.validAnswers !== figures.answers)
    process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
