import { mockApis } from '@backstage/frontend-test-utils';
import * as Sentry from '@sentry/browser';
import { initSentry, reportTestError } from './sentry';

jest.mock('@sentry/browser', () => ({
  init: jest.fn(),
  getClient: jest.fn(),
  captureException: jest.fn(),
  flush: jest.fn(),
}));

const dsn =
  'http://5e7d0a6f0c1b4d2e9f3a8b7c6d5e4f30@localhost:7007/api/azure-devops-sync/sentry/1660530779';

describe('initSentry', () => {
  beforeEach(() => jest.resetAllMocks());

  it('does not start Sentry without app.sentry.dsn', () => {
    expect(initSentry(mockApis.config({ data: { app: {} } }))).toBe(false);
    expect(Sentry.init).not.toHaveBeenCalled();
  });

  it('starts Sentry with the DSN, every error counted (no Dedupe)', () => {
    expect(
      initSentry(mockApis.config({ data: { app: { sentry: { dsn } } } })),
    ).toBe(true);
    expect(Sentry.init).toHaveBeenCalledTimes(1);
    const options = jest.mocked(Sentry.init).mock.calls[0][0]!;
    expect(options.dsn).toBe(dsn);
    const integrations = options.integrations as (
      defaults: Array<{ name: string }>,
    ) => Array<{ name: string }>;
    expect(
      integrations([
        { name: 'InboundFilters' },
        { name: 'Dedupe' },
        { name: 'GlobalHandlers' },
      ]).map(i => i.name),
    ).toEqual(['InboundFilters', 'GlobalHandlers']);
  });

  it('starts it once', () => {
    jest.mocked(Sentry.getClient).mockReturnValue({} as any);
    initSentry(mockApis.config({ data: { app: { sentry: { dsn } } } }));
    expect(Sentry.init).not.toHaveBeenCalled();
  });
});

describe('reportTestError', () => {
  beforeEach(() => jest.resetAllMocks());

  it('captures a thrown Error and waits until it is sent', async () => {
    jest.mocked(Sentry.captureException).mockReturnValue('e1');
    jest.mocked(Sentry.flush).mockResolvedValue(true);
    await expect(reportTestError()).resolves.toBe('e1');
    const error = jest.mocked(Sentry.captureException).mock.calls[0][0];
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Test error from the demo portal');
    expect((error as Error).stack).toBeTruthy();
  });

  it('fails when the event could not be sent', async () => {
    jest.mocked(Sentry.captureException).mockReturnValue('e1');
    jest.mocked(Sentry.flush).mockResolvedValue(false);
    await expect(reportTestError()).rejects.toThrow(/could not be sent/);
  });
});
