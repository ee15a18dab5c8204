// npm run test:adopter — installs the three plugin packages the way a Backstage adopter would:
// built and packed (`npm pack`), into a new Backstage backend and app in a temporary directory
// OUTSIDE this workspace (own package.json, dependencies from the registry, no workspace links),
// wired only with the code blocks of the plugin READMEs. Then it starts that backend against the
// ADO emulator and checks /health, an organization's config and an accepted service hook
// delivery, type-checks the README's legacy-app and permission-policy code, and builds the app
// bundle (new frontend system). The packed tarballs stand in for the registry.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { block, installCommand, titledBlocks } from './readme.mjs';
import { checkConfigKeysDocumented } from './configKeys.mjs';
import * as project from './project.mjs';
import { processGroup } from '../lib/processes.mjs';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const EMULATOR_PORT = 7208;
const BACKEND_PORT = 7207;
const TOKEN = 'adopter-test-static-token-0123456789';

const PACKAGES = {
  common: {
    dir: 'plugins/azure-devops-sync-common',
    name: '@ado-sync/backstage-plugin-azure-devops-sync-common',
  },
  backend: {
    dir: 'plugins/azure-devops-sync-backend',
    name: '@ado-sync/backstage-plugin-azure-devops-sync-backend',
  },
  frontend: {
    dir: 'plugins/azure-devops-sync',
    name: '@ado-sync/backstage-plugin-azure-devops-sync',
  },
};
const BACKEND_README = join(ROOT, PACKAGES.backend.dir, 'README.md');
const FRONTEND_README = join(ROOT, PACKAGES.frontend.dir, 'README.md');

let failed = false;

function step(what) {
  console.log(
    `\n[adopter] ${what} (${new Date().toISOString().slice(11, 19)})`,
  );
}

