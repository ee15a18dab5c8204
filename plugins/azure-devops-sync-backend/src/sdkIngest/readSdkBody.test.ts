import { mockErrorHandler } from '@backstage/backend-test-utils';
import express from 'express';
import Router from 'express-promise-router';
import { request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { readSdkBody } from './readSdkBody';

const LIMITS = { received: 1000, decoded: 2000, item: 500 };

/** Posts `chunks` with Transfer-Encoding: chunked (no Content-Length), as @sentry/node does. */
function postChunked(
  server: Server,
  chunks: Buffer[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { port, host: '127.0.0.1', method: 'POST', path: '/', headers },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readSdkBody', () => {
  let server: Server;

  beforeAll(async () => {
    const router = Router();
    router.post('/', async (req, res) => {
      const body = await readSdkBody(req, LIMITS);
      res.json({ length: body.length, text: body.toString('utf8', 0, 20) });
    });
    const app = express().use(router).use(mockErrorHandler());
    server = await new Promise(resolve => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  });

  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('reads a chunked body under the limit', async () => {
    const res = await postChunked(server, [
      Buffer.from('abc'),
      Buffer.from('def'),
    ]);
    expect(res).toEqual({ status: 200, body: { length: 6, text: 'abcdef' } });
  });

  it('answers 413 as soon as a chunked body goes over the limit', async () => {
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(300, 0x61));
    const res = await postChunked(server, chunks);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe('The body is larger than 1000 bytes');
  });

  it('undoes gzip and br, and bounds what they decompress to', async () => {
    const gzip = await postChunked(server, [gzipSync('hello envelope')], {
      'Content-Encoding': 'gzip',
    });
    expect(gzip.body).toEqual({ length: 14, text: 'hello envelope' });
    const br = await postChunked(server, [brotliCompressSync('hello br')], {
      'Content-Encoding': 'br',
    });
    expect(br.body).toEqual({ length: 8, text: 'hello br' });
    const bomb = await postChunked(server, [gzipSync(Buffer.alloc(5000))], {
      'Content-Encoding': 'gzip',
    });
    expect(bomb.status).toBe(413);
    expect(bomb.body.error.message).toMatch(
      /^The decompressed body is larger than/,
    );
  });
});
