import { normalizeSpanDescription, spanGroupHash } from './spans';

describe('span grouping', () => {
  it('normalizes SQL literals and IN lists', () => {
    expect(
      normalizeSpanDescription(
        'db',
        "SELECT * FROM t WHERE id = 42 AND name = 'o''brien' AND x IN (1, 2, 3)",
      ),
    ).toBe('SELECT * FROM t WHERE id = %s AND name = %s AND x IN (%s)');
    expect(
      normalizeSpanDescription(
        'db.sql.query',
        'insert into t (a, b) values ($1, $2), ($3, $4)',
      ),
    ).toBe('insert into t (a, b) values (%s)');
  });

  it('normalizes ids and drops query strings in URLs', () => {
    expect(
      normalizeSpanDescription(
        'http.client',
        'GET https://api/users/42/orders/550e8400-e29b-41d4-a716-446655440000?x=1',
      ),
    ).toBe('GET https://api/users/*/orders/*');
  });

  it('hashes op and normalized description', () => {
    expect(spanGroupHash('db', 'SELECT 1 FROM t WHERE a = 5')).toBe(
      spanGroupHash('db', 'SELECT 1 FROM t WHERE a = 6'),
    );
    expect(spanGroupHash('db', 'SELECT 1')).not.toBe(
      spanGroupHash('cache', 'SELECT 1'),
    );
    expect(spanGroupHash(undefined, undefined)).toMatch(/^[0-9a-f]{16}$/);
  });
});
