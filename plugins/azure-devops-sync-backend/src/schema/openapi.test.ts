import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { createRouter } from '../router/createRouter';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every method+path the router serves, walking nested routers. */
function servedRoutes(stack: any[]): string[] {
  const routes: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        routes.push(`${method.toUpperCase()} ${layer.route.path}`);
      }
    } else if (layer.handle?.stack) {
      routes.push(...servedRoutes(layer.handle.stack));
    }
  }
  return routes;
}

describe('openapi.yaml', () => {
  it('documents exactly the routes the plugin serves', async () => {
    const spec = parse(
      readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'),
    );
    const documented = Object.entries<any>(spec.paths).flatMap(([path, item]) =>
      METHODS.filter(m => item[m]).map(
        m => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      ),
    );
    // Wiring only: the handlers are never called here.
    const router = await createRouter({} as any);
    const served = servedRoutes((router as any).stack);
    expect(served.length).toBeGreaterThan(15);
    expect([...new Set(served)].sort()).toEqual(
      [...new Set(documented)].sort(),
    );
  });
});
