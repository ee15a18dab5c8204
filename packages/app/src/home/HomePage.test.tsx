import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { HomePage } from './HomePage';

const component = (name: string, description?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', description },
});

function renderHome(getEntities: jest.Mock) {
  return renderInTestApp(<HomePage />, {
    apis: [[catalogApiRef, { getEntities } as any]],
  });
}

describe('HomePage', () => {
  it('leads to the demo component, its issues and the admin page', async () => {
    const getEntities = jest.fn().mockResolvedValue({
      items: [
        component('mobile-app'),
        component('payments-api', 'Takes payments'),
      ],
    });
    await renderHome(getEntities);

    expect(
      await screen.findByRole('link', { name: 'Open payments-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments-api');
    expect(
      screen.getByRole('link', { name: "See payments-api's issues" }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/azure-devops-issues',
    );
    expect(
      screen.getByRole('link', { name: 'The admin page' }),
    ).toHaveAttribute('href', '/azure-devops-sync');
    // Every component, sorted by name, with its description.
    const names = screen
      .getAllByRole('link', { name: /^(mobile-app|payments-api)$/ })
      .map(a => a.textContent);
    expect(names).toEqual(['mobile-app', 'payments-api']);
    expect(screen.getByText('Takes payments')).toBeInTheDocument();
    expect(getEntities).toHaveBeenCalledWith(
      expect.objectContaining({ filter: { kind: 'Component' } }),
    );
  });

  it('says so when the catalog cannot be read', async () => {
    const getEntities = jest.fn().mockRejectedValue(new Error('catalog down'));
    await renderHome(getEntities);
    expect(
      await screen.findByText(/Could not load the catalog/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Browse the catalog' }),
    ).toBeInTheDocument();
  });
});
