import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * AWS's own service models (the JSON the SDKs are generated from), as Debian's `python3-botocore`
 * packages them: `<data>/<service>/<api-version>/service-2.json`. Only the JSON is read, never Python.
 * `npm test` installs the package when it is missing (scripts/test-prerequisites.sh, the pretest
 * script); `BOTOCORE_DATA` points at another copy of `botocore/data`.
 */

/** Where botocore's data folder is looked for when `BOTOCORE_DATA` is not set. */
export const DEFAULT_BOTOCORE_DATA = '/usr/lib/python3/dist-packages/botocore/data';

/** One shape of a botocore model (the keys this validator reads). */
export interface ModelShape {
  readonly type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  readonly members?: Readonly<Record<string, ModelMember>>;
  readonly required?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly union?: boolean;
  readonly document?: boolean;
  readonly streaming?: boolean;
  readonly exception?: boolean;
}

/** A member of a structure shape. */
export interface ModelMember {
  readonly shape: string;
  /** The SDK fills an absent idempotency token itself, so a required one may be left out. */
  readonly idempotencyToken?: boolean;
  readonly streaming?: boolean;
}

/** One operation of a botocore model. */
export interface ModelOperation {
  readonly name: string;
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: readonly { readonly shape: string }[];
}

/** A parsed `service-2.json` (documentation is dropped after parsing). */
export interface ServiceModel {
  /** The botocore service folder, e.g. `ssm`. */
  readonly service: string;
  readonly apiVersion: string;
  readonly protocol: string;
  readonly operations: Readonly<Record<string, ModelOperation>>;
  readonly shapes: Readonly<Record<string, ModelShape>>;
  /** The file it was read from. */
  readonly file: string;
}

/** The models are missing: names the package and the variable that fix it. */
export class ServiceModelNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceModelNotFoundError';
  }
}

/**
 * The botocore service id of each service the simulated account answers, by the IAM action prefix
 * its recorded calls carry (only Step Functions differs: `states` is `stepfunctions` in botocore).
 */
export const BOTOCORE_SERVICE_OF_CALL: Readonly<Record<string, string>> = {
  autoscaling: 'autoscaling',
  cloudwatch: 'cloudwatch',
  dynamodb: 'dynamodb',
  ec2: 'ec2',
  fis: 'fis',
  iam: 'iam',
  s3: 's3',
  scheduler: 'scheduler',
  servicequotas: 'service-quotas',
  sns: 'sns',
  ssm: 'ssm',
  states: 'stepfunctions',
  sts: 'sts',
};

/**
 * The botocore service id of an SDK v3 client, by the client's `config.serviceId` (the model's
 * `metadata.serviceId`), for calls recorded from SDK clients rather than from the simulated account.
 */
export const BOTOCORE_SERVICE_OF_SDK_ID: Readonly<Record<string, string>> = {
  'Auto Scaling': 'autoscaling',
  CloudWatch: 'cloudwatch',
  DynamoDB: 'dynamodb',
  EC2: 'ec2',
  fis: 'fis',
  IAM: 'iam',
  S3: 's3',
  Scheduler: 'scheduler',
  'Service Quotas': 'service-quotas',
  SNS: 'sns',
  SSM: 'ssm',
  SFN: 'stepfunctions',
  STS: 'sts',
};

/** The botocore service id and operation name of an SDK v3 command sent through a client. */
export function operationOfSdkCommand(
  client: { readonly config: { readonly serviceId?: string } },
  command: object,
): { service: string; operation: string } {
  const serviceId = client.config.serviceId ?? '';
  const service = BOTOCORE_SERVICE_OF_SDK_ID[serviceId];
  if (!service) throw new Error(`no botocore service id known for the SDK service id "${serviceId}"`);
  return { service, operation: command.constructor.name.replace(/Command$/, '') };
}

/** The folder the models are read from. */
export function botocoreDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BOTOCORE_DATA && env.BOTOCORE_DATA !== '' ? env.BOTOCORE_DATA : DEFAULT_BOTOCORE_DATA;
}

const models = new Map<string, ServiceModel>();

/**
 * The newest API version of a service's model, parsed once per process (cached: the EC2 model alone
 * is 2.7 MB). Throws {@link ServiceModelNotFoundError} naming the fix when it is not installed.
 */
