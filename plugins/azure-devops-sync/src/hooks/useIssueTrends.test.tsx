import { TestApiProvider } from '@backstage/test-utils';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { azureDevOpsSyncApiRef } from '../api';
import { fakeApi } from '../testing/fixtures';
import { useIssueTrends } from './useIssueTrends';

function setup(api: ReturnType<typeof fakeApi>) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[azureDevOpsSyncApiRef, api]]}>
      {children}
    </TestApiProvider>
  );
  return renderHook(() => useIssueTrends('component:default/web'), {
    wrapper,
  });
}

describe('useIssueTrends', () => {
  it("reads the entity's trends, by issue id", async () => {
    const api = fakeApi();
    const trend = {
      issueId: 'i1',
      last24h: Array(24).fill(1),
      last14d: Array(14).fill(2),
    };
    api.getIssueTrends.mockResolvedValue({
      items: [trend],
      generatedAt: '2026-12-03T12:00:00Z',
    });
    const { result } = setup(api);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(api.getIssueTrends).toHaveBeenCalledWith('component:default/web');
    expect(result.current.trends?.get('i1')).toEqual(trend);
    expect(result.current.trends?.get('i2')).toBeUndefined();
    expect(result.current.generatedAt).toBe('2026-12-03T12:00:00Z');
  });

  it('gives the error when the trends cannot be read', async () => {
    const api = fakeApi();
    api.getIssueTrends.mockRejectedValue(new Error('boom'));
    const { result } = setup(api);
    await waitFor(() => expect(result.current.error?.message).toBe('boom'));
    expect(result.current.trends).toBeUndefined();
  });
});
