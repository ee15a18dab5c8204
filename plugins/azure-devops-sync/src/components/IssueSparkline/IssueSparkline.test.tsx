import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { IssueSparkline, trendCounts, trendLabel } from './IssueSparkline';

const trend = {
  issueId: 'i1',
  last24h: [...Array(20).fill(0), 1, 4, 0, 7],
  last14d: [...Array(13).fill(0), 1],
};

function bars() {
  return Array.from(
    screen.getByTestId('issue-sparkline').querySelectorAll('rect'),
  );
}

describe('IssueSparkline', () => {
  it('draws 24 hourly bars scaled to the busiest hour, labelled with the total', async () => {
    await renderInTestApp(<IssueSparkline trend={trend} />);
    const chart = screen.getByRole('img', {
      name: '12 events in the last 24 hours',
    });
    expect(chart).toBeInTheDocument();
    const rects = bars();
    expect(rects).toHaveLength(24);
    expect(rects.map(r => r.getAttribute('data-count'))).toEqual(
      trend.last24h.map(String),
    );
    // The busiest hour fills the height; an empty hour is a 1 px stub.
    expect(rects[23].getAttribute('height')).toBe('20');
    expect(rects[21].getAttribute('height')).toBe('11');
    expect(rects[0].getAttribute('height')).toBe('1');
    // Oldest first: x grows with the bucket.
    expect(Number(rects[23].getAttribute('x'))).toBeGreaterThan(
      Number(rects[0].getAttribute('x')),
    );
  });

  it('draws 14 daily bars for the 14-day window', async () => {
    await renderInTestApp(<IssueSparkline trend={trend} period="14d" />);
    expect(
      screen.getByRole('img', { name: '1 event in the last 14 days' }),
    ).toBeInTheDocument();
    expect(bars()).toHaveLength(14);
  });

  it('shows an empty window for an issue not seen lately', async () => {
    await renderInTestApp(<IssueSparkline />);
    expect(
      screen.getByRole('img', { name: '0 events in the last 24 hours' }),
    ).toBeInTheDocument();
    expect(bars().every(r => r.getAttribute('height') === '1')).toBe(true);
  });

  it('pads or cuts counts to the window size', () => {
    expect(
      trendCounts({ issueId: 'x', last24h: [1, 2], last14d: [] }, '24h'),
    ).toHaveLength(24);
    expect(trendLabel([1, 0, 2], '14d')).toBe('3 events in the last 14 days');
  });
});
