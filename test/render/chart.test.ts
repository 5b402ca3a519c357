import { renderPanelSvg, type ExperimentChart } from '../../lambdas/shared/render/chart';

const chart: ExperimentChart = {
  start: '2026-03-03T09:00:00.000Z',
  end: '2026-03-03T09:10:00.000Z',
  faultStart: '2026-03-03T09:02:00.000Z',
  faultEnd: '2026-03-03T09:07:00.000Z',
  panels: [],
};

describe('renderPanelSvg', () => {
  it('shades the fault window proportionally to the run window', () => {
    const svg = renderPanelSvg(
      chart,
      {
        title: 'CPU',
        unit: '%',
        yMax: 100,
        series: [
          {
            label: 'a',
            points: [
              { t: chart.start, v: 10 },
              { t: chart.end, v: 20 },
            ],
          },
        ],
      },
      'c',
    );

    // plot is 720 - 48 - 16 = 656 wide: the fault starts at 2/10 and lasts 5/10 of it
    expect(svg).toContain('<rect class="fault" x="179.2" y="28" width="328.0"');
  });

  it('draws one polyline per series', () => {
    const svg = renderPanelSvg(
      chart,
      {
        title: 'CPU',
        unit: '%',
        series: [
          {
            label: 'a',
            points: [
              { t: chart.start, v: 10 },
              { t: chart.end, v: 20 },
            ],
          },
          {
            label: 'b',
            points: [
              { t: chart.start, v: 30 },
              { t: chart.end, v: 40 },
            ],
          },
        ],
      },
      'c',
    );

    expect(svg.match(/<polyline class="series"/g)).toHaveLength(2);
  });

  it('says there is no data instead of drawing an empty chart', () => {
    const html = renderPanelSvg(
      chart,
      { title: 'CPU <all>', unit: '%', series: [{ label: 'a', points: [] }] },
      'c',
    );

    expect(html).toBe('<p class="nodata">CPU &lt;all&gt;: no data points in the run window.</p>');
  });
});
