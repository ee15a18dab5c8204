// The adopter's portal: a Backstage root with packages/backend and packages/app laid out as
// @backstage/create-app lays them out, reduced to what the plugins need (the catalog).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Backstage packages of the adopter's portal, at the versions this workspace is tested with. */
const BACKEND_PACKAGES = [
  '@backstage/backend-defaults',
  '@backstage/backend-plugin-api',
  '@backstage/plugin-auth-backend',
  '@backstage/plugin-auth-backend-module-guest-provider',
  '@backstage/plugin-catalog-backend',
  '@backstage/plugin-permission-backend',
  '@backstage/plugin-permission-common',
  '@backstage/plugin-permission-node',
  'better-sqlite3',
];
const APP_PACKAGES = [
  '@backstage/frontend-defaults',
  '@backstage/plugin-catalog',
  '@material-ui/core',
  'react',
  'react-dom',
  'react-router-dom',
];
const ROOT_DEV_PACKAGES = ['@backstage/cli', 'typescript'];
const APP_DEV_PACKAGES = ['@types/react', '@types/react-dom'];

/** `^version` of each package as installed in this workspace (the same Backstage release). */
export function workspaceVersions(require) {
  const versions = {};
  for (const name of [
    ...BACKEND_PACKAGES,
    ...APP_PACKAGES,
    ...ROOT_DEV_PACKAGES,
    ...APP_DEV_PACKAGES,
  ]) {
    versions[name] = `^${require(`${name}/package.json`).version}`;
  }
  return versions;
}

const pick = (versions, names) =>
  Object.fromEntries(names.map(name => [name, versions[name]]));

function put(root, path, content) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    typeof content === 'string'
      ? content
      : `${JSON.stringify(content, null, 2)}\n`,
  );
}

export function write(root, { versions, indexHtml }) {
  put(root, 'package.json', {
    name: 'adopter-portal',
    version: '1.0.0',
    private: true,
    workspaces: ['packages/*'],
    devDependencies: pick(versions, ROOT_DEV_PACKAGES),
  });
  put(root, 'backstage.json', { version: 'adopter-test' });
  put(root, 'tsconfig.json', {
    extends: '@backstage/cli/config/tsconfig.json',
    include: ['packages/*/src'],
    exclude: ['node_modules'],
    // No test files here: jest's and webpack's ambient types are not needed.
    compilerOptions: {
      outDir: 'dist-types',
      rootDir: '.',
      jsx: 'react-jsx',
      types: ['node'],
    },
  });
  put(root, 'packages/backend/package.json', {
    name: 'backend',
    version: '1.0.0',
    private: true,
    main: 'dist/index.cjs.js',
    types: 'src/index.ts',
    backstage: { role: 'backend' },
    scripts: { start: 'backstage-cli package start' },
    dependencies: pick(versions, BACKEND_PACKAGES),
  });
  put(root, 'packages/app/package.json', {
    name: 'app',
    version: '1.0.0',
    private: true,
    bundled: true,
    backstage: { role: 'frontend' },
    scripts: { build: 'backstage-cli package build' },
    dependencies: pick(versions, APP_PACKAGES),
    devDependencies: pick(versions, APP_DEV_PACKAGES),
    browserslist: {
      production: ['>0.2%', 'not dead', 'not op_mini all'],
      development: ['last 1 chrome version'],
    },
  });
  put(root, 'packages/app/public/index.html', indexHtml);
  put(
    root,
    'packages/app/src/index.tsx',
    `import ReactDOM from 'react-dom/client';
import app from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
`,
  );
}

/**
 * The backend index of a create-app backend (trimmed to guest sign-in and the catalog; the
 * permission backend and the policy come from the README), plus the README's lines before
 * `backend.start()`; the README's policy; the README's app-config blocks.
 */
export function wireBackend(
  root,
  { indexLines, policyIndexLines, policy, config },
) {
  put(
    root,
    'packages/backend/src/index.ts',
    `import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));

${policyIndexLines}

${indexLines}

backend.start();
`,
  );
  put(root, 'packages/backend/src/permissionPolicy.ts', `${policy}\n`);
  put(
    root,
    'app-config.yaml',
    `app:\n  title: Adopter portal\n  baseUrl: http://localhost:3000\n${config}\n`,
  );
}

/** The README's App.tsx as the app; its legacy blocks as modules that must type-check. */
export function wireApp(root, { appTsx, legacyEntityPage, legacyRoutes }) {
  put(root, 'packages/app/src/App.tsx', `${appTsx}\n`);
  put(
    root,
    'packages/app/src/legacy/EntityPage.tsx',
    `${legacyEntityPage}\n\nexport { serviceEntityPage };\n`,
  );
  put(
    root,
    'packages/app/src/legacy/routes.tsx',
    `${legacyRoutes}\n\nexport { routes };\n`,
  );
}

/**
 * What differs on this machine from the README's example, as an adopter's app-config.local.yaml:
 * the emulator plays dev.azure.com, a static token lets the test call the API.
 */
export function writeLocalConfig(root, { emulatorPort, backendPort, token }) {
  const emulator = `http://localhost:${emulatorPort}`;
  put(
    root,
    'app-config.local.yaml',
    `backend:
  baseUrl: http://localhost:${backendPort}
  listen:
    port: ${backendPort}
  database:
    client: better-sqlite3
    connection: ':memory:'
  auth:
    externalAccess:
      - type: static
        options:
          token: ${token}
          subject: adopter-test
auth:
  providers:
    guest: {}
integrations:
  azure:
    - host: localhost:${emulatorPort}
      credentials:
        - personalAccessToken: \${AZURE_DEVOPS_TOKEN}
azureDevOpsSync:
  organizations:
    - name: fabrikam
      baseUrl: ${emulator}/fabrikam/
  accountLookupBaseUrl: ${emulator}/
  webhookBaseUrl: http://localhost:${backendPort}
`,
  );
}
