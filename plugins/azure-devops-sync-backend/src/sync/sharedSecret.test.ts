import { secretDigest, secretMatchesAny } from './sharedSecret';

/** One stored secret (none when empty), as the webhook compares against a hook's. */
const sharedSecretMatches = (
  received: string | undefined | null,
  expected: string | undefined | null,
) => secretMatchesAny(received, expected ? [secretDigest(expected)] : []);
import { searchWorkItemsQuery } from './wiql';

describe('secretMatchesAny', () => {
  it('matches only the exact secret, and never an empty one', () => {
    expect(sharedSecretMatches('s3cret', 's3cret')).toBe(true);
    expect(sharedSecretMatches('s3cret', 's3cre')).toBe(false);
    expect(sharedSecretMatches('S3CRET', 's3cret')).toBe(false);
    expect(sharedSecretMatches('', '')).toBe(false);
    expect(sharedSecretMatches(undefined, 's3cret')).toBe(false);
    expect(sharedSecretMatches('s3cret', null)).toBe(false);
  });
});

describe('searchWorkItemsQuery', () => {
  it('searches titles, escaping quotes', () => {
    expect(searchWorkItemsQuery("can't pay")).toBe(
      "SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'can''t pay' ORDER BY [System.ChangedDate] DESC",
    );
  });

  it('narrows to one project when asked', () => {
    expect(searchWorkItemsQuery('crash', "Bob's")).toBe(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Bob''s' AND ([System.Title] CONTAINS 'crash') ORDER BY [System.ChangedDate] DESC",
    );
  });

  it('also matches the id when the text is a number', () => {
    expect(searchWorkItemsQuery('#42')).toContain(
      '[System.Id] = 42 OR [System.Title] CONTAINS',
    );
  });
});
