// Every key of the backend plugin's config schema (config.d.ts) must be in its README: an adopter
// reads the README, not the schema.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function leafKeys(schema, path, out) {
  if (!schema || typeof schema !== 'object') return out;
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    const child = path ? `${path}.${key}` : key;
    const nested = value.properties || value.items?.properties;
    if (!nested) out.push(child);
    leafKeys(value, child, out);
  }
  if (schema.items) leafKeys(schema.items, `${path}[]`, out);
  return out;
}

export async function checkConfigKeysDocumented(root, packageName, readmePath) {
  const require = createRequire(join(root, 'package.json'));
  const { loadConfigSchema } = require('@backstage/config-loader');
  const schema = await loadConfigSchema({ dependencies: [packageName] });
  const keys = schema
    .serialize()
    .schemas.filter(s => s.packageName === packageName)
    .flatMap(s => leafKeys(s.value, '', []));
  if (keys.length === 0)
    throw new Error(`no config schema found for ${packageName}`);
  const readme = readFileSync(readmePath, 'utf8');
  const missing = keys.filter(key => !readme.includes(`\`${key}\``));
  if (missing.length > 0) {
    throw new Error(`${readmePath} does not document ${missing.join(', ')}`);
  }
  console.log(`[adopter] ${keys.length} config keys, all in the README`);
}
