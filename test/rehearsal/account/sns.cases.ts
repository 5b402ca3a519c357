import { ListSubscriptionsByTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { settings, setUp, errorOf } from './fixture';

describe('simulated SNS', () => {
  it('captures SNS messages', async () => {
    const { account } = setUp();

    await account.clients.sns.send(
      new PublishCommand({ TopicArn: settings.topicArn, Subject: 'hi', Message: 'body' }),
    );

    expect(account.snsMessages).toEqual([expect.objectContaining({ subject: 'hi', message: 'body' })]);
  });

  it.each([
    ['100 characters', 'x'.repeat(100)],
    ['a line break', 'two\nlines'],
    ['non-ASCII text', 'caf\u00e9'],
  ])('rejects a subject with %s as SNS does (InvalidParameter)', async (_what, subject) => {
    const { account } = setUp();

    const error = await errorOf(
      account.clients.sns.send(
        new PublishCommand({ TopicArn: settings.topicArn, Subject: subject, Message: 'x' }),
      ),
    );

    expect([error.name, error.message, account.snsMessages]).toEqual([
      'InvalidParameterException',
      'Invalid parameter: Subject',
      [],
    ]);
  });

  it('rejects a message over 256 KB as SNS does (InvalidParameter)', async () => {
    const { account } = setUp();

    const error = await errorOf(
      account.clients.sns.send(
        new PublishCommand({ TopicArn: settings.topicArn, Message: 'x'.repeat(262_145) }),
      ),
    );

    expect(error.message).toBe('Invalid parameter: Message too long');
  });

  it("lists the topic's email subscriptions, a pending one as PendingConfirmation", async () => {
    const { account } = setUp({
      preflight: {
        subscriptions: [{ endpoint: 'ops@example.com' }, { endpoint: 'dev@example.com', status: 'pending' }],
      },
    });

    const answer = await account.clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: settings.topicArn }),
    );

    expect(
      answer.Subscriptions?.map((s) => [s.Endpoint, s.SubscriptionArn?.startsWith(settings.topicArn)]),
    ).toEqual([
      ['ops@example.com', true],
      ['dev@example.com', false],
    ]);
    expect(answer.Subscriptions?.[1]?.SubscriptionArn).toBe('PendingConfirmation');
  });
});
