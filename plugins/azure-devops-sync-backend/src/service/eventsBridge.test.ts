import { mockServices } from '@backstage/backend-test-utils';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { fixture } from '../__testUtils__/fakeAdo';
import { InboxStore } from '../database/InboxStore';
import { OrganizationStore } from '../database/OrganizationStore';
import { subscribeToAzureModule } from './eventsBridge';

async function bridge() {
  let onEvent: ((event: EventParams) => Promise<void>) | undefined;
  const events = {
    subscribe: async (options: { onEvent: typeof onEvent }) => {
      onEvent = options.onEvent;
    },
  } as unknown as EventsService;
  const accepted: unknown[] = [];
  const inbox = {
    accept: async (input: unknown) => {
      accepted.push(input);
      return { id: 'd1', duplicate: false, queued: true };
    },
  } as unknown as InboxStore;
  const organizations = {
    getByExternalId: async (id: string) =>
      id === '80ded3e8-3cd3-43b1-9f96-52032624aa3a'
        ? { id: 'org-1' }
        : undefined,
  } as unknown as OrganizationStore;
  const logger = mockServices.logger.mock();
  const onAccepted = jest.fn();
  await subscribeToAzureModule({
    events,
    organizations,
    inbox,
    logger,
    onAccepted,
  });
  const deliver = (eventPayload: unknown) =>
    onEvent!({ topic: 'azureDevOps.workitem.updated', eventPayload });
  return { deliver, accepted, logger, onAccepted };
}

describe('subscribeToAzureModule', () => {
  it('stores a delivery from the Azure events module with its work item id and revision', async () => {
    const { deliver, accepted, onAccepted } = await bridge();
    const body = fixture('hook-workitem-updated.json');
    await deliver(body);
    expect(accepted).toEqual([
      {
        organizationId: 'org-1',
        eventType: 'workitem.updated',
        workItemId: 31,
        revision: 2,
        payload: body,
      },
    ]);
    expect(onAccepted).toHaveBeenCalledTimes(1);
  });

  it.each<[string, (body: any) => void]>([
    ['a string work item id', b => (b.resource.workItemId = '1e3')],
    ['a revision "abc"', b => (b.resource.rev = 'abc')],
    [
      'no revision',
      b => {
        delete b.resource.rev;
        delete b.resource.revision.rev;
      },
    ],
  ])('does not store a delivery with %s, and says why', async (_n, mutate) => {
    const { deliver, accepted, logger, onAccepted } = await bridge();
    const body = fixture('hook-workitem-updated.json');
    mutate(body);
    await deliver(body);
    expect(accepted).toEqual([]);
    expect(onAccepted).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/resource\.(workItemId|rev)/),
    );
  });

  it('does not store a delivery nested too deeply to be stored, and says why', async () => {
    const { deliver, accepted, logger } = await bridge();
    const body = fixture('hook-workitem-updated.json');
    let deep: Record<string, unknown> = {};
    body.resource.fields['Custom.Deep'] = { newValue: deep };
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    await deliver(body);
    expect(accepted).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('nests deeper than 64 levels'),
    );
  });

  it('ignores deliveries for organizations that are not connected', async () => {
    const { deliver, accepted } = await bridge();
    const body = fixture('hook-workitem-updated.json');
    body.resourceContainers.collection.id = 'someone-else';
    await deliver(body);
    expect(accepted).toEqual([]);
  });
});
