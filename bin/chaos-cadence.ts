#!/usr/bin/env node
/**
 * The CDK app: load the config, build the stack, run cdk-nag's AWS Solutions checks.
 * A bad config prints its problems (file, path, what is allowed) and exits 2 without a stack trace.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChaosCadenceStack } from '../lib/chaos-cadence-stack';
import { ConfigError } from '../lib/config/errors';
import { loadConfig } from '../lib/config/load';

const app = new App();
const contextPath: unknown = app.node.tryGetContext('config');

try {
  const loaded = loadConfig({ ...(typeof contextPath === 'string' ? { path: contextPath } : {}) });
  new ChaosCadenceStack(app, 'ChaosCadence', {
    loaded,
    description: 'chaos-cadence: recurring, automated, measured chaos experiments',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
