// Runs before each test file: quiet SDK warnings on Node 20 and provide what Node 22 has.
import '../lib/util/polyfills';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'eu-central-1';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// aws-cdk-lib validates every synthesized template against the CloudFormation schemas (a WebAssembly
// engine that costs about 8 s of CPU to start, once per test file that synthesizes). Test files
// synthesize with it off; test/e2e/synth.test.ts runs `cdk synth` with it on and requires a clean report.
process.env.CDK_VALIDATION ??= 'false';
