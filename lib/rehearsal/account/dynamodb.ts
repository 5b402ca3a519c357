import * as dynamodbSdk from '@aws-sdk/client-dynamodb';
import { isoAt, type Route, type ServiceContext } from './context';
import { serviceError } from './errors';

/** A DynamoDB item, as the SDK and the JSON protocol spell it (`{ pk: { S: 'run-lock' } }`). */
export type Item = Record<string, dynamodbSdk.AttributeValue>;

/** What tables the simulated DynamoDB has. */
export interface SimulatedDynamoDbOptions {
  /**
   * The tables that exist (each keyed by the string attribute `pk`); a call to another table fails
   * with ResourceNotFoundException, as DynamoDB does.
   * @default any table name exists
   */
  readonly tables?: readonly string[];
  /** Items there at the start, by `table/pk`. @default none */
  readonly items?: ReadonlyMap<string, Item>;
}

/** The simulated DynamoDB: its routes and its items by `table/pk`, as stored. */
export interface SimulatedDynamoDb {
  readonly routes: Route[];
  readonly items: Map<string, Item>;
}

/** A condition the simulated DynamoDB cannot evaluate (it supports what the run lock uses). */
export class UnsupportedConditionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnsupportedConditionError';
  }
}

/**
 * Amazon DynamoDB, for the run lock table and the stop records: PutItem, DeleteItem, UpdateItem (SET)
 * and GetItem with DynamoDB's condition-expression semantics, `ReturnValues` and
 * `ReturnValuesOnConditionCheckFailure`. One simulation serves the rehearsal, the unit tests
 * (test/lambdas/check-guard-rails/lock-table.ts) and the bench's local AWS (bench/fake-aws.ts).
 */
export function simulatedDynamoDb(options: SimulatedDynamoDbOptions = {}): SimulatedDynamoDb {
  const items = new Map<string, Item>(options.items);
  const tableOf = (name: string | undefined): string => {
    if (name === undefined || (options.tables !== undefined && !options.tables.includes(name))) {
      throw serviceError(
        'dynamodb',
        'ResourceNotFoundException',
        `Requested resource not found: Table: ${String(name)} not found`,
      );
    }
    return name;
  };
  const itemKey = (table: string, key: Item | undefined): string => {
    const pk = key?.pk?.S;
    if (pk === undefined) {
      throw serviceError(
        'dynamodb',
        'ValidationException',
        'The provided key element does not match the schema',
      );
    }
    return `${table}/${pk}`;
  };
  /** The stored item of a conditional write, after its condition held. */
  const checked = (
    key: string,
    input: {
      ConditionExpression?: string;
      ExpressionAttributeValues?: Item;
      ReturnValuesOnConditionCheckFailure?: string;
    },
  ): Item | undefined => {
    const old = items.get(key);
    const holds =
      input.ConditionExpression === undefined ||
      evaluateCondition(input.ConditionExpression, old, input.ExpressionAttributeValues ?? {});
    if (!holds) {
      const error = serviceError(
        'dynamodb',
        'ConditionalCheckFailedException',
        'The conditional request failed',
      );
      if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old) {
        Object.assign(error, { Item: structuredClone(old) });
      }
      throw error;
    }
    return old;
  };

  const routes: Route[] = [
    {
      command: dynamodbSdk.PutItemCommand,
      name: 'PutItem',
      handle: (input: dynamodbSdk.PutItemCommandInput) => {
        const key = itemKey(tableOf(input.TableName), input.Item);
        const old = checked(key, input);
        items.set(key, structuredClone(input.Item ?? {}));
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      },
    },
    {
      command: dynamodbSdk.DeleteItemCommand,
      name: 'DeleteItem',
      handle: (input: dynamodbSdk.DeleteItemCommandInput) => {
        const key = itemKey(tableOf(input.TableName), input.Key);
        const old = checked(key, input);
        items.delete(key);
        return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
      },
    },
    {
      command: dynamodbSdk.UpdateItemCommand,
      name: 'UpdateItem',
      handle: (input: dynamodbSdk.UpdateItemCommandInput) => {
        const key = itemKey(tableOf(input.TableName), input.Key);
        const old = checked(key, input);
        const updated = applySetExpression(
          structuredClone(old ?? { ...(input.Key ?? {}) }),
          input.UpdateExpression ?? '',
          input.ExpressionAttributeNames ?? {},
          input.ExpressionAttributeValues ?? {},
        );
        items.set(key, updated);
        return {};
      },
    },
    {
      command: dynamodbSdk.GetItemCommand,
      name: 'GetItem',
      handle: (input: dynamodbSdk.GetItemCommandInput) => {
        const old = items.get(itemKey(tableOf(input.TableName), input.Key));
        return old ? { Item: structuredClone(old) } : {};
      },
    },
  ];
  return { routes, items };
}

