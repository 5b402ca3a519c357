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

/**
 * What the workflow needs from the guard rails: the kill switch, the optional change calendar, the
 * allowed hours, and least-privilege read grants on them. Implemented by {@link GuardRails} (which
 * creates the kill switch from the config) and by {@link GuardRails.fromGuardRailsAttributes} (an
 * existing kill-switch parameter).
 */
export interface IGuardRails {
  /** The kill-switch parameter (`off` / `on`). */
  readonly killSwitch: ssm.IStringParameter;
  /** The SSM Change Calendar (name or ARN) that must be OPEN; `undefined` when runs need none. */
  readonly changeCalendarName?: string;
  /** When runs may happen, in {@link timeZone}. */
  readonly allowedHours: AllowedHours;
  /** IANA time zone of the allowed hours. */
  readonly timeZone: string;
  /** `ssm:GetParameter` on the kill switch and, when configured, `ssm:GetCalendarState` on the calendar. */
  grantRead(grantee: iam.IGrantable): void;
  /** `ssm:GetParameter` on the kill switch only (the functions that watch it during a fault). */
  grantReadKillSwitch(grantee: iam.IGrantable): void;
}

/** Attributes of existing guard rails, for {@link GuardRails.fromGuardRailsAttributes}. */
export interface GuardRailsAttributes {
  /** An existing kill-switch parameter whose value is `off` or `on`. */
  readonly killSwitch: ssm.IStringParameter;
  /**
   * SSM Change Calendar name (this account and region) or ARN (shared from another account).
   * @default - no calendar check
   */
  readonly changeCalendarName?: string;
  /** When runs may happen, in `timeZone`. */
  readonly allowedHours: AllowedHours;
  /** IANA time zone of the allowed hours, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
}

/** The grants every {@link IGuardRails} makes, on its kill switch and calendar. */
abstract class GuardRailsBase extends Construct implements IGuardRails {
  public abstract readonly killSwitch: ssm.IStringParameter;
  public abstract readonly changeCalendarName?: string;
  public abstract readonly allowedHours: AllowedHours;
  public abstract readonly timeZone: string;

  /**
   * Lets `grantee` read the guard rails: `ssm:GetParameter` on the kill switch and, when configured,
   * `ssm:GetCalendarState` on the change calendar. Nothing else.
   */
  public grantRead(grantee: iam.IGrantable): void {
    this.grantReadKillSwitch(grantee);
    if (this.changeCalendarName !== undefined) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['ssm:GetCalendarState'],
        resourceArns: [this.changeCalendarArn()],
      });
    }
  }

  /** Lets `grantee` read the kill switch (`ssm:GetParameter` on it) and nothing else. */
  public grantReadKillSwitch(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter'],
      resourceArns: [this.killSwitch.parameterArn],
    });
  }

  /** ARN of the change calendar (an SSM document), when configured. */
  public changeCalendarArn(): string {
    if (this.changeCalendarName === undefined) {
      throw new GuardRailsError('changeCalendarArn: no guardRails.changeCalendar is configured');
    }
    return changeCalendarArn(this, this.changeCalendarName);
  }
}

/** Guard rails over an existing kill switch (see {@link GuardRails.fromGuardRailsAttributes}). */
class ImportedGuardRails extends GuardRailsBase {
  public readonly killSwitch: ssm.IStringParameter;
  public readonly changeCalendarName?: string;
  public readonly allowedHours: AllowedHours;
  public readonly timeZone: string;

  constructor(scope: Construct, id: string, attrs: GuardRailsAttributes) {
    super(scope, id);
    this.killSwitch = attrs.killSwitch;
    if (attrs.changeCalendarName !== undefined) this.changeCalendarName = attrs.changeCalendarName;
    this.allowedHours = { ...attrs.allowedHours, days: [...attrs.allowedHours.days] };
    this.timeZone = attrs.timeZone;
  }
}

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
export class GuardRails extends GuardRailsBase {
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
   * Guard rails over an existing kill-switch parameter, for a CDK app that has its own: nothing is
   * created; the workflow reads `killSwitch` (and `changeCalendarName`, when given).
   */
  public static fromGuardRailsAttributes(
    scope: Construct,
    id: string,
    attrs: GuardRailsAttributes,
  ): IGuardRails {
    return new ImportedGuardRails(scope, id, attrs);
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
