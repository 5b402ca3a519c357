import { parseScheduleExpression, ScheduleExpressionError } from '../../lib/cadence/expression';

describe('parseScheduleExpression', () => {
  it('turns the EventBridge cron into a 7-part croner pattern', () => {
    expect(parseScheduleExpression('cron(0 10 ? * TUE#1 *)')).toEqual({
      kind: 'cron',
      fields: ['0', '10', '?', '*', 'TUE#1', '*'],
      pattern: '0 0 10 * * TUE#1 *',
    });
  });

  it('reads rate() in seconds', () => {
    expect(parseScheduleExpression('rate(7 days)')).toEqual({ kind: 'rate', seconds: 7 * 86400 });
  });

  it('keeps at() as a local date-time', () => {
    expect(parseScheduleExpression('at(2026-12-01T10:00:00)')).toEqual({
      kind: 'at',
      localDateTime: '2026-12-01T10:00:00',
    });
  });

  it.each([
    ['cron(0 10 * * TUE#1)', /needs 6 fields/],
    ['cron(0 10 * * TUE#1 *)', /"\?" in exactly one of day-of-month and day-of-week/],
    ['cron(0 10 ? * ? *)', /"\?" in exactly one/],
    ['cron(0 25 ? * TUE *)', /is not valid/],
    ['cron(0 10 ? * 0 *)', /day-of-week must be 1-7/],
    ['cron(0 10 ? * 8 *)', /day-of-week must be 1-7/],
    ['cron(0 10 ? * TUE 2300)', /year must be 1970-2199/],
    ['cron(0 10 ? * TUE#1 * *)', /needs 6 fields/],
    ['rate(0 days)', /at least 1/],
    ['rate(1 week)', /expression must be cron/],
    ['at(2026-02-30T10:00:00)', /real date/],
    ['every tuesday', /expression must be cron/],
  ])('rejects %s', (expression, message) => {
    const act = () => parseScheduleExpression(expression);

    expect(act).toThrow(ScheduleExpressionError);
    expect(act).toThrow(message);
  });
});
