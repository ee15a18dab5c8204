import type { Entity } from '@backstage/catalog-model';
import { parseHostOrg, selectOrganization } from './organizationSelection';

const entity = (hostOrg?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: hostOrg ? { 'dev.azure.com/host-org': hostOrg } : {},
  },
});
const fabrikam = { name: 'fabrikam' };
const contoso = { name: 'Contoso' };

describe('parseHostOrg', () => {
  it.each([
    ['dev.azure.com/fabrikam', { host: 'dev.azure.com', org: 'fabrikam' }],
    [
      'https://dev.azure.com/fabrikam/',
      { host: 'dev.azure.com', org: 'fabrikam' },
    ],
    [
      'fabrikam.visualstudio.com',
      { host: 'fabrikam.visualstudio.com', org: 'fabrikam' },
    ],
    [
      'tfs.example.com/DefaultCollection',
      { host: 'tfs.example.com', org: 'DefaultCollection' },
    ],
  ])('reads %s', (value, expected) => {
    expect(parseHostOrg(value)).toEqual(expected);
  });

  it.each(['', '   ', 'dev.azure.com', 'https://'])('refuses "%s"', value => {
    expect(parseHostOrg(value)).toBeUndefined();
  });
});

describe('selectOrganization', () => {
  it('takes the only connected organization for an entity without the annotation', () => {
    expect(selectOrganization(entity(), [fabrikam])).toEqual({
      kind: 'found',
      organization: fabrikam,
    });
  });

  it('needs the annotation when none or several are connected', () => {
    expect(selectOrganization(entity(), []).kind).toBe('none-connected');
    expect(selectOrganization(entity(), [fabrikam, contoso]).kind).toBe(
      'ambiguous',
    );
  });

  it('finds the named organization whatever its case, as ADO does', () => {
    expect(
      selectOrganization(entity('dev.azure.com/contoso'), [fabrikam, contoso]),
    ).toEqual({
      kind: 'found',
      organization: contoso,
      annotation: 'dev.azure.com/contoso',
    });
  });

  it('says when the annotation is unreadable or names an organization not connected', () => {
    expect(selectOrganization(entity('fabrikam'), [fabrikam]).kind).toBe(
      'invalid-annotation',
    );
    expect(
      selectOrganization(entity('dev.azure.com/northwind'), [fabrikam]),
    ).toMatchObject({ kind: 'not-connected', orgName: 'northwind' });
  });
});
