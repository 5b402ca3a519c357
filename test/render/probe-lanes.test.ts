import { seriesSegments } from '../../lambdas/shared/render/probe-lanes';

describe('seriesSegments', () => {
  it('groups consecutive checks with the same result into stretches, uncapped', () => {
    const observations = Array.from({ length: 60 }, (_, i) => ({
      at: new Date(Date.UTC(2025, 2, 4, 10, 0, i * 15)).toISOString(),
      ok: i % 2 === 0,
      observed: i % 2 === 0 ? 'HTTP 200' : 'HTTP 503',
    }));

    const segments = seriesSegments(observations);

    expect(segments).toHaveLength(60);
    expect(segments.filter((s) => !s.ok).map((s) => s.observed)).toEqual(Array(30).fill('HTTP 503'));
  });

  it('ends a stretch at a check that could not be evaluated, without counting it', () => {
    const segments = seriesSegments([
      { at: '2025-03-04T10:00:00.000Z', ok: false, observed: 'HTTP 503' },
      { at: '2025-03-04T10:00:15.000Z', error: 'ThrottlingException' },
      { at: '2025-03-04T10:00:30.000Z', ok: false, observed: 'HTTP 503', error: 'timeout' },
      { at: '2025-03-04T10:00:45.000Z', ok: false, observed: 'HTTP 503' },
    ]);

    expect(segments).toEqual([
      {
        from: '2025-03-04T10:00:00.000Z',
        to: '2025-03-04T10:00:00.000Z',
        ok: false,
        checks: 1,
        observed: 'HTTP 503',
      },
      {
        from: '2025-03-04T10:00:30.000Z',
        to: '2025-03-04T10:00:45.000Z',
        ok: false,
        checks: 2,
        observed: 'HTTP 503 (timeout)',
      },
    ]);
  });
});
