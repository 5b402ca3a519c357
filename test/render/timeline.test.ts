import { buildTimeline } from '../../lambdas/shared/render/timeline';
import { abortedResult } from '../fixtures/results';

describe('buildTimeline', () => {
  it('orders checks, fault, alarm transitions and the stop by time', () => {
    const texts = buildTimeline(abortedResult).map((e) => `${e.at.slice(11, 19)} ${e.kind}`);

    expect(texts).toEqual([
      '09:00:03 info',
      '09:00:05 check-ok',
      '09:00:20 fault',
      '09:01:50 alarm',
      '09:02:02 stop',
      '09:02:05 fault',
      '09:02:35 check-bad',
      '09:04:10 ok',
      '09:05:25 check-ok',
      '09:05:30 info',
    ]);
  });
});