/**
 * The run lock as the scenario's other runs leave it: with `runningExecutions`, the most recent other
 * run in flight (`other-run-1`, see ListExecutions) holds it; otherwise the table starts empty.
 */
export function runLockItems(ctx: ServiceContext, ownExecutionArn?: string): Map<string, Item> {
  const { scenario, settings, region, account, partition } = ctx;
  const items = new Map<string, Item>();
  if (scenario.runningExecutions > 0 && settings.runLockTable) {
    const machineExecutions = (
      ownExecutionArn ?? `arn:${partition}:states:${region}:${account}:execution:unknown:run`
    ).replace(/:[^:]*$/, '');
    const acquiredMs = ctx.runStartMs - 600_000;
    items.set(`${settings.runLockTable}/run-lock`, {
      pk: { S: 'run-lock' },
      runId: { S: 'other-run-1' },
      executionArn: { S: `${machineExecutions}:other-run-1` },
      acquiredAt: { S: isoAt(acquiredMs) },
      expiresAt: { N: String(Math.floor(acquiredMs / 1000) + (settings.runLockSeconds ?? 90_000)) },
    });
  }
  return items;
}

function scalarOf(value: dynamodbSdk.AttributeValue | undefined): string | number | undefined {
  if (value?.S !== undefined) return value.S;
  if (value?.N !== undefined) return Number(value.N);
  return undefined;
}

function compare(
  left: string | number | undefined,
  operator: string,
  right: string | number | undefined,
): boolean {
  // DynamoDB: a comparison with a missing attribute, or across types, is false.
  if (left === undefined || right === undefined || typeof left !== typeof right) {
    return operator === '<>' && left !== right;
  }
  switch (operator) {
    case '=':
      return left === right;
    case '<>':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

function evaluateTerm(term: string, item: Item | undefined, values: Item): boolean {
  const fn = /^(attribute_exists|attribute_not_exists)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(term);
  if (fn) {
    const exists = item?.[fn[2] as string] !== undefined;
    return fn[1] === 'attribute_exists' ? exists : !exists;
  }
  const comparison = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=|<>|<=|>=|<|>)\s*(:[A-Za-z0-9_]+)$/.exec(term);
  if (comparison) {
    const [, name, operator, placeholder] = comparison as unknown as [string, string, string, string];
    if (!(placeholder in values)) {
      throw serviceError(
        'dynamodb',
        'ValidationException',
        `An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      );
    }
    return compare(scalarOf(item?.[name]), operator, scalarOf(values[placeholder]));
  }
  throw new UnsupportedConditionError(
    `the simulated DynamoDB does not evaluate the condition term "${term}"`,
  );
}

/**
 * Evaluates a DynamoDB condition expression made of `attribute_exists(a)`, `attribute_not_exists(a)`
 * and `a <op> :v` terms joined by AND / OR (AND binds tighter; no parentheses), as DynamoDB would
 * against the current item (absent: `undefined`).
 */
export function evaluateCondition(expression: string, item: Item | undefined, values: Item): boolean {
  return expression
    .split(/\s+OR\s+/i)
    .some((conjunction) =>
      conjunction.split(/\s+AND\s+/i).every((term) => evaluateTerm(term.trim(), item, values)),
    );
}

/**
 * Applies a DynamoDB `SET #a = :v, b = :w` update expression (what the stop records use) to an item.
 * @throws UnsupportedConditionError for other clauses (REMOVE, ADD, functions...)
 */
export function applySetExpression(
  item: Item,
  expression: string,
  names: Record<string, string>,
  values: Item,
): Item {
  const match = /^\s*SET\s+(.+)$/i.exec(expression);
  if (!match?.[1])
    throw new UnsupportedConditionError(`the simulated DynamoDB does not apply "${expression}"`);
  for (const assignment of match[1].split(',')) {
    const parts = /^\s*(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)\s*$/.exec(assignment);
    if (!parts?.[1] || !parts[2]) {
      throw new UnsupportedConditionError(`the simulated DynamoDB does not apply "${assignment.trim()}"`);
    }
    const name = parts[1].startsWith('#') ? names[parts[1]] : parts[1];
    const value = values[parts[2]];
    if (name === undefined || value === undefined) {
      throw serviceError(
        'dynamodb',
        'ValidationException',
        `An expression attribute name or value is not defined: ${assignment.trim()}`,
      );
    }
    item[name] = structuredClone(value);
  }
  return item;
}