export function loadServiceModel(service: string, dataDir: string = botocoreDataDir()): ServiceModel {
  const cacheKey = `${dataDir}\0${service}`;
  const cached = models.get(cacheKey);
  if (cached) return cached;
  const serviceDir = join(dataDir, service);
  const versions = existsSync(serviceDir)
    ? readdirSync(serviceDir)
        .filter((v) => existsSync(join(serviceDir, v, 'service-2.json')))
        .sort()
    : [];
  const apiVersion = versions[versions.length - 1];
  if (apiVersion === undefined) {
    throw new ServiceModelNotFoundError(
      `no AWS service model for "${service}" in ${dataDir}: install Debian's python3-botocore ` +
        `(npm test's pretest does when it runs as root) or set BOTOCORE_DATA to a botocore/data folder`,
    );
  }
  const file = join(serviceDir, apiVersion, 'service-2.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    metadata: { protocol: string };
    operations: Record<string, ModelOperation>;
    shapes: Record<string, ModelShape>;
  };
  const model: ServiceModel = {
    service,
    apiVersion,
    protocol: raw.metadata.protocol,
    operations: raw.operations,
    shapes: raw.shapes,
    file,
  };
  models.set(cacheKey, model);
  return model;
}

/** What is wrong with a value, at a path like `Filters[0].value` or `tags{}`. */
export interface ShapeFinding {
  /**
   * `invalid`: AWS would reject the request (or the SDK could not have produced the answer);
   * `unknown-member` / `unknown-enum`: a member or enum value the installed model does not know (an
   * older botocore may lack newer ones; only a listed {@link ModelAllowance} lets one through).
   */
  readonly kind: 'invalid' | 'unknown-member' | 'unknown-enum';
  /** Where, in SDK member names; list indices as `[i]`, map values as `{key}`. */
  readonly path: string;
  readonly message: string;
}

const patterns = new Map<string, RegExp>();

/**
 * A model pattern as a JavaScript RegExp. Smithy patterns are not anchored (most carry `^...$`);
 * Java's leading `(?i)` becomes the `i` flag; the `u` flag is used where the pattern allows it.
 */
export function modelPattern(pattern: string): RegExp {
  const cached = patterns.get(pattern);
  if (cached) return cached;
  const caseless = pattern.startsWith('(?i)');
  const source = caseless ? pattern.slice(4) : pattern;
  const flags = caseless ? 'i' : '';
  let regex: RegExp;
  try {
    regex = new RegExp(source, `${flags}u`);
  } catch {
    regex = new RegExp(source, flags);
  }
  patterns.set(pattern, regex);
  return regex;
}

/**
 * Whether a value is a Date, from any realm: under jest, `structuredClone` (which records the calls)
 * is the outer realm's, so recorded Dates are not `instanceof` the test's Date.
 */
function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value);
}

function show(value: unknown): string {
  if (isDate(value)) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !isDate(value) && !isBytes(value)
  );
}

function checkRange(
  shape: ModelShape,
  measured: number,
  what: string,
  path: string,
  out: ShapeFinding[],
): void {
  if (shape.min !== undefined && measured < shape.min) {
    out.push({ kind: 'invalid', path, message: `${what} ${measured} is below the minimum ${shape.min}` });
  }
  if (shape.max !== undefined && measured > shape.max) {
    out.push({ kind: 'invalid', path, message: `${what} ${measured} is above the maximum ${shape.max}` });
  }
}

/**
 * Checks a value against a shape of a model: required members, string and blob lengths, patterns,
 * enums, list and map sizes, number types and ranges, booleans, timestamps (a valid `Date`, as the
 * SDK takes and gives them), unions (exactly one member), nested structures; members the model does
 * not know are reported as `unknown-member`. `undefined` members count as absent (the SDK drops them).
 */
export function checkShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path = '',
): ShapeFinding[] {
  const out: ShapeFinding[] = [];
  visit(model, shapeName, value, path, out, false);
  return out;
}

