import { alertApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  activity,
  createConfig,
  entity,
  fabrikam,
  fakeApi,
  issue,
  responseError,
  workItemLink,
} from '../../testing/fixtures';
import { IssuesContent } from './IssuesContent';

jest.setTimeout(60_000);

async function setup() {
  const api = fakeApi();
  api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
  api.listIssues.mockResolvedValue({ items: [issue()] });
  api.getIssueActivity.mockResolvedValue({ items: activity, nextCursor: null });
  const alerts = { post: jest.fn(), alert$: jest.fn() };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
        [catalogApiRef, catalogApiMock()],
        [alertApiRef, alerts],
      ]}
    >
      <EntityProvider entity={entity()}>
        <IssuesContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  const user = userEvent.setup();
  await user.click(
    await screen.findByRole('button', { name: 'TypeError: x is undefined' }),
  );
  const drawer = within(
    await screen.findByRole('region', { name: 'TypeError: x is undefined' }),
  );
  const said = (message: string) =>
    waitFor(() =>
      expect(alerts.post).toHaveBeenCalledWith({
        message,
        severity: 'success',
        display: 'transient',
      }),
    );
  return { api, alerts, user, drawer, said };
}

describe('IssuesContent feedback', () => {
  it('says a resolve goes on to the linked work items', async () => {
    const { api, user, drawer, said } = await setup();
    api.updateIssue.mockResolvedValue(
      issue({
        status: 'resolved',
        links: [
          {
            ...issue().links[0],
            sync: { status: 'pending', updatedAt: '2026-12-03T12:00:00Z' },
          },
        ],
      }),
    );
    await user.click(drawer.getByRole('button', { name: 'Resolve' }));
    await said(
      "Issue resolved; sending it to 1 linked work item (see each one's sync state)",
    );
    expect(await drawer.findByText('Pending')).toBeInTheDocument();
  });

  it('says what an assignment, a link, a create and a comment did', async () => {
    const { api, user, drawer, said } = await setup();
    api.updateIssue.mockResolvedValue(issue({ assignee: null }));
    await user.click(drawer.getByRole('button', { name: 'Unassign' }));
    await said('Issue unassigned');

    api.searchWorkItems.mockResolvedValue({
      items: [{ id: 77, title: 'Slow login', state: 'New', url: 'u' }],
    });
    api.linkWorkItem.mockResolvedValueOnce(
      issue({ links: [...issue().links, workItemLink({ workItemId: 77 })] }),
    );
    await user.click(drawer.getByRole('button', { name: 'Link work item' }));
    await user.type(
      drawer.getByRole('textbox', { name: 'Search work items' }),
      'slow',
    );
    await user.click(
      await drawer.findByRole('button', { name: /#77 Slow login/ }),
    );
    await said('Linked work item #77');

    api.getCreateConfig.mockResolvedValue(createConfig);
    api.linkWorkItem.mockResolvedValueOnce(
      issue({ links: [...issue().links, workItemLink({ workItemId: 78 })] }),
    );
    await user.click(drawer.getByRole('button', { name: 'Create work item' }));
    await user.click(await drawer.findByRole('button', { name: 'Create' }));
    await said('Created work item #78 and linked it');

    api.addComment.mockResolvedValue(activity[2]);
    await user.type(drawer.getByRole('textbox', { name: 'Comment' }), 'On it');
    await user.click(drawer.getByRole('button', { name: 'Add comment' }));
    await said('Comment added');
  });

  it('shows a refused comment next to the form and announces no success', async () => {
    const { api, alerts, user, drawer } = await setup();
    api.addComment.mockImplementation(async () => {
      throw await responseError(400, 'Comment is too long');
    });
    await user.type(drawer.getByRole('textbox', { name: 'Comment' }), 'x');
    await user.click(drawer.getByRole('button', { name: 'Add comment' }));
    expect(await drawer.findByRole('alert')).toHaveTextContent(
      'Comment is too long',
    );
    expect(alerts.post).not.toHaveBeenCalled();
  });
});
