import { demoSeed } from './demoSeed';
import { generateSeed } from './generateSeed';
import { createEmulator } from '../createEmulator';

describe('seeds', () => {
  it('generates 200 projects over 3 processes', () => {
    const seed = generateSeed({
      projects: 200,
      processes: 3,
      workItemsPerProject: 2,
      users: 5,
    });
    expect(seed.organizations.map(o => o.name)).toEqual(['fabrikam']);
    expect(seed.organizations[0].projects).toHaveLength(200);
    expect(seed.processes.map(p => p.name)).toEqual([
      'Agile',
      'Scrum',
      'Basic',
    ]);
    expect(
      new Set(seed.organizations[0].projects.map(p => p.process)).size,
    ).toBe(3);
    const emu = createEmulator({ seed });
    expect(emu.state.org('fabrikam')!.workItems.size).toBe(400);
    expect(emu.state.identities.size).toBe(6);
  });

  it('adds inherited processes with a custom state beyond the system three', () => {
    const seed = generateSeed({ projects: 5, processes: 5 });
    expect(seed.processes[3].customizationType).toBe('inherited');
    expect(
      seed.processes[4].workItemTypes
        .find(t => t.name === 'Bug')!
        .states.map(s => s.name),
    ).toContain('Triaged');
  });

  it('loads the demo seed with both orgs, the users and the demo PAT', () => {
    const emu = createEmulator({ seed: demoSeed });
    expect([...emu.state.orgs.keys()]).toEqual(['fabrikam', 'contoso']);
    expect(emu.state.org('fabrikam')!.accountId).toBe(
      'c3f5a4c2-5d4b-4a6e-9f4e-0e8f3b1a2d10',
    );
    expect(emu.state.org('fabrikam')!.projects.map(p => p.name)).toEqual([
      'Fabrikam-Fiber',
      'Payments',
      'Mobile',
      'Docs',
      'Platform',
    ]);
    const pat = emu.state.pats.get('demo-pat')!;
    expect(pat.identity.displayName).toBe('Backstage Sync');
    expect([...pat.orgs]).toEqual(['fabrikam', 'contoso']);
    expect([...emu.state.identities.values()].map(i => i.displayName)).toEqual(
      expect.arrayContaining([
        'Alice Smith',
        'Bob Jones',
        'Carol White',
        'Dan Brown',
      ]),
    );
  });
});

describe('listen', () => {
  it('serves on a real port and builds URLs from it', async () => {
    const emu = createEmulator();
    const server = await emu.listen(0);
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const res = await fetch(`${server.url}/fabrikam/_apis/projects/Docs`, {
        headers: {
          Authorization: `Basic ${Buffer.from(':demo-pat').toString('base64')}`,
        },
      });
      const body = await res.json();
      expect(body.url).toBe(`${server.url}/fabrikam/_apis/projects/${body.id}`);
    } finally {
      await server.close();
    }
  });
});
