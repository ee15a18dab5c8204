import { InputError } from '@backstage/errors';
import type { Request } from 'express';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './httpErrors';

/** Body limits of the SDK routes, in bytes. */
export const SDK_BODY_LIMITS = {
  /** As sent (compressed or not). */
  received: 5 * 1024 * 1024,
  /** After Content-Encoding is undone: bounds a small gzip bomb too. */
  decoded: 10 * 1024 * 1024,
  /** One event or transaction item (Sentry's own limit). */
  item: 1024 * 1024,
};

const MIB = 1024 * 1024;
const mib = (bytes: number) =>
  bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;

const DECODERS: Record<
  string,
  (input: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>
> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/** The request body as bytes, at most `received` of them (a 413 as soon as it is over). */
function readRaw(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(
      new PayloadTooLargeError(`The body is larger than ${mib(limit)}`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', function onData(chunk: Buffer) {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        // The rest is read and dropped, so the 413 still reaches the client.
        req.off('data', onData);
        req.resume();
        reject(
          new PayloadTooLargeError(`The body is larger than ${mib(limit)}`),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.once('error', error => {
      if (done) return;
      done = true;
      reject(new InputError(error.message));
    });
  });
}

/**
 * Reads an SDK's body and undoes its Content-Encoding (gzip, deflate, br): 413 over the limits,
 * 415 for another encoding, 400 for bytes that do not decode.
 */
export async function readSdkBody(
  req: Request,
  limits = SDK_BODY_LIMITS,
): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  const decode = DECODERS[encoding];
  if (!decode && encoding !== 'identity' && encoding !== '') {
    req.resume();
    throw new UnsupportedMediaTypeError(
      `Content-Encoding ${encoding} is not supported (gzip, deflate, br or none)`,
    );
  }
  const raw = await readRaw(req, limits.received);
  if (!decode) return raw;
  try {
    return await decode(raw, { maxOutputLength: limits.decoded });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError(
        `The decompressed body is larger than ${mib(limits.decoded)}`,
      );
    }
    throw new InputError(
      `The body is not valid ${encoding} data: ${(error as Error).message}`,
    );
  }
}