function visit(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  out: ShapeFinding[],
  streaming: boolean,
): void {
  const shape = model.shapes[shapeName];
  const where = path === '' ? '(top)' : path;
  if (!shape) {
    out.push({ kind: 'invalid', path: where, message: `the model has no shape ${shapeName}` });
    return;
  }
  const bad = (message: string): void => {
    out.push({ kind: 'invalid', path: where, message });
  };
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return; // free-form JSON
      if (!isPlainObject(value)) return bad(`expected a structure (${shapeName}), got ${show(value)}`);
      const members = shape.members ?? {};
      for (const name of shape.required ?? []) {
        if (value[name] === undefined && !members[name]?.idempotencyToken) {
          out.push({
            kind: 'invalid',
            path: join2(path, name),
            message: `required member ${name} of ${shapeName} is missing`,
          });
        }
      }
      const present = Object.keys(value).filter((k) => value[k] !== undefined);
      if (shape.union && present.length !== 1) {
        bad(`union ${shapeName} must set exactly one member (set: ${present.join(', ') || 'none'})`);
      }
      for (const key of present) {
        const member = members[key];
        if (!member) {
          out.push({
            kind: 'unknown-member',
            path: join2(path, key),
            message: `${shapeName} has no member ${key} in this model`,
          });
          continue;
        }
        visit(model, member.shape, value[key], join2(path, key), out, member.streaming === true);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return bad(`expected a list (${shapeName}), got ${show(value)}`);
      checkRange(shape, value.length, `list of ${value.length} item(s): size`, where, out);
      value.forEach((item, i) => visit(model, shape.member?.shape ?? '', item, `${path}[${i}]`, out, false));
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) return bad(`expected a map (${shapeName}), got ${show(value)}`);
      const keys = Object.keys(value).filter((k) => value[k] !== undefined);
      checkRange(shape, keys.length, `map of ${keys.length} entr(ies): size`, where, out);
      for (const key of keys) {
        visit(model, shape.key?.shape ?? '', key, `${path}{${key}}(key)`, out, false);
        visit(model, shape.value?.shape ?? '', value[key], `${path}{${key}}`, out, false);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return bad(`expected a string (${shapeName}), got ${show(value)}`);
      if (shape.enum) {
        if (!shape.enum.includes(value)) {
          out.push({
            kind: 'unknown-enum',
            path: where,
            message: `${show(value)} is not one of ${shapeName}: ${shape.enum.join(', ')}`,
          });
        }
        return;
      }
      checkRange(shape, value.length, `length`, where, out);
      if (shape.pattern !== undefined && !modelPattern(shape.pattern).test(value)) {
        bad(`${show(value)} does not match the pattern ${shape.pattern} of ${shapeName}`);
      }
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value))
        return bad(`expected an integer (${shapeName}), got ${show(value)}`);
      checkRange(shape, value, 'value', where, out);
      return;
    }
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || Number.isNaN(value))
        return bad(`expected a number (${shapeName}), got ${show(value)}`);
      checkRange(shape, value, 'value', where, out);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') bad(`expected a boolean (${shapeName}), got ${show(value)}`);
      return;
    case 'timestamp':
      if (!isDate(value) || Number.isNaN(Date.prototype.getTime.call(value))) {
        bad(`expected a timestamp as a valid Date (${shapeName}), got ${show(value)}`);
      }
      return;
    case 'blob': {
      if (streaming || shape.streaming) return; // a stream (the simulated account records `<n bytes>`)
      if (typeof value === 'string')
        return checkRange(shape, Buffer.byteLength(value), 'blob length', where, out);
      if (isBytes(value)) return checkRange(shape, value.byteLength, 'blob length', where, out);
      return bad(`expected bytes (${shapeName}), got ${show(value)}`);
    }
    default:
      bad(
        `shape type ${String((shape as { type: unknown }).type)} of ${shapeName} is not checked by this validator`,
      );
  }
}

