import * as snsSdk from '@aws-sdk/client-sns';
import { isoAt, type Route, type ServiceContext } from './context';
import { serviceError } from './errors';

/** A message published to SNS. */
export interface PublishedMessage {
  readonly at: string;
  readonly topicArn?: string;
  readonly subject?: string;
  readonly message: string;
}

/** The simulated SNS: its routes and the messages published. */
export interface SimulatedSns {
  readonly routes: Route[];
  readonly messages: PublishedMessage[];
}

/** SNS Publish takes messages of at most 256 KB (262,144 bytes). */
const SNS_MAX_MESSAGE_BYTES = 262_144;

/**
 * Amazon SNS: Publish with the API reference's constraints (subject, message size), and the topic's
 * subscriptions (the preflight's read, from the scenario's `preflight.subscriptions`).
 */
export function simulatedSns(ctx: ServiceContext): SimulatedSns {
  const messages: PublishedMessage[] = [];
  const routes: Route[] = [
    {
      command: snsSdk.PublishCommand,
      name: 'Publish',
      handle: (input: snsSdk.PublishCommandInput) => {
        // The Publish API reference's constraints, which the service model only documents: a subject of
        // printable ASCII starting with a letter, digit or punctuation, one line, less than 100
        // characters; a message of at most 256 KB. SNS answers InvalidParameter for either.
        if (input.Subject !== undefined && !/^[!-~][ -~]{0,98}$/.test(input.Subject)) {
          throw serviceError('sns', 'InvalidParameterException', 'Invalid parameter: Subject');
        }
        if (Buffer.byteLength(input.Message ?? '', 'utf8') > SNS_MAX_MESSAGE_BYTES) {
          throw serviceError('sns', 'InvalidParameterException', 'Invalid parameter: Message too long');
        }
        messages.push({
          at: isoAt(ctx.now()),
          ...(input.TopicArn !== undefined ? { topicArn: input.TopicArn } : {}),
          ...(input.Subject !== undefined ? { subject: input.Subject } : {}),
          message: input.Message ?? '',
        });
        return { MessageId: ctx.nextUuid() };
      },
    },
    {
      command: snsSdk.ListSubscriptionsByTopicCommand,
      name: 'ListSubscriptionsByTopic',
      handle: (input: snsSdk.ListSubscriptionsByTopicCommandInput) => ({
        Subscriptions: ctx.scenario.preflight.subscriptions.map((s, index) => ({
          SubscriptionArn:
            s.status === 'pending'
              ? 'PendingConfirmation'
              : `${input.TopicArn ?? ''}:0000000${index}-rehearsal-0000-0000-000000000000`,
          Owner: ctx.account,
          Protocol: 'email',
          Endpoint: s.endpoint,
          TopicArn: input.TopicArn,
        })),
      }),
    },
  ];
  return { routes, messages };
}
