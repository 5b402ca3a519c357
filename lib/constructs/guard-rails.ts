import { Arn, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { AllowedHours, WorkflowSettings } from '../../lambdas/shared/aws';
import { durationSeconds } from '../config/duration';
import type { Config } from '../config/schema';

/** The kill switch's two values: `off` lets runs happen, `on` halts them. */
export const KILL_SWITCH_VALUES = { off: 'off', on: 'on' } as const;

/** The guard-rail settings the workflow's functions receive (see `settingsToEnv`). */
export type GuardRailSettings = Pick<
  WorkflowSettings,
  'killSwitchParameter' | 'changeCalendar' | 'allowedHours' | 'timeZone'
>;

/** Props of {@link GuardRails}. */
export interface GuardRailsProps {
  /** The validated config: `guardRails`, `cadence.timeZone` and `maxFaultDuration` are read. */
  readonly config: Config;
}

/**
 * The guard rails every run passes before anything is injected:
 * - the kill switch: an SSM parameter (`off`/`on`) the stack creates with value `off`; `on` means no
 *   new runs and in-flight faults stopped within one poll;
 * - an optional SSM Change Calendar: runs only while it is OPEN;
 * - allowed hours, read in the default cadence's time zone;
 * - `maxFaultDuration`, the cap on any fault;
 * - one run at a time is the workflow's own run lock (a DynamoDB conditional write); it is also what
 *   makes a schedule retry or a double start harmless.
 *
 * The construct creates the parameter and exposes the settings for the workflow construct.
 */
export class GuardRails extends Construct {
  /** The kill-switch parameter. */
  public readonly killSwitch: ssm.StringParameter;
  /** Its name, e.g. `/chaos-cadence/ChaosCadence/kill-switch`. */
  public readonly killSwitchParameterName: string;
  /** The SSM Change Calendar that must be OPEN, when configured. */
  public readonly changeCalendarName?: string;
  /** When runs may happen, in {@link timeZone}. */
  public readonly allowedHours: AllowedHours;
  /** IANA time zone of the allowed hours (the default cadence's). */
  public readonly timeZone: string;
  /** The longest any fault may run. */
  public readonly maxFaultDuration: Duration;
  /** The same values as the workflow's functions read them (`WorkflowSettings`). */
  public readonly settings: GuardRailSettings;

  constructor(scope: Construct, id: string, props: GuardRailsProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.killSwitchParameterName =
      config.guardRails.killSwitchParameter ?? `/chaos-cadence/${stack.stackName}/kill-switch`;
    this.killSwitch = new ssm.StringParameter(this, 'KillSwitch', {
      parameterName: this.killSwitchParameterName,
      stringValue: KILL_SWITCH_VALUES.off,
      allowedPattern: '^(on|off)$',
      tier: ssm.ParameterTier.STANDARD,
      description:
        'chaos-cadence kill switch. "off": runs allowed. "on": no new runs, and faults in flight are stopped within one poll. ' +
        'Flip it with `npx chaos-cadence halt` / `npx chaos-cadence resume`, or ' +
        `aws ssm put-parameter --overwrite --name ${this.killSwitchParameterName} --value on (or off).`,
    });

    if (config.guardRails.changeCalendar !== undefined) {
      this.changeCalendarName = config.guardRails.changeCalendar;
    }
    this.allowedHours = {
      days: [...config.guardRails.allowedHours.days],
      start: config.guardRails.allowedHours.start,
      end: config.guardRails.allowedHours.end,
    };
    this.timeZone = config.cadence.timeZone;
    this.maxFaultDuration = Duration.seconds(durationSeconds(config.maxFaultDuration) ?? 3600);
    this.settings = {
      killSwitchParameter: this.killSwitchParameterName,
      ...(this.changeCalendarName !== undefined ? { changeCalendar: this.changeCalendarName } : {}),
      allowedHours: this.allowedHours,
      timeZone: this.timeZone,
    };
  }

  /**
   * Lets `grantee` read the guard rails: `ssm:GetParameter` on the kill switch and, when configured,
   * `ssm:GetCalendarState` on the change calendar. Nothing else.
   */
  public grantRead(grantee: iam.IGrantable): void {
    this.killSwitch.grantRead(grantee);
    if (this.changeCalendarName !== undefined) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['ssm:GetCalendarState'],
        resourceArns: [this.changeCalendarArn()],
      });
    }
  }

  /** ARN of the change calendar (an SSM document), when configured. */
  public changeCalendarArn(): string {
    if (this.changeCalendarName === undefined) {
      throw new GuardRailsError('changeCalendarArn: no guardRails.changeCalendar is configured');
    }
    return changeCalendarArn(this, this.changeCalendarName);
  }
}

/**
 * The ARN `ssm:GetCalendarState` is authorized on for a change calendar given by name (a document of
 * this account and region) or by its full ARN (a calendar shared from another account), as
 * `guardRails.changeCalendar` allows both.
 */
export function changeCalendarArn(scope: Construct, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return Arn.format({ service: 'ssm', resource: 'document', resourceName: nameOrArn }, Stack.of(scope));
}

/** The guard rails were asked for something the config does not have. */
export class GuardRailsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GuardRailsError';
  }
}
