import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { IssueTrendCell } from './IssueTrendCell';

const trend = {
  issueId: 'i1',
  last24h: Array(24).fill(1),
  last14d: Array(14).fill(0),
};

describe('IssueTrendCell', () => {
  it("draws the issue's sparkline, or an empty one for an issue not seen lately", async () => {
    await renderInTestApp(
      <>
        <IssueTrendCell
          issueId="i1"
          state={{ trends: new Map([['i1', trend]]) }}
        />
        <IssueTrendCell
          issueId="i2"
          state={{ trends: new Map([['i1', trend]]) }}
        />
      </>,
    );
    expect(
      screen.getByRole('img', { name: '24 events in the last 24 hours' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: '0 events in the last 24 hours' }),
    ).toBeInTheDocument();
  });

  it('says the counts are unavailable when they could not be read', async () => {
    await renderInTestApp(
      <IssueTrendCell issueId="i1" state={{ error: new Error('boom') }} />,
    );
    expect(screen.getByText('unavailable')).toBeInTheDocument();
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('draws nothing while the trends load', async () => {
    const { container } = await renderInTestApp(
      <IssueTrendCell issueId="i1" state={{}} />,
    );
    expect(container.querySelector('svg')).toBeNull();
  });
});