function run(command, args, cwd, { env = {}, quiet = false } = {}) {
  console.log(`[adopter] $ ${[command, ...args].join(' ')}   (in ${cwd})`);
  try {
    execFileSync(command, args, {
      cwd,
      stdio: quiet ? 'pipe' : 'inherit',
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    if (quiet) console.error(`${e.stdout ?? ''}${e.stderr ?? ''}`.slice(-8000));
    throw e;
  }
}

const processes = processGroup();
const { children, stopAll } = processes;
const start = (name, command, args, cwd, env = {}) =>
  processes.start(name, command, args, { cwd, env });

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    const gone = children.find(c => c.exitCode !== undefined);
    if (gone)
      throw new Error(
        `${gone.name} exited (${gone.exitCode}) while waiting for ${what}`,
      );
    // A plugin that fails to start leaves the backend up, answering 503: say why at once.
    const lines = children.flatMap(c => c.lines);
    const broken = lines.findIndex(line => /startup failed/i.test(line));
    if (broken >= 0) {
      throw new Error(
        `waiting for ${what}: ${lines.slice(broken, broken + 3).join('\n')}`,
      );
    }
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

async function backendJson(path) {
  const res = await fetch(
    `http://localhost:${BACKEND_PORT}/api/azure-devops-sync${path}`,
    { headers: { Authorization: `Bearer ${TOKEN}` } },
  );
  if (!res.ok)
    throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Builds and packs the three packages; returns their tarball paths by key. */
function buildAndPack(tarballDir) {
  step('type declarations (tsc) and package builds');
  run('npx', ['tsc'], ROOT);
  const tarballs = {};
  for (const [key, pkg] of Object.entries(PACKAGES)) {
    const dir = join(ROOT, pkg.dir);
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    run('npx', ['backstage-cli', 'package', 'build'], dir);
    const before = new Set(readdirSync(tarballDir));
    run('npm', ['pack', '--pack-destination', tarballDir], dir);
    const made = readdirSync(tarballDir).find(f => !before.has(f));
    tarballs[key] = join(tarballDir, made);
  }
  return tarballs;
}

/** The README's npm command with the package name replaced by its tarball (the registry's stand-in). */
function readmeInstall(readme, pkg, tarball, commonTarball) {
  const command = installCommand(readme, titledBlocks(readme), 'npm', pkg.name);
  const args = command.split(/\s+/);
  if (args[0] !== 'npm')
    throw new Error(`${readme}: "${command}" is not an npm command`);
  // The registry would bring the common package as the plugin's dependency; its tarball goes first.
  return args
    .slice(1)
    .flatMap(a => (a === pkg.name ? [commonTarball, tarball] : [a]));
}

/**
 * What `backstage-cli versions:check` used to catch (the command is gone from @backstage/cli
 * 0.36): our ranges must not make the adopter install a second copy of a package whose module
 * state must be shared (React contexts, API and service refs).
 */
const SINGLETONS = [
  '@backstage/backend-plugin-api',
  '@backstage/core-plugin-api',
  '@backstage/core-components',
  '@backstage/frontend-plugin-api',
  '@backstage/plugin-catalog-react',
  '@backstage/plugin-permission-react',
  '@backstage/version-bridge',
  'react',
  'react-dom',
];

function checkSingletons(app) {
  const found = JSON.parse(
    execFileSync(
      'npm',
      ['query', SINGLETONS.map(name => `#${name}`).join(', ')],
      {
        cwd: app,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    ),
  );
  const versions = new Map();
  for (const { name, version } of found) {
    versions.set(name, new Set([...(versions.get(name) ?? []), version]));
  }
  const doubled = [...versions].filter(([, v]) => v.size > 1);
  if (doubled.length > 0) {
    throw new Error(
      `the adopter has several versions of ${doubled
        .map(([name, v]) => `${name} (${[...v].join(', ')})`)
        .join('; ')}`,
    );
  }
  console.log(
    `[adopter] one version each of ${[...versions.keys()].join(', ')}`,
  );
}

async function main() {
  if (!ROOT || ROOT === '/') throw new Error('cannot find the repository root');
  // ADOPTER_WORK reuses the directory of an earlier run (with ADOPTER_KEEP=1), for quicker tries.
  const work =
    process.env.ADOPTER_WORK ??
    mkdtempSync(join(tmpdir(), 'ado-sync-adopter-'));
  if (!relative(ROOT, work).startsWith('..')) {
    throw new Error(`${work} is inside the workspace; it must be outside`);
  }
  console.log(`[adopter] working in ${work}`);
  const tarballDir = join(work, 'tarballs');
  rmSync(tarballDir, { recursive: true, force: true });
  mkdirSync(tarballDir);
  const tarballs = buildAndPack(tarballDir);

  step('every config key of config.d.ts is in the backend README');
  await checkConfigKeysDocumented(ROOT, PACKAGES.backend.name, BACKEND_README);

  step('a new Backstage backend and app, outside the workspace');
  const versions = project.workspaceVersions(
    createRequire(join(ROOT, 'package.json')),
  );
  const app = join(work, 'portal');
  project.write(app, {
    versions,
    indexHtml: readFileSync(
      join(ROOT, 'packages/app/public/index.html'),
      'utf8',
    ),
  });
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app);

  step('install the plugins as the READMEs say (npm)');
  run(
    'npm',
    readmeInstall(
      BACKEND_README,
      PACKAGES.backend,
      tarballs.backend,
      tarballs.common,
    ),
    app,
  );
  run(
    'npm',
    readmeInstall(
      FRONTEND_README,
      PACKAGES.frontend,
      tarballs.frontend,
      tarballs.common,
    ),
    app,
  );
  // The README's policy imports the common package; the README says to install it.
  const policyInstall = installCommand(
    BACKEND_README,
    titledBlocks(BACKEND_README),
    'npm (policy)',
    PACKAGES.common.name,
  )
    .split(/\s+/)
    .slice(1)
    .map(a => (a === PACKAGES.common.name ? tarballs.common : a));
  run('npm', policyInstall, app);

  step('one version of each package that must be a singleton');
  checkSingletons(app);

  step('wire them with the README code blocks');
  const backendBlocks = titledBlocks(BACKEND_README);
  const frontendBlocks = titledBlocks(FRONTEND_README);
  project.wireBackend(app, {
    indexLines: block(
      BACKEND_README,
      backendBlocks,
      'packages/backend/src/index.ts',
    ),
    policyIndexLines: block(
      BACKEND_README,
      backendBlocks,
      'packages/backend/src/index.ts (policy)',
    ),
    policy: block(
      BACKEND_README,
      backendBlocks,
      'packages/backend/src/permissionPolicy.ts',
    ),
    config: [
      block(BACKEND_README, backendBlocks, 'app-config.yaml'),
      block(BACKEND_README, backendBlocks, 'app-config.yaml (permissions)'),
    ].join('\n'),
  });
  project.wireApp(app, {
    appTsx: block(FRONTEND_README, frontendBlocks, 'packages/app/src/App.tsx'),
    legacyEntityPage: block(
      FRONTEND_README,
      frontendBlocks,
      'packages/app/src/components/catalog/EntityPage.tsx',
    ),
    legacyRoutes: block(
      FRONTEND_README,
      frontendBlocks,
      'packages/app/src/App.tsx (legacy)',
    ),
  });
  project.writeLocalConfig(app, {
    emulatorPort: EMULATOR_PORT,
    backendPort: BACKEND_PORT,
    token: TOKEN,
  });

  step(
    'type check (backend, new and legacy app wiring, the permission policy)',
  );
  run('npx', ['tsc', '--noEmit'], app);

  step('start the ADO emulator and the adopter backend');
  start(
    'emulator',
    join(ROOT, 'node_modules/.bin/tsx'),
    ['packages/ado-emulator/src/main.ts'],
    ROOT,
    {
      PORT: String(EMULATOR_PORT),
    },
  );
  start(
    'backend',
    'npx',
    ['backstage-cli', 'package', 'start'],
    join(app, 'packages/backend'),
    {
      AZURE_DEVOPS_TOKEN: 'demo-pat',
      NODE_ENV: 'development',
    },
  );
  await waitFor(
    'the emulator',
    async () =>
      (
        await fetch(`http://localhost:${EMULATOR_PORT}/_admin/knobs`)
      ).ok,
    60_000,
  );
  const health = await waitFor(
    'GET /api/azure-devops-sync/health',
    async () => {
      const res = await fetch(
        `http://localhost:${BACKEND_PORT}/api/azure-devops-sync/health`,
      );
      return res.ok && res.json();
    },
    180_000,
  );
  console.log(`[adopter] /health: ${JSON.stringify(health)}`);

  step(
    'the organization from config, its settings and a service hook delivery',
  );
  const organization = await waitFor(
    'fabrikam connected at start-up',
    async () =>
      (
        await backendJson('/organizations')
      ).items.find(
        o => o.name === 'fabrikam' && o.subscription.status === 'enabled',
      ),
    60_000,
  );
  const config = await backendJson(`/organizations/${organization.id}/config`);
  if (!Array.isArray(config.fields) || config.fields.length === 0) {
    throw new Error(
      `GET /organizations/:id/config has no fields: ${JSON.stringify(config)}`,
    );
  }
  console.log(`[adopter] config: ${config.fields.map(f => f.name).join(', ')}`);

  step('the README policy decides for a signed-in user');
  const guest = await waitFor(
    'a guest token',
    async () => {
      const res = await fetch(
        `http://localhost:${BACKEND_PORT}/api/auth/guest/refresh`,
        { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
      );
      return res.ok && (await res.json()).backstageIdentity.token;
    },
    60_000,
  );
  const asGuest = (path, init = {}) =>
    fetch(`http://localhost:${BACKEND_PORT}/api/azure-devops-sync${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${guest}`,
        'Content-Type': 'application/json',
      },
    });
  const read = await asGuest(`/organizations/${organization.id}/config`);
  if (read.status !== 200) {
    throw new Error(`the guest could not read the config: ${read.status}`);
  }
  const write = await asGuest(`/organizations/${organization.id}/people`, {
    method: 'PUT',
    body: JSON.stringify({ items: [] }),
  });
  const refusal = await write.text();
  if (
    write.status !== 403 ||
    !refusal.includes('azure-devops-sync.config.update')
  ) {
    throw new Error(
      `the policy should refuse the guest (not a portal admin) a people mapping change: ${write.status} ${refusal}`,
    );
  }
  console.log(
    '[adopter] the guest reads the config; the policy refuses it a mapping change (403)',
  );

  const edit = await fetch(
    `http://localhost:${EMULATOR_PORT}/_admin/fabrikam/workitems/2`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        as: 'bob@example.com',
        fields: { 'System.History': 'Checked by the adopter test' },
      }),
    },
  );
  if (!edit.ok)
    throw new Error(`the emulator refused the edit: ${edit.status}`);
  const delivery = await waitFor(
    'the service hook delivery accepted by the adopter backend',
    async () =>
      (
        await backendJson(`/organizations/${organization.id}/deliveries`)
      ).items.find(d => d.workItemId === 2),
    60_000,
  );
  console.log(
    `[adopter] delivery accepted: ${JSON.stringify(delivery).slice(0, 300)}`,
  );

  step('build the app bundle (new frontend system, the README App.tsx)');
  run('npx', ['backstage-cli', 'package', 'build'], join(app, 'packages/app'), {
    quiet: true,
  });
  const bundle = readdirSync(join(app, 'packages/app/dist/static'))
    .filter(f => f.endsWith('.js'))
    .map(f => readFileSync(join(app, 'packages/app/dist/static', f), 'utf8'))
    .join('\n');
  for (const marker of ['azure-devops-sync', 'org-config']) {
    if (!bundle.includes(marker))
      throw new Error(`the app bundle lacks "${marker}"`);
  }
  console.log('[adopter] the app bundle carries the plugin');

  if (!process.env.ADOPTER_KEEP) rmSync(work, { recursive: true, force: true });
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

main()
  .then(() => console.log('\n[adopter] PASSED'))
  .catch(e => {
    failed = true;
    console.error(`\n[adopter] FAILED: ${e.message}`);
    for (const { name, lines } of children) {
      console.error(
        `--- last output of ${name} ---\n${lines.slice(-60).join('\n')}`,
      );
    }
  })
  .finally(() => {
    stopAll();
    process.exit(failed ? 1 : 0);
  });
