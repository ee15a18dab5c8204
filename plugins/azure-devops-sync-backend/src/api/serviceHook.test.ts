import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixture } from '../__testUtils__/fakeAdo';
import {
  parseServiceHook,
  ServiceHookDelivery,
  ServiceHookParseResult,
} from './serviceHook';

const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures/ado');

/** Every published file that is a whole service hook POST body (not a fragment). */
const HOOK_FIXTURES = readdirSync(FIXTURES)
  .filter(name => name.startsWith('hook-') && !name.includes('fragment'))
  .sort();

function delivered(result: ServiceHookParseResult): ServiceHookDelivery {
  if (!result.ok) throw new Error(`rejected: ${result.message}`);
  if (result.ignored) throw new Error(`ignored: ${result.envelope.eventType}`);
  return result.delivery;
}

function rejected(result: ServiceHookParseResult): string {
  if (result.ok) throw new Error('accepted');
  return result.message;
}

const updated = () => fixture('hook-workitem-updated.json');

describe('parseServiceHook', () => {
  it('finds every published service hook delivery among the fixtures', () => {
    // If a file is added, it is covered by the table below.
    expect(HOOK_FIXTURES).toEqual([
      'hook-workitem-commented.json',
      'hook-workitem-created.json',
      'hook-workitem-deleted.json',
      'hook-workitem-restored.json',
      'hook-workitem-updated.automatisch-2024.json',
      'hook-workitem-updated.docs-2016.json',
      'hook-workitem-updated.json',
      'hook-workitem-updated.unassigned.json',
    ]);
  });

  it.each([
    ['hook-workitem-updated.json', 'workitem.updated', 31, 2],
    ['hook-workitem-updated.unassigned.json', 'workitem.updated', 33, 3],
    ['hook-workitem-updated.automatisch-2024.json', 'workitem.updated', 1, 1],
    ['hook-workitem-commented.json', 'workitem.commented', 5, 4],
    ['hook-workitem-deleted.json', 'workitem.deleted', 5, 1],
    ['hook-workitem-restored.json', 'workitem.restored', 5, 1],
  ])('accepts %s', (file, eventType, workItemId, revision) => {
    const body = fixture(file);
    const delivery = delivered(parseServiceHook(body));
    expect(delivery).toMatchObject({
      eventType,
      collectionId: body.resourceContainers.collection.id,
      projectId: body.resourceContainers.project.id,
      workItemId,
      revision,
    });
    // Unknown keys stay: the raw payload is what gets stored.
    expect(delivery.payload).toEqual(body);
  });

  it('reads the parts the inbox processor uses from a real workitem.updated', () => {
    const delivery = delivered(parseServiceHook(updated()));
    if (delivery.eventType !== 'workitem.updated') throw new Error('type');
    const { resource } = delivery.payload;
    expect(resource.fields?.['System.AssignedTo']).toEqual({
      oldValue: 'lauryn2 <lauryn2@example.com>',
      newValue: 'lauryn <lauryn@example.com>',
    });
    expect(resource.revision?.fields?.['System.AssignedTo']).toEqual(
      expect.stringMatching(/<.+@.+>$/),
    );
    expect(resource.revisedBy).toMatchObject({
      uniqueName: expect.stringContaining('@'),
    });
  });

  it('keeps the unassignment shape: a change with only oldValue', () => {
    const delivery = delivered(
      parseServiceHook(fixture('hook-workitem-updated.unassigned.json')),
    );
    if (delivery.eventType !== 'workitem.updated') throw new Error('type');
    const change = delivery.payload.resource.fields?.['System.AssignedTo'];
    expect(change).toHaveProperty('oldValue');
    expect(change).not.toHaveProperty('newValue');
  });

  it('gives commented/deleted/restored their plain field values', () => {
    const delivery = delivered(
      parseServiceHook(fixture('hook-workitem-commented.json')),
    );
    if (delivery.eventType === 'workitem.updated') throw new Error('type');
    expect(delivery.payload.resource.fields?.['System.History']).toEqual(
      expect.any(String),
    );
  });

  it('accepts the 2016 docs sample once its work item id (0, a sample defect) is a real one', () => {
    const body = fixture('hook-workitem-updated.docs-2016.json');
    expect(rejected(parseServiceHook(body))).toMatch(
      /resource\.workItemId: expected an integer from 1/,
    );
    // Otherwise its shape (revisedBy null, string field values) is accepted.
    body.resource.workItemId = 5;
    expect(delivered(parseServiceHook(body))).toMatchObject({
      workItemId: 5,
      revision: 2,
    });
  });

  it("accepts IdentityRef objects in the snapshot, as ADO's Test notification sends them", () => {
    const body = updated();
    Object.assign(
      body.resource.revision.fields,
      fixture('hook-workitem-updated.issue-11606-fragment.json'),
    );
    expect(delivered(parseServiceHook(body)).revision).toBe(2);
  });

  it('tells other event types apart as ignored, without reading their resource', () => {
    const created = parseServiceHook(fixture('hook-workitem-created.json'));
    expect(created).toEqual({
      ok: true,
      ignored: true,
      envelope: {
        eventType: 'workitem.created',
        collectionId: expect.any(String),
      },
    });
    expect(
      parseServiceHook({
        eventType: 'git.push',
        resourceContainers: { collection: { id: 'c' } },
        resource: 'anything',
      }),
    ).toMatchObject({ ok: true, ignored: true });
  });

  it('falls back to revision.id/rev like minimal and older deliveries need', () => {
    const body = updated();
    delete body.resource.workItemId;
    delete body.resource.rev;
    expect(delivered(parseServiceHook(body))).toMatchObject({
      workItemId: 31,
      revision: 2,
    });
    // resourceDetailsToSend: minimal → no fields, no snapshot.
    const minimal = updated();
    minimal.resource = { id: 2, workItemId: 31, rev: 2, url: 'u' };
    expect(delivered(parseServiceHook(minimal))).toMatchObject({
      workItemId: 31,
      revision: 2,
    });
    const comment = fixture('hook-workitem-commented.json');
    delete comment.resource.rev;
    comment.resource.fields['System.Rev'] = 7;
    expect(delivered(parseServiceHook(comment)).revision).toBe(7);
  });

  describe.each(['abc', '2', -1, 0, 1.5, 2 ** 31, 1e400, true, {}, [2]])(
    'a revision of %p',
    rev => {
      it.each([
        'hook-workitem-updated.json',
        'hook-workitem-commented.json',
        'hook-workitem-deleted.json',
        'hook-workitem-restored.json',
      ])('is refused in %s, naming resource.rev', file => {
        const body = fixture(file);
        body.resource.rev = rev;
        const result = parseServiceHook(body);
        expect(rejected(result)).toMatch(/resource\.rev: expected an integer/);
        // The sender can still be checked before answering.
        expect(result).toMatchObject({
          envelope: { eventType: body.eventType },
        });
      });
    },
  );

  it.each([
    'hook-workitem-updated.json',
    'hook-workitem-commented.json',
    'hook-workitem-deleted.json',
    'hook-workitem-restored.json',
  ])('refuses a missing revision in %s', file => {
    const body = fixture(file);
    delete body.resource.rev;
    if (body.resource.revision) delete body.resource.revision.rev;
    expect(rejected(parseServiceHook(body))).toBe(
      'The delivery has no valid resource.rev: Required',
    );
  });

  it.each(['1e3', '12', ' 31', 31.5, -31, 0, 2 ** 31, null, 'x'.repeat(1000)])(
    'refuses the work item id %p',
    id => {
      const body = updated();
      body.resource.workItemId = id;
      // null falls back to revision.id, so make that one wrong too.
      if (id === null) body.resource.revision.id = 'nope';
      const message = rejected(parseServiceHook(body));
      expect(message).toMatch(
        id === null ? /resource\.revision\.id/ : /resource\.workItemId/,
      );
      expect(message.length).toBeLessThan(200);

      const other = fixture('hook-workitem-deleted.json');
      other.resource.id = id;
      expect(rejected(parseServiceHook(other))).toMatch(/resource\.id/);
    },
  );

  it('accepts the largest work item id ADO can have', () => {
    const body = updated();
    body.resource.workItemId = 2 ** 31 - 1;
    expect(delivered(parseServiceHook(body)).workItemId).toBe(2 ** 31 - 1);
  });

  it.each<[string, (body: any) => void, RegExp]>([
    ['no eventType', b => delete b.eventType, /eventType/],
    ['an empty eventType', b => (b.eventType = ''), /eventType/],
    ['a numeric eventType', b => (b.eventType = 7), /eventType/],
    [
      'no collection id',
      b => delete b.resourceContainers.collection,
      /resourceContainers\.collection/,
    ],
    [
      'a numeric project id',
      b => (b.resourceContainers.project.id = 5),
      /resourceContainers\.project\.id/,
    ],
    ['no resource', b => delete b.resource, /resource/],
    ['an array resource', b => (b.resource = [1]), /resource/],
    [
      'a change that is not an object',
      b => (b.resource.fields['System.State'] = 'Done'),
      /resource\.fields\.System\.State/,
    ],
    [
      'a snapshot that is an array',
      b => (b.resource.revision.fields = []),
      /resource\.revision\.fields/,
    ],
    ['revisedBy as a number', b => (b.resource.revisedBy = 3), /revisedBy/],
  ])('refuses %s, naming the field', (_name, mutate, field) => {
    const body = updated();
    mutate(body);
    expect(rejected(parseServiceHook(body))).toMatch(field);
  });

  it.each([null, 'text', 42, [], [updated()], true])(
    'refuses the body %p',
    body => {
      expect(rejected(parseServiceHook(body))).toMatch(
        /^The delivery has no valid /,
      );
    },
  );

  it('refuses a delivery nested deeper than 64 levels, naming the envelope for the secret check', () => {
    const body = updated();
    let deep: Record<string, unknown> = {};
    body.resource.fields['Custom.Deep'] = { newValue: deep };
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    const result = parseServiceHook(body);
    expect(rejected(result)).toBe(
      'The delivery nests deeper than 64 levels of objects and arrays',
    );
    expect(result.ok ? undefined : result.envelope?.eventType).toBe(
      'workitem.updated',
    );
  });

  it('does not let a __proto__ key change the parsed delivery', () => {
    const body = JSON.parse(
      JSON.stringify(updated()).replace(
        '"resource":{',
        '"resource":{"__proto__":{"workItemId":"1e3"},',
      ),
    );
    const delivery = delivered(parseServiceHook(body));
    expect(delivery.workItemId).toBe(31);
    expect(({} as any).workItemId).toBeUndefined();
  });
});
