/**
 * The environment variables of the PublishResults function (the same names as
 * lambdas/shared/settings.ts uses for these settings). The Results construct sets them.
 */
export const PUBLISH_ENV = {
  resultsBucket: 'CHAOS_RESULTS_BUCKET',
  topicArn: 'CHAOS_TOPIC_ARN',
  dashboardName: 'CHAOS_DASHBOARD_NAME',
  account: 'CHAOS_ACCOUNT',
  partition: 'CHAOS_PARTITION',
} as const;