function join2(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Errors any AWS query/JSON API may answer, whatever its model lists (AWS "Common Errors"). */
export const COMMON_ERRORS: readonly string[] = [
  'AccessDeniedException',
  'AccessDenied',
  'IncompleteSignature',
  'InternalFailure',
  'InternalServerError',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'ServiceUnavailable',
  'ThrottlingException',
  'Throttling',
  'ValidationError',
  'ValidationException',
];

/** A call as the simulated account records it (`lib/rehearsal/simulated-account.ts` `RecordedCall`). */
export interface CheckedCallInput {
  /** IAM action prefix (`ssm`, `states`...) or `http`. */
  readonly service: string;
  readonly command: string;
  readonly input: unknown;
  readonly output?: unknown;
  /** `<ErrorName>: <message>` when the call failed. */
  readonly error?: string;
}

/** The verdict on one recorded call: its request, and its answer (output or error). */
export interface CallCheck {
  /** `ssm:SendCommand` (botocore service id : operation). */
  readonly operation: string;
  readonly request: readonly ShapeFinding[];
  /** Output shape findings, or the error name not modelled for the operation. */
  readonly answer: readonly ShapeFinding[];
  readonly answerKind: 'output' | 'error';
}

/**
 * Checks one recorded call against its operation's model: the request against the input shape; the
 * answer against the output shape, or, for an error, that the error is one the operation models or a
 * common AWS error. A call to an operation the model does not have is itself invalid.
 */
export function checkCall(call: CheckedCallInput, dataDir?: string): CallCheck {
  const service = BOTOCORE_SERVICE_OF_CALL[call.service];
  if (!service) throw new Error(`no botocore service id known for calls to "${call.service}"`);
  const model = loadServiceModel(service, dataDir);
  const operation = model.operations[call.command];
  const id = `${service}:${call.command}`;
  const answerKind = call.error !== undefined ? 'error' : 'output';
  if (!operation) {
    const finding: ShapeFinding = {
      kind: 'invalid',
      path: '(operation)',
      message: `${model.service} ${model.apiVersion} has no operation ${call.command}`,
    };
    return { operation: id, request: [finding], answer: [finding], answerKind };
  }
  const request = operation.input ? checkShape(model, operation.input.shape, call.input ?? {}) : [];
  let answer: ShapeFinding[];
  if (call.error !== undefined) {
    const name = call.error.split(':')[0]?.trim() ?? '';
    const modelled = (operation.errors ?? []).map((e) => e.shape);
    answer =
      modelled.includes(name) || COMMON_ERRORS.includes(name)
        ? []
        : [
            {
              kind: 'invalid',
              path: '(error)',
              message: `${name} is neither an error of ${call.command} (${modelled.join(', ') || 'none modelled'}) nor a common AWS error`,
            },
          ];
  } else {
    answer = operation.output ? checkShape(model, operation.output.shape, call.output ?? {}) : [];
  }
  return { operation: id, request, answer, answerKind };
}

/**
 * A finding let through because the installed model is older than the API the code relies on. Each
 * names the member or value, where, and why; the figures list every allowance used and how often, and
 * an allowance the installed model no longer needs fails the suite (see {@link staleAllowances}).
 */
export interface ModelAllowance {
  /** `fis:StartExperiment`. */
  readonly operation: string;
  readonly direction: 'request' | 'answer';
  readonly kind: 'unknown-member' | 'unknown-enum';
  /** The path with list indices as `[]` and map keys as `{}` (e.g. `experiment.experimentOptions`). */
  readonly path: string;
  /** For `unknown-enum`: the value. */
  readonly value?: string;
  readonly why: string;
}

/** A path with list indices and map keys blanked, to match {@link ModelAllowance.path}. */
export function genericPath(path: string): string {
  return path
    .replace(/\[\d+\]/g, '[]')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\.(?=\[|\{)/g, '');
}

/** The allowance that lets a finding through, if any (never an `invalid` one). */
export function allowanceFor(
  finding: ShapeFinding,
  operation: string,
  direction: 'request' | 'answer',
  allowances: readonly ModelAllowance[],
): ModelAllowance | undefined {
  if (finding.kind === 'invalid') return undefined;
  const path = genericPath(finding.path);
  return allowances.find(
    (a) =>
      a.operation === operation &&
      a.direction === direction &&
      a.kind === finding.kind &&
      a.path === path &&
      (a.kind !== 'unknown-enum' || finding.message.startsWith(JSON.stringify(a.value))),
  );
}

/** Figures of a model check over many calls. */
export interface ModelCheckFigures {
  readonly requests: number;
  readonly validRequests: number;
  readonly answers: number;
  readonly validAnswers: number;
  /** Of the answers: outputs and errors. */
  readonly outputs: number;
  readonly errors: number;
  /** Calls that are not AWS calls (HTTP probes), left out. */
  readonly notAws: number;
  /** Allowance -> how many findings it let through. */
  readonly allowed: ReadonlyMap<ModelAllowance, number>;
  /** `<source> <operation> request|answer <path>: <message>`, one line a finding not allowed. */
  readonly problems: readonly string[];
  /** Operations seen, with their call counts. */
  readonly operations: ReadonlyMap<string, number>;
}

/** Checks every call of every source (a rehearsal, a sweep...) and adds up the figures. */
export function checkCalls(
  sources: readonly { readonly name: string; readonly calls: readonly CheckedCallInput[] }[],
  allowances: readonly ModelAllowance[],
  dataDir?: string,
): ModelCheckFigures {
  let requests = 0;
  let validRequests = 0;
  let answers = 0;
  let validAnswers = 0;
  let outputs = 0;
  let errors = 0;
  let notAws = 0;
  const allowed = new Map<ModelAllowance, number>();
  const problems: string[] = [];
  const operations = new Map<string, number>();
  for (const source of sources) {
    for (const call of source.calls) {
      if (call.service === 'http') {
        notAws += 1;
        continue;
      }
      const check = checkCall(call, dataDir);
      operations.set(check.operation, (operations.get(check.operation) ?? 0) + 1);
      const tally = (findings: readonly ShapeFinding[], direction: 'request' | 'answer'): boolean => {
        let ok = true;
        for (const finding of findings) {
          const allowance = allowanceFor(finding, check.operation, direction, allowances);
          if (allowance) {
            allowed.set(allowance, (allowed.get(allowance) ?? 0) + 1);
            continue;
          }
          ok = false;
          problems.push(
            `${source.name}: ${check.operation} ${direction} ${finding.path}: ${finding.message}`,
          );
        }
        return ok;
      };
      requests += 1;
      if (tally(check.request, 'request')) validRequests += 1;
      answers += 1;
      if (check.answerKind === 'output') outputs += 1;
      else errors += 1;
      if (tally(check.answer, 'answer')) validAnswers += 1;
    }
  }
  return {
    requests,
    validRequests,
    answers,
    validAnswers,
    outputs,
    errors,
    notAws,
    allowed,
    problems,
    operations,
  };
}

/**
 * Allowances the installed model no longer needs (it now knows the member or value): remove them.
 */
export function staleAllowances(allowances: readonly ModelAllowance[], dataDir?: string): ModelAllowance[] {
  return allowances.filter((a) => {
    const [prefix, name] = a.operation.split(':') as [string, string];
    const model = loadServiceModel(prefix, dataDir);
    const operation = model.operations[name];
    const root = a.direction === 'request' ? operation?.input?.shape : operation?.output?.shape;
    if (!root) return false;
    const shapeName = shapeAt(model, root, a.path);
    if (a.kind === 'unknown-member') return shapeName !== undefined;
    const shape = shapeName ? model.shapes[shapeName] : undefined;
    return a.value !== undefined && shape?.enum?.includes(a.value) === true;
  });
}

/** The shape name at a generic path (`a.b[]`, `m{}`), or undefined when the model lacks a step. */
function shapeAt(model: ServiceModel, root: string, path: string): string | undefined {
  let current: string | undefined = root;
  for (const step of path.match(/[^.[\]{}]+|\[\]|\{\}/g) ?? []) {
    const shape: ModelShape | undefined = current ? model.shapes[current] : undefined;
    if (!shape) return undefined;
    if (step === '[]') current = shape.member?.shape;
    else if (step === '{}') current = shape.value?.shape;
    else current = shape.members?.[step]?.shape;
  }
  return current;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(part === whole ? 0 : 1)} %`;
}

/** The figures as a few lines, for the test output and the closing note. */
export function formatFigures(figures: ModelCheckFigures, dataDir: string = botocoreDataDir()): string {
  const lines = [
    `AWS service models: ${dataDir}`,
    `requests validated: ${figures.requests}, valid: ${figures.validRequests} (${percent(figures.validRequests, figures.requests)})`,
    `answers validated: ${figures.answers} (${figures.outputs} outputs, ${figures.errors} errors), valid: ${figures.validAnswers} (${percent(figures.validAnswers, figures.answers)})`,
    `operations: ${figures.operations.size} (${[...figures.operations.entries()].map(([op, n]) => `${op} ${n}`).join(', ')})`,
    `HTTP probe requests (not AWS calls, not checked): ${figures.notAws}`,
  ];
  if (figures.allowed.size > 0) {
    lines.push('unknown to the installed model, let through by a listed allowance:');
    for (const [allowance, count] of figures.allowed) {
      const what =
        allowance.kind === 'unknown-enum' ? `enum value ${JSON.stringify(allowance.value)} at` : 'member';
      lines.push(
        `  ${count} x ${allowance.operation} ${allowance.direction} ${what} ${allowance.path}: ${allowance.why}`,
      );
    }
  }
  for (const problem of figures.problems.slice(0, 40)) lines.push(`INVALID ${problem}`);
  if (figures.problems.length > 40) lines.push(`... and ${figures.problems.length - 40} more`);
  return lines.join('\n');
}
