import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { setUp } from './fixture';

describe('simulated Step Functions', () => {
  it('lists the run itself and the other running executions', async () => {
    const { account } = setUp();

    const answer = await account.clients.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:Machine',
        statusFilter: 'RUNNING',
      }),
    );

    expect(answer.executions?.map((e) => e.name)).toEqual(['this-run', 'other-run-1']);
  });
});
