import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { createStores } from './createStores';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'DatabasePeopleStore (%s)',
  databaseId => {
    async function setup() {
      const { database } = await initDatabaseService(databases, databaseId);
      const { organizations, people } = await createStores({ database });
      const org = async (name: string) =>
        (
          await organizations.createOrGet({
            name,
            externalId: `${name}-id`,
            domainName: `https://dev.azure.com/${name}/`,
          })
        ).id;
      return {
        people,
        fabrikam: await org('fabrikam'),
        contoso: await org('contoso'),
      };
    }

    it('replaces an organization’s mappings and finds them both ways, case-insensitively', async () => {
      const { people, fabrikam, contoso } = await setup();
      await people.replace(
        fabrikam,
        [
          { adoIdentity: 'CONTOSO\\BJones', userEntityRef: 'user:default/bob' },
          {
            adoIdentity: 'alice.guest@partner.example',
            userEntityRef: 'user:default/alice',
          },
          {
            adoIdentity: 'alice@old.example',
            userEntityRef: 'user:default/alice',
          },
        ],
        'user:default/admin',
      );
      await people.replace(contoso, [
        { adoIdentity: 'dan@example.com', userEntityRef: 'user:default/bob' },
      ]);
      expect(await people.list(fabrikam)).toEqual([
        { adoIdentity: 'CONTOSO\\BJones', userEntityRef: 'user:default/bob' },
        {
          adoIdentity: 'alice.guest@partner.example',
          userEntityRef: 'user:default/alice',
        },
        {
          adoIdentity: 'alice@old.example',
          userEntityRef: 'user:default/alice',
        },
      ]);
      expect(
        await people.userFor(fabrikam, ['nobody@x', 'contoso\\bjones']),
      ).toBe('user:default/bob');
      expect(
        await people.userFor(fabrikam, ['dan@example.com']),
      ).toBeUndefined();
      expect(await people.userFor(contoso, ['DAN@example.com'])).toBe(
        'user:default/bob',
      );
      // The first saved identity of a user is the one written to ADO.
      expect(await people.identityFor(fabrikam, 'user:default/alice')).toBe(
        'alice.guest@partner.example',
      );
      expect(
        await people.identityFor(fabrikam, 'user:default/carol'),
      ).toBeUndefined();

      await people.replace(fabrikam, []);
      expect(await people.list(fabrikam)).toEqual([]);
      expect(await people.list(contoso)).toHaveLength(1);
    });

    it('keeps unmatched identities as suggestions until they are mapped', async () => {
      const { people, fabrikam, contoso } = await setup();
      await people.recordUnmatched(
        fabrikam,
        'Guest@Partner.example',
        'Gail Guest',
      );
      await people.recordUnmatched(fabrikam, 'CONTOSO\\dbrown');
      await people.recordUnmatched(contoso, 'elsewhere@example.com');
      // Seen again without a name: the name is kept, the sighting moves on.
      await people.recordUnmatched(fabrikam, 'guest@partner.example');
      const suggestions = await people.suggestions(fabrikam);
      expect(suggestions.map(s => s.adoIdentity).sort()).toEqual([
        'contoso\\dbrown',
        'guest@partner.example',
      ]);
      expect(
        suggestions.find(s => s.adoIdentity === 'guest@partner.example'),
      ).toEqual({
        adoIdentity: 'guest@partner.example',
        displayName: 'Gail Guest',
        lastSeenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
      await people.replace(fabrikam, [
        {
          adoIdentity: 'GUEST@partner.example',
          userEntityRef: 'user:default/alice',
        },
      ]);
      expect(
        (await people.suggestions(fabrikam)).map(s => s.adoIdentity),
      ).toEqual(['contoso\\dbrown']);
    });
  },
);
