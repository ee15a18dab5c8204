import request from 'supertest';
import {
  emulator,
  expectSameShape,
  fixtureBody,
  keys,
  PAT,
} from '../__testUtils__/helpers';

const AGILE = 'adcc42ab-9882-485e-a3ed-7678f01f66bc';
const FABRIKAM_AGILE = 'f3a1c5e2-7b64-4c8e-9d2a-51e0b7c4a9d3';

describe('processes', () => {
  const { app } = emulator();
  const get = (path: string) =>
    request(app).get(path).set('Authorization', PAT);

  it('lists processes shaped like processes-list.json', async () => {
    const res = await get('/fabrikam/_apis/work/processes');
    expect(res.status).toBe(200);
    expect(res.body.value.map((p: any) => p.name)).toEqual([
      'Agile',
      'Scrum',
      'Basic',
      'Fabrikam Agile',
    ]);
    const model = fixtureBody('processes-list.json').value[0];
    for (const p of res.body.value) {
      expect(keys(p)).toEqual(keys(model));
    }
    expect(res.body.value.find((p: any) => p.name === 'Agile').typeId).toBe(
      AGILE,
    );
    // contoso only has the system processes
    const contoso = await get('/contoso/_apis/work/processes');
    expect(contoso.body.count).toBe(3);
  });

  it('adds projects with $expand=projects, shaped like the Moda capture', async () => {
    const res = await get(
      `/fabrikam/_apis/work/processes/${AGILE}?$expand=projects`,
    );
    const model = fixtureBody('process-get-expand-projects.capture.json');
    expect(keys(res.body)).toEqual(keys(model));
    expect(res.body.projects.map((p: any) => p.name).sort()).toEqual([
      'Fabrikam-Fiber',
      'Mobile',
    ]);
    for (const p of res.body.projects) {
      expect(keys(p)).toEqual(keys(model.projects[0]));
      expect(p.url).toBe(`vstfs:///Classification/TeamProject/${p.id}`);
    }
    const list = await get('/fabrikam/_apis/work/processes?$expand=projects');
    const custom = list.body.value.find(
      (p: any) => p.typeId === FABRIKAM_AGILE,
    );
    expect(custom.projects.map((p: any) => p.name)).toEqual(['Platform']);
    expect(custom.customizationType).toBe('inherited');
    expect(custom.parentProcessTypeId).toBe(AGILE);
    expect(custom.referenceName).toBe(
      `Inherited.${FABRIKAM_AGILE.replace(/-/g, '')}`,
    );
  });

  it('answers 404 for an unknown process', async () => {
    const res = await get(
      '/fabrikam/_apis/work/processes/00000000-0000-0000-0000-00000000abcd',
    );
    expect(res.status).toBe(404);
    expect(res.body.typeKey).toBe('ProcessNotFoundByIdException');
  });

  it('lists work item types with states, shaped like the capture', async () => {
    const res = await get(
      `/fabrikam/_apis/work/processes/${FABRIKAM_AGILE}/workitemtypes?$expand=states`,
    );
    const model = fixtureBody(
      'process-workitemtypes-expand-states.capture.json',
    ).value[0];
    const bug = res.body.value.find((t: any) => t.name === 'Bug');
    expectSameShape(bug, model, ['behaviors']);
    expect(bug.inherits).toBe('Microsoft.VSTS.WorkItemTypes.Bug');
    expect(bug.customization).toBe('inherited');
    const stateModel = model.states[0];
    for (const s of bug.states) expect(keys(s)).toEqual(keys(stateModel));
    expect(
      bug.states.map((s: any) => [
        s.name,
        s.stateCategory,
        s.customizationType,
      ]),
    ).toEqual([
      ['New', 'Proposed', 'system'],
      ['Active', 'InProgress', 'system'],
      ['Resolved', 'Resolved', 'system'],
      ['Triaged', 'Proposed', 'custom'],
      ['Closed', 'Completed', 'system'],
    ]);
    const without = await get(
      `/fabrikam/_apis/work/processes/${AGILE}/workitemtypes`,
    );
    expect(without.body.value[0].states).toBeUndefined();
  });

  it('shares state ids between a system type and its inherited type', async () => {
    const sys = await get(
      `/fabrikam/_apis/work/processes/${AGILE}/workItemTypes/Microsoft.VSTS.WorkItemTypes.Bug/states`,
    );
    const inh = await get(
      `/fabrikam/_apis/work/processes/${FABRIKAM_AGILE}/workItemTypes/FabrikamAgile.Bug/states`,
    );
    expect(sys.status).toBe(200);
    expect(sys.body.count).toBe(4);
    const id = (b: any, n: string) => b.value.find((s: any) => s.name === n).id;
    expect(id(inh.body, 'Active')).toBe(id(sys.body, 'Active'));
    expect(sys.body.value.map((s: any) => s.order)).toEqual([1, 2, 3, 4]);
  });
});

