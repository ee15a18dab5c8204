import express from 'express';
import { readFileSync } from 'fs';
import { AddressInfo } from 'net';
import { join } from 'path';
import { createEmulator, EmulatorOptions } from '../createEmulator';

/** `Authorization` header for the demo PAT. */
export const PAT = `Basic ${Buffer.from(':demo-pat').toString('base64')}`;

export const FABRIKAM_ACCOUNT_ID = 'c3f5a4c2-5d4b-4a6e-9f4e-0e8f3b1a2d10';

/** A fixture file, unwrapped to the response/delivery body whatever its layout. */
export function fixtureBody(name: string): any {
  const raw = JSON.parse(
    readFileSync(join(__dirname, 'fixtures', name), 'utf8'),
  );
  if (raw.responses) return raw.responses['200'].body;
  if (raw.response) return raw.response.body;
  return raw;
}

export function fixtureRaw(name: string): any {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));
}

export function keys(obj: object): string[] {
  return Object.keys(obj).sort();
}

/** Asserts that every key of `model` is present in `actual` with the same JSON type. */
export function expectSameShape(
  actual: any,
  model: any,
  ignore: string[] = [],
) {
  for (const key of Object.keys(model)) {
    if (ignore.includes(key)) continue;
    expect({ key, present: key in actual }).toEqual({ key, present: true });
    const t = (v: unknown) => {
      if (v === null) return 'null';
      return Array.isArray(v) ? 'array' : typeof v;
    };
    if (model[key] !== null) {
      expect({ key, type: t(actual[key]) }).toEqual({
        key,
        type: t(model[key]),
      });
    }
  }
}

export function emulator(options: EmulatorOptions = {}) {
  return createEmulator({ publicUrl: 'http://ado.test', ...options });
}

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: any;
  at: number;
}

/** A local webhook receiver answering with scripted status codes (then 200). */
export async function startSubscriber() {
  const received: Received[] = [];
  const statuses: number[] = [];
  let fallback = 200;
  const app = express();
  app.use(express.json({ type: () => true }));
  app.post('/hook', (req, res) => {
    received.push({ headers: req.headers, body: req.body, at: Date.now() });
    res.status(statuses.length > 0 ? statuses.shift()! : fallback).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Next answers, in order. */
    respondWith: (...codes: number[]) => statuses.push(...codes),
    /** Answer after the scripted ones run out. */
    setDefault: (code: number) => {
      fallback = code;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` stops throwing. */
export async function eventually(
  check: () => void | Promise<void>,
  timeoutMs = 5000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise(r => setTimeout(r, 10));
    }
  }
}
