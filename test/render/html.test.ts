import { reportOf } from './report-fixtures';
import { abortedResult, passedResult, skippedResult } from '../fixtures/results';

describe('renderReportHtml', () => {
  it('escapes user text', () => {
    const html = reportOf({ ...passedResult, hypothesis: '<script>alert("x")</script> & <b>bold</b>' });

    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
  });

  it('references no external asset (no src, stylesheet link, @import or url())', () => {
    const html = reportOf(abortedResult);

    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it('shows the outcome as coloured badge with the outcome text', () => {
    const html = reportOf(abortedResult);

    expect(html).toContain('<span class="badge aborted" data-outcome="aborted">ABORTED</span>');
    expect(html).toMatch(/\.badge\.aborted \{ background: #b00020/);
  });

  it('marks the expected impact and the observed impact on the impact scale', () => {
    const html = reportOf(abortedResult);

    expect(html).toContain('<li class="expected">none (expected)</li>');
    expect(html).toContain('<li class="observed">degraded (observed)</li>');
  });

  it('shades the fault window in the chart and draws the alarm threshold', () => {
    const html = reportOf(abortedResult);

    expect(html).toMatch(/<rect class="fault" x="[\d.]+" y="28" width="[\d.]+"/);
    expect(html).toContain('class="threshold"');
  });

  it('lists the alarm transitions in the timeline', () => {
    const html = reportOf(abortedResult);

    expect(html).toMatch(
      /<li class="ev-alarm"><time datetime="2026-03-03T09:01:50.000Z">09:01:50<\/time>alarm sock-shop-5xx: OK -&gt; ALARM<\/li>/,
    );
  });

  it('explains that there is no chart when nothing was injected', () => {
    const html = reportOf(skippedResult);

    expect(html).toContain('No fault was injected, so there is no chart.');
  });

  it('has print styles', () => {
    const html = reportOf(passedResult);

    expect(html).toContain('@media print');
  });
});
