import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixture } from '../__testUtils__/fakeAdo';
import { updatedPayloadSchema, workItemPayloadSchema } from './serviceHook';
import {
  updatedPayloadPasses,
  workItemPayloadPasses,
} from './serviceHookShape';

const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures/ado');
const HOOK_FIXTURES = readdirSync(FIXTURES).filter(
  name => name.startsWith('hook-workitem-') && !name.includes('fragment'),
);

type Mutation = [string, (body: any) => void];

/** Shapes the schemas accept and refuse, applied to every fixture. */
const MUTATIONS: Mutation[] = [
  ['as published', () => {}],
  ['no resourceContainers', b => delete b.resourceContainers],
  ['resourceContainers an array', b => (b.resourceContainers = [])],
  ['no collection', b => delete b.resourceContainers.collection],
  ['an empty collection id', b => (b.resourceContainers.collection.id = '')],
  [
    'a collection id of 201 characters',
    b => (b.resourceContainers.collection.id = 'x'.repeat(201)),
  ],
  ['a numeric collection id', b => (b.resourceContainers.collection.id = 5)],
  ['no project', b => delete b.resourceContainers.project],
  ['a null project', b => (b.resourceContainers.project = null)],
  ['a string project', b => (b.resourceContainers.project = 'p')],
  ['a null project id', b => (b.resourceContainers.project = { id: null })],
  ['a numeric project id', b => (b.resourceContainers.project = { id: 5 })],
  [
    'a project id of 201 characters',
    b => (b.resourceContainers.project = { id: 'x'.repeat(201) }),
  ],
  ['no resource', b => delete b.resource],
  ['a null resource', b => (b.resource = null)],
  ['an array resource', b => (b.resource = [1])],
  ['no fields', b => delete b.resource.fields],
  ['null fields', b => (b.resource.fields = null)],
  ['array fields', b => (b.resource.fields = [])],
  ['a string field', b => ((b.resource.fields ??= {})['X.Y'] = 'Done')],
  ['a null field', b => ((b.resource.fields ??= {})['X.Y'] = null)],
  ['an array field', b => ((b.resource.fields ??= {})['X.Y'] = [1])],
  ['an empty object field', b => ((b.resource.fields ??= {})['X.Y'] = {})],
  ['revisedBy a string', b => (b.resource.revisedBy = 'A <a@b.c>')],
  ['revisedBy null', b => (b.resource.revisedBy = null)],
  ['revisedBy a number', b => (b.resource.revisedBy = 3)],
  ['revisedBy an array', b => (b.resource.revisedBy = [])],
  [
    'revisedBy with a numeric uniqueName',
    b => (b.resource.revisedBy = { uniqueName: 7 }),
  ],
  [
    'revisedBy with a null mailAddress',
    b => (b.resource.revisedBy = { mailAddress: null, extra: 1 }),
  ],
  ['no revision', b => delete b.resource.revision],
  ['a null revision', b => (b.resource.revision = null)],
  ['a string revision', b => (b.resource.revision = 'r')],
  ['a revision without fields', b => (b.resource.revision = { id: 1 })],
  ['a revision with array fields', b => (b.resource.revision = { fields: [] })],
  [
    'a revision with null fields',
    b => (b.resource.revision = { fields: null }),
  ],
];

describe('serviceHookShape', () => {
  describe.each(HOOK_FIXTURES)('%s', file => {
    it.each(MUTATIONS)('agrees with the schemas: %s', (_name, mutate) => {
      const body = fixture(file);
      mutate(body);
      expect(updatedPayloadPasses(body)).toBe(
        updatedPayloadSchema.safeParse({
          ...body,
          eventType: 'workitem.updated',
        }).success,
      );
      expect(workItemPayloadPasses(body)).toBe(
        workItemPayloadSchema.safeParse({
          ...body,
          eventType: 'workitem.commented',
        }).success,
      );
    });
  });
});
