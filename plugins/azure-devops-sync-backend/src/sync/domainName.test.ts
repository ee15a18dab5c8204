import {
  baseUrlForName,
  acceptLocationUrl,
  isSecureTransport,
  isUsableDomainName,
  parseOrganizationInput,
} from './domainName';

describe('isSecureTransport', () => {
  it.each([
    ['https://dev.azure.com/fabrikam/', true],
    ['https://fabrikam.visualstudio.com', true],
    ['http://localhost:7008/fabrikam/', true],
    ['http://127.0.0.1:7008/fabrikam/', true],
    ['http://[::1]:7008/fabrikam/', true],
    ['http://dev.azure.com/fabrikam/', false],
    ['http://fabrikam.visualstudio.com/', false],
    ['http://localhost.example.com/fabrikam/', false],
    ['http://10.0.0.5/fabrikam/', false],
    ['ftp://dev.azure.com/fabrikam/', false],
    ['not a url', false],
    [null, false],
  ])('%s → %s', (value, expected) => {
    expect(isSecureTransport(value)).toBe(expected);
  });
});

describe('isUsableDomainName', () => {
  it.each([
    ['https://dev.azure.com/fabrikam/', true],
    ['https://fabrikam.visualstudio.com/', true],
    ['http://localhost:7008/fabrikam/', true],
    ['http://127.0.0.1:7008/fabrikam/', true],
    ['https://dev.azure.com/fabrikam', false],
    ['fabrikam.visualstudio.com', false],
    ['http://fabrikam.visualstudio.com/', false],
    ['', false],
    [null, false],
  ])('%s → %s', (value, expected) => {
    expect(isUsableDomainName(value as any)).toBe(expected);
  });
});

describe('acceptLocationUrl', () => {
  const configured = ['dev.azure.com', 'localhost:7008', 'tfs.example.com'];

  it('accepts ADO hosts over https and normalizes the trailing slash', () => {
    expect(
      acceptLocationUrl('https://fabrikam.visualstudio.com', configured),
    ).toBe('https://fabrikam.visualstudio.com/');
    expect(
      acceptLocationUrl('https://dev.azure.com/fabrikam/', configured),
    ).toBe('https://dev.azure.com/fabrikam/');
    expect(
      acceptLocationUrl(
        'https://tfs.example.com/DefaultCollection',
        configured,
      ),
    ).toBe('https://tfs.example.com/DefaultCollection/');
  });

  it('refuses hosts that are not Azure DevOps (no requests to arbitrary hosts)', () => {
    expect(
      acceptLocationUrl('https://evil.example.com/', configured),
    ).toBeUndefined();
    expect(
      acceptLocationUrl('https://169.254.169.254/latest/', configured),
    ).toBeUndefined();
    expect(
      acceptLocationUrl('https://dev.azure.com.evil.io/x/', configured),
    ).toBeUndefined();
    expect(
      acceptLocationUrl('http://dev.azure.com/fabrikam/', configured),
    ).toBeUndefined();
    expect(
      acceptLocationUrl('https://user:pw@dev.azure.com/fabrikam/', configured),
    ).toBeUndefined();
    expect(acceptLocationUrl('not a url', configured)).toBeUndefined();
    expect(acceptLocationUrl('', configured)).toBeUndefined();
  });

  it('allows http only on a configured loopback host', () => {
    expect(
      acceptLocationUrl('http://localhost:7008/fabrikam/', configured),
    ).toBe('http://localhost:7008/fabrikam/');
    expect(
      acceptLocationUrl('http://localhost:9999/fabrikam/', configured),
    ).toBeUndefined();
  });
});

describe('baseUrlForName', () => {
  it('takes the configured baseUrl, else the only non-Microsoft integrations host, else dev.azure.com', () => {
    expect(
      baseUrlForName('Fabrikam', {
        configured: [
          { name: 'fabrikam', baseUrl: 'https://ado.example.com/tfs/fabrikam' },
        ],
        integrationHosts: ['dev.azure.com'],
      }),
    ).toBe('https://ado.example.com/tfs/fabrikam/');
    expect(
      baseUrlForName('contoso', { integrationHosts: ['localhost:7008'] }),
    ).toBe('http://localhost:7008/contoso/');
    expect(
      baseUrlForName('contoso', { integrationHosts: ['ado.example.com'] }),
    ).toBe('https://ado.example.com/contoso/');
    for (const integrationHosts of [
      [],
      ['dev.azure.com'],
      ['fabrikam.visualstudio.com'],
      ['localhost:7008', 'dev.azure.com'],
      ['ado-a.example.com', 'ado-b.example.com'],
    ]) {
      expect(baseUrlForName('contoso', { integrationHosts })).toBe(
        'https://dev.azure.com/contoso/',
      );
    }
  });
});

describe('parseOrganizationInput', () => {
  it('asks for the base URL of a bare name', () => {
    expect(
      parseOrganizationInput('contoso', n => `http://localhost:7008/${n}/`),
    ).toEqual({ name: 'contoso', baseUrl: 'http://localhost:7008/contoso/' });
  });

  it.each([
    ['fabrikam', 'fabrikam', 'https://dev.azure.com/fabrikam/'],
    [
      'https://dev.azure.com/fabrikam',
      'fabrikam',
      'https://dev.azure.com/fabrikam/',
    ],
    [
      'https://fabrikam.visualstudio.com/',
      'fabrikam',
      'https://fabrikam.visualstudio.com/',
    ],
    [
      'http://localhost:7008/fabrikam/',
      'fabrikam',
      'http://localhost:7008/fabrikam/',
    ],
    // The scheme as typed, whatever its case: an upper-case HTTP must not become https://HTTP//…
    [
      'HTTP://DEV.AZURE.COM/fabrikam',
      'fabrikam',
      'http://dev.azure.com/fabrikam/',
    ],
  ])('%s', (input, name, baseUrl) => {
    expect(parseOrganizationInput(input)).toEqual({ name, baseUrl });
  });

  it('rejects what is not an organization', () => {
    expect(parseOrganizationInput('https://dev.azure.com/')).toBeUndefined();
    expect(parseOrganizationInput('a b c')).toBeUndefined();
    expect(
      parseOrganizationInput('https://dev.azure.com/a/b/c'),
    ).toBeUndefined();
  });
});
