import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { reportTestError } from '../sentry';
import { TestErrorCard } from './TestErrorCard';

jest.mock('../sentry', () => ({ reportTestError: jest.fn() }));

const sentry = {
  dsn: 'http://5e7d0a6f0c1b4d2e9f3a8b7c6d5e4f30@localhost:7007/api/azure-devops-sync/sentry/1660530779',
  entityRef: 'component:default/fabrikam-fiber-web',
};

describe('TestErrorCard', () => {
  beforeEach(() => jest.mocked(reportTestError).mockReset());

  it('sends a test error and links to the issues of the DSN’s entity', async () => {
    jest.mocked(reportTestError).mockResolvedValue('0123456789abcdef');
    await renderInTestApp(<TestErrorCard />, { config: { app: { sentry } } });

    expect(screen.getByText(/to fabrikam-fiber-web/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Throw a test error' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'Sent (event 01234567).',
    );
    expect(
      screen.getByRole('link', { name: "See fabrikam-fiber-web's issues" }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fabrikam-fiber-web/azure-devops-issues',
    );
  });

  it('shows why a test error could not be sent', async () => {
    jest
      .mocked(reportTestError)
      .mockRejectedValue(
        new Error('The error could not be sent in 10 seconds'),
      );
    await renderInTestApp(<TestErrorCard />, { config: { app: { sentry } } });

    fireEvent.click(screen.getByRole('button', { name: 'Throw a test error' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not send the test error: The error could not be sent in 10 seconds',
    );
  });

  it('is not shown without a DSN', async () => {
    await renderInTestApp(<TestErrorCard />, { config: { app: {} } });
    expect(
      screen.queryByRole('button', { name: 'Throw a test error' }),
    ).not.toBeInTheDocument();
  });
});
