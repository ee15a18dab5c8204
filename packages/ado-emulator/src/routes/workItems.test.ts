import request from 'supertest';
import {
  emulator,
  expectSameShape,
  fixtureBody,
  keys,
  PAT,
} from '../__testUtils__/helpers';

const JSON_PATCH = 'application/json-patch+json';

describe('work items', () => {
  const emu = emulator();
  const { app } = emu;
  const get = (path: string) =>
    request(app).get(path).set('Authorization', PAT);
  const patch = (path: string, body: unknown) =>
    request(app)
      .patch(path)
      .set('Authorization', PAT)
      .set('Content-Type', JSON_PATCH)
      .send(JSON.stringify(body));

  const create = async (project: string, type: string, title = 'A new bug') =>
    patch(`/fabrikam/${project}/_apis/wit/workitems/$${type}?api-version=7.1`, [
      { op: 'add', path: '/fields/System.Title', from: null, value: title },
    ]);

  it('gets a work item shaped like the real update capture', async () => {
    const res = await get('/fabrikam/_apis/wit/workitems/1?api-version=7.1');
    expect(res.status).toBe(200);
    const model = fixtureBody('workitem-update.capture.json');
    expect(keys(res.body)).toEqual(keys(model));
    expect(keys(res.body._links)).toEqual(keys(model._links));
    const f = res.body.fields;
    expect(f['System.TeamProject']).toBe('Fabrikam-Fiber');
    expect(f['System.AreaPath']).toBe('Fabrikam-Fiber\\Web');
    expect(f['System.WorkItemType']).toBe('Bug');
    expect(f['System.State']).toBe('Active');
    expect(typeof f['System.Title']).toBe('string');
    // Identities are IdentityRef objects with the keys of the capture.
    expect(keys(f['System.AssignedTo'])).toEqual(
      keys(model.fields['System.CreatedBy']),
    );
    expect(f['System.AssignedTo']).toMatchObject({
      displayName: 'Alice Smith',
      uniqueName: 'alice@example.com',
    });
    expect(f['System.ChangedBy'].uniqueName).toBe('alice@example.com');
    expect(f['System.Watermark']).toBeUndefined();
    // also under the project route
    const byProject = await get(
      '/fabrikam/Fabrikam-Fiber/_apis/wit/workItems/1',
    );
    expect(byProject.body.id).toBe(1);
  });

  it('answers 404 TF401232 for unknown items', async () => {
    const res = await get('/fabrikam/_apis/wit/workitems/9999');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      ...fixtureBody('error-404-workitem.capture.json'),
      message:
        'TF401232: Work item 9999 does not exist, or you do not have permissions to read it.',
    });
  });

  it('gets several items with fields and errorPolicy=omit, like the batch capture', async () => {
    const res = await get(
      '/fabrikam/_apis/wit/workitems?ids=1,2,9999&fields=System.Id,System.Title,System.AssignedTo&errorPolicy=omit',
    );
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.value[2]).toBeNull();
    const model = fixtureBody('workitems-batch.capture.json').value[0];
    expect(keys(res.body.value[0])).toEqual(keys(model));
    expect(keys(res.body.value[0].fields)).toEqual([
      'System.AssignedTo',
      'System.Id',
      'System.Title',
    ]);
    // unset fields are omitted (item 2 is unassigned)
    expect(keys(res.body.value[1].fields)).toEqual([
      'System.Id',
      'System.Title',
    ]);
    const strict = await get('/fabrikam/_apis/wit/workitems?ids=1,9999');
    expect(strict.status).toBe(404);
  });

  it('creates with the literal $ route, by type name or reference name', async () => {
    const res = await create('Fabrikam-Fiber', 'Bug');
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(
      keys(fixtureBody('workitem-create.capture.json')),
    );
    expect(res.body.rev).toBe(1);
    expect(res.body.fields['System.State']).toBe('New');
    expect(res.body.fields['System.Reason']).toBe('New defect reported');
    expect(res.body.fields['System.CreatedBy'].uniqueName).toBe(
      'backstage-sync@example.com',
    );
    expect(res.body.fields['System.CommentCount']).toBe(0);
    const byRef = await create(
      'Docs',
      'Microsoft.VSTS.WorkItemTypes.Task',
      'Write docs',
    );
    expect(byRef.body.fields['System.WorkItemType']).toBe('Task');
    expect(byRef.body.fields['System.State']).toBe('To Do');
    expect(byRef.body.fields['System.Reason']).toBe('Added to backlog');
    const spaced = await create('Payments', 'Product%20Backlog%20Item', 'PBI');
    expect(spaced.body.fields['System.WorkItemType']).toBe(
      'Product Backlog Item',
    );
  });

  it('rejects creating a Bug in a Basic project and in unknown projects', async () => {
    const res = await create('Docs', 'Bug');
    expect(res.status).toBe(404);
    expect(res.body.typeKey).toBe('WorkItemTypeNotFoundException');
    const missing = await create('Nope', 'Bug');
    expect(missing.status).toBe(404);
    expect(missing.body.typeKey).toBe('ProjectDoesNotExistWithNameException');
  });

  it('requires a title (TF401320 like the real rule error)', async () => {
    const res = await patch('/fabrikam/Mobile/_apis/wit/workitems/$Bug', [
      { op: 'add', path: '/fields/System.Description', value: 'no title' },
    ]);
    expect(res.status).toBe(400);
    const model = fixtureBody('error-400-rule-validation.json');
    expect(keys(res.body)).toEqual(keys(model));
    expect(keys(res.body.customProperties)).toEqual(
      keys(model.customProperties),
    );
    expect(keys(res.body.customProperties.RuleValidationErrors[0])).toEqual(
      keys(model.customProperties.RuleValidationErrors[0]),
    );
    expect(res.body.typeKey).toBe('RuleValidationException');
    expect(res.body.customProperties.FieldReferenceName).toBe('System.Title');
    expect(res.body.message).toMatch(/^TF401320: Rule Error for field Title/);
  });

  it('updates with rev increments, ChangedBy and state rules', async () => {
    const before = await get('/fabrikam/_apis/wit/workitems/2');
    const res = await patch('/fabrikam/_apis/wit/workitems/2', [
      { op: 'test', path: '/rev', value: before.body.rev },
      { op: 'replace', path: '/fields/System.State', value: 'Resolved' },
      {
        op: 'add',
        path: '/fields/System.AssignedTo',
        value: 'Bob Jones <bob@example.com>',
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.rev).toBe(before.body.rev + 1);
    const f = res.body.fields;
    expect(f['System.State']).toBe('Resolved');
    expect(f['System.Reason']).toBe('Fixed');
    expect(f['System.AssignedTo'].uniqueName).toBe('bob@example.com');
    expect(f['System.ChangedBy'].uniqueName).toBe('backstage-sync@example.com');
    expect(Date.parse(f['System.ChangedDate'])).toBeGreaterThan(
      Date.parse(before.body.fields['System.ChangedDate']),
    );
    expect(f['Microsoft.VSTS.Common.ResolvedBy'].uniqueName).toBe(
      'backstage-sync@example.com',
    );

    const closed = await patch('/fabrikam/_apis/wit/workitems/2', [
      { op: 'replace', path: '/fields/System.State', value: 'Closed' },
      { op: 'remove', path: '/fields/System.AssignedTo' },
    ]);
    expect(closed.body.rev).toBe(before.body.rev + 2);
    expect(closed.body.fields['System.AssignedTo']).toBeUndefined();
    expect(
      closed.body.fields['Microsoft.VSTS.Common.ClosedDate'],
    ).toBeDefined();
  });

  it('rejects a stale rev with 412', async () => {
    const res = await patch('/fabrikam/_apis/wit/workitems/3', [
      { op: 'test', path: '/rev', value: 99 },
      { op: 'add', path: '/fields/System.Title', value: 'x' },
    ]);
    expect(res.status).toBe(412);
    expect(res.body.message).toMatch(/TF26071/);
  });

  it('rejects a state of another process with 400 TF401320 naming System.State', async () => {
    const res = await patch('/fabrikam/_apis/wit/workitems/1', [
      { op: 'add', path: '/fields/System.State', value: 'Done' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.typeKey).toBe('RuleValidationException');
    expect(res.body.customProperties.FieldReferenceName).toBe('System.State');
    expect(
      res.body.customProperties.RuleValidationErrors[0].fieldReferenceName,
    ).toBe('System.State');
    const after = await get('/fabrikam/_apis/wit/workitems/1');
    expect(after.body.fields['System.State']).toBe('Active');
  });

  it('rejects unknown assignees and users of other orgs', async () => {
    for (const who of ['nobody@example.com', 'Zed <zed@example.com>']) {
      const res = await patch('/fabrikam/_apis/wit/workitems/1', [
        { op: 'add', path: '/fields/System.AssignedTo', value: who },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.customProperties.FieldReferenceName).toBe(
        'System.AssignedTo',
      );
    }
    const carolInContoso = await patch('/contoso/_apis/wit/workitems/1', [
      {
        op: 'add',
        path: '/fields/System.AssignedTo',
        value: 'carol@example.com',
      },
    ]);
    expect(carolInContoso.status).toBe(400);
  });

  it('appends System.History as a comment', async () => {
    const before = await get('/fabrikam/_apis/wit/workitems/4');
    const res = await patch('/fabrikam/_apis/wit/workitems/4', [
      { op: 'add', path: '/fields/System.History', value: 'First comment' },
    ]);
    expect(res.body.rev).toBe(before.body.rev + 1);
    expect(res.body.fields['System.History']).toBe('First comment');
    expect(res.body.fields['System.CommentCount']).toBe(1);
    await patch('/fabrikam/_apis/wit/workitems/4', [
      { op: 'add', path: '/fields/System.History', value: 'Second' },
    ]);
    const comments = await get(
      '/fabrikam/Fabrikam-Fiber/_apis/wit/workItems/4/comments',
    );
    expect(comments.status).toBe(200);
    expect(keys(comments.body)).toEqual(['comments', 'count', 'totalCount']);
    expect(comments.body.totalCount).toBe(2);
    expect(comments.body.comments.map((c: any) => c.text)).toEqual([
      'Second',
      'First comment',
    ]);
    expect(keys(comments.body.comments[0])).toEqual(
      keys({
        workItemId: 0,
        id: 0,
        version: 0,
        text: '',
        createdBy: 0,
        createdDate: 0,
        modifiedBy: 0,
        modifiedDate: 0,
        url: '',
      }),
    );
    expect(comments.body.comments[0].createdBy.uniqueName).toBe(
      'backstage-sync@example.com',
    );
    // the seed comment on item 1
    const seeded = await get(
      '/fabrikam/Fabrikam-Fiber/_apis/wit/workItems/1/comments',
    );
    expect(seeded.body.comments[0]).toMatchObject({
      text: 'Reproduced on staging.',
      workItemId: 1,
    });
  });

  it('does not bump rev when nothing changes', async () => {
    const before = await get('/fabrikam/_apis/wit/workitems/5');
    const res = await patch('/fabrikam/_apis/wit/workitems/5', [
      {
        op: 'replace',
        path: '/fields/System.Title',
        value: before.body.fields['System.Title'],
      },
    ]);
    expect(res.body.rev).toBe(before.body.rev);
  });

  it('rejects bodies that are not JSON patch arrays', async () => {
    const res = await patch('/fabrikam/_apis/wit/workitems/5', { op: 'add' });
    expect(res.status).toBe(400);
    const badPath = await patch('/fabrikam/_apis/wit/workitems/5', [
      { op: 'add', path: '/nope', value: 1 },
    ]);
    expect(badPath.status).toBe(400);
  });

  it('deletes into the recycle bin wrapper of the capture', async () => {
    const created = await create('Mobile', 'Task', 'to delete');
    const res = await request(app)
      .delete(`/fabrikam/Mobile/_apis/wit/workitems/${created.body.id}`)
      .set('Authorization', PAT);
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(
      keys(fixtureBody('workitem-delete.capture.json')),
    );
    expect(res.body.deletedBy).toBe(
      'Backstage Sync <backstage-sync@example.com>',
    );
    expect(
      (await get(`/fabrikam/_apis/wit/workitems/${created.body.id}`)).status,
    ).toBe(404);
  });

  it('keeps orgs apart', async () => {
    const res = await get('/contoso/_apis/wit/workitems/1');
    expect(res.body.fields['System.TeamProject']).toBe('Contoso-Web');
  });

  it('models expand=all system fields', async () => {
    const res = await get('/fabrikam/_apis/wit/workitems/1?$expand=all');
    expectSameShape(res.body.fields, {
      'System.Id': 1,
      'System.Rev': 1,
      'System.Watermark': 1,
    });
    expect(res.body.relations).toEqual([]);
  });
});