describe('project work item types', () => {
  const { app } = emulator();
  const get = (path: string) =>
    request(app).get(path).set('Authorization', PAT);

  it('returns {name,color,category} states, like workitemtype-states.json', async () => {
    const res = await get(
      '/fabrikam/Fabrikam-Fiber/_apis/wit/workitemtypes/bug/states?api-version=7.1-preview.1',
    );
    expect(res.status).toBe(200);
    const model = fixtureBody('workitemtype-states.json');
    expect(keys(res.body)).toEqual(keys(model));
    for (const s of res.body.value)
      expect(keys(s)).toEqual(keys(model.value[0]));
    expect(res.body.value.map((s: any) => s.name)).toEqual([
      'New',
      'Active',
      'Resolved',
      'Closed',
    ]);
  });

  it('works with the project id and types with spaces', async () => {
    const project = await get('/fabrikam/_apis/projects/Payments');
    const res = await get(
      `/fabrikam/${project.body.id}/_apis/wit/workitemtypes/Product%20Backlog%20Item/states`,
    );
    expect(res.body.value.map((s: any) => s.name)).toEqual([
      'New',
      'Approved',
      'Committed',
      'Done',
      'Removed',
    ]);
  });

  it('answers 404 WorkItemTypeNotFoundException for Bug in a Basic project', async () => {
    const res = await get('/fabrikam/Docs/_apis/wit/workitemtypes/Bug/states');
    expect(res.status).toBe(404);
    expect(res.body.typeKey).toBe('WorkItemTypeNotFoundException');
    expect(res.body.message).toMatch(
      /Work item type Bug does not exist in project Docs/,
    );
    expect(keys(res.body)).toEqual(
      keys(fixtureBody('error-404-workitem.capture.json')),
    );
    const issue = await get(
      '/fabrikam/Docs/_apis/wit/workitemtypes/Issue/states',
    );
    expect(issue.body.value.map((s: any) => s.name)).toEqual([
      'To Do',
      'Doing',
      'Done',
    ]);
  });

  it('shows the custom state of an inherited process', async () => {
    const res = await get(
      '/fabrikam/Platform/_apis/wit/workitemtypes/User Story/states',
    );
    expect(res.body.value.map((s: any) => s.name)).toContain('In Review');
  });

  it('lists categories like workitemtype-categories.json, per process', async () => {
    const model = fixtureBody('workitemtype-categories.json').value[0];
    const agile = await get(
      '/fabrikam/Fabrikam-Fiber/_apis/wit/workitemtypecategories',
    );
    for (const c of agile.body.value) expect(keys(c)).toEqual(keys(model));
    const refs = agile.body.value.map((c: any) => c.referenceName);
    expect(refs).toEqual(
      expect.arrayContaining([
        'Microsoft.BugCategory',
        'Microsoft.RequirementCategory',
        'Microsoft.TaskCategory',
      ]),
    );
    const basic = await get('/fabrikam/Docs/_apis/wit/workitemtypecategories');
    const basicRefs = basic.body.value.map((c: any) => c.referenceName);
    expect(basicRefs).not.toContain('Microsoft.BugCategory');
    expect(
      basic.body.value.find(
        (c: any) => c.referenceName === 'Microsoft.RequirementCategory',
      ).defaultWorkItemType.name,
    ).toBe('Issue');
  });

  it('404s project routes for unknown projects', async () => {
    const res = await get('/fabrikam/Nope/_apis/wit/workitemtypes/Bug/states');
    expect(res.status).toBe(404);
    expect(res.body.typeKey).toBe('ProjectDoesNotExistWithNameException');
  });
});
