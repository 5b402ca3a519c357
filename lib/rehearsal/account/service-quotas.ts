import * as quotasSdk from '@aws-sdk/client-service-quotas';
import type { Route, ServiceContext } from './context';

/**
 * Service Quotas (read by the preflight): FIS's `aws:ssm:send-command` target quota when the scenario
 * gives one (`preflight.fisSendCommandTargetQuota`), else no quota listed.
 */
export function simulatedServiceQuotas(ctx: ServiceContext): { readonly routes: Route[] } {
  const { region, account, partition } = ctx;
  const quota = ctx.scenario.preflight.fisSendCommandTargetQuota;
  const routes: Route[] = [
    {
      command: quotasSdk.ListServiceQuotasCommand,
      name: 'ListServiceQuotas',
      handle: (input: quotasSdk.ListServiceQuotasCommandInput) => {
        if (input.ServiceCode !== 'fis' || quota === undefined) return { Quotas: [] };
        return {
          Quotas: [
            {
              ServiceCode: 'fis',
              ServiceName: 'AWS Fault Injection Service',
              QuotaArn: `arn:${partition}:servicequotas:${region}:${account}:fis/L-D0A62255`,
              QuotaCode: 'L-D0A62255',
              QuotaName: 'Target Instances for aws:ssm:send-command',
              Value: quota,
              Unit: 'None',
              Adjustable: true,
              GlobalQuota: false,
            },
          ],
        };
      },
    },
  ];
  return { routes };
}
