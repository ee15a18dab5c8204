import express, { NextFunction, Request, Response, Router } from 'express';
import { adoErrorBody } from './util/errors';

/**
 * A failure for requests of one HTTP method: e.g. ADO refusing writes
 * (`PATCH`) while reads still work, which the `fail` knob (every method) cannot
 * express.
 */
export interface MethodFault {
  method: string;
  status: number;
  /** How many matching requests fail; every one until cleared when absent. */
  count?: number;
  /** Only requests whose path contains this string (case-insensitive) fail. */
  pathContains?: string;
}

interface ActiveFault extends MethodFault {
  failed: number;
}

function isFault(value: any): value is MethodFault {
  return (
    value &&
    typeof value.method === 'string' &&
    Number.isInteger(value.status) &&
    value.status >= 400 &&
    value.status <= 599 &&
    (value.count === undefined ||
      (Number.isInteger(value.count) && value.count >= 0)) &&
    (value.pathContains === undefined || typeof value.pathContains === 'string')
  );
}

/**
 * Per-method faults for non-admin requests. Admin API (no auth):
 * `GET /_admin/method-faults` lists them, `POST` adds one
 * (`{method, status, count?, pathContains?}`; one with the same method and
 * path replaces it), `DELETE` clears them; `POST /_admin/reset` clears them too.
 */
export class MethodFaults {
  private faults: ActiveFault[] = [];

  list(): Array<MethodFault & { failed: number }> {
    return this.faults.map(f => ({ ...f }));
  }

  add(fault: MethodFault): void {
    const method = fault.method.toUpperCase();
    this.faults = this.faults.filter(
      f => f.method !== method || f.pathContains !== fault.pathContains,
    );
    this.faults.push({ ...fault, method, failed: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Mounted at `/_admin`, before the other admin routes. */
  adminRoutes(): Router {
    const router = express.Router();
    router.use('/method-faults', express.json());
    router.get('/method-faults', (_req, res) => {
      res.json({ faults: this.list() });
    });
    router.post('/method-faults', (req: Request, res: Response) => {
      if (!isFault(req.body)) {
        res.status(400).json({
          message:
            'Expected {method, status (400-599), count? (integer >= 0), pathContains?}',
        });
        return;
      }
      this.add(req.body);
      res.json({ faults: this.list() });
    });
    router.delete('/method-faults', (_req, res) => {
      this.clear();
      res.status(204).end();
    });
    // A reset clears these as it clears the knobs, then the reset route runs.
    router.post('/reset', (_req, _res, next) => {
      this.clear();
      next();
    });
    return router;
  }

  /** For non-admin requests, after the knobs. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const path = req.originalUrl.toLowerCase();
      const fault = this.faults.find(
        f =>
          f.method === req.method &&
          (f.count === undefined || f.failed < f.count) &&
          (!f.pathContains || path.includes(f.pathContains.toLowerCase())),
      );
      if (!fault) {
        next();
        return;
      }
      fault.failed += 1;
      const message =
        fault.status === 503
          ? 'TF24668: The following team project collection is stopped: emulator. Start the collection and then try again.'
          : `VS800075: The emulator injected a failure with status ${fault.status} for ${req.method}.`;
      // Like the fail knob: ADO's error body with a UTF-8 BOM and no charset.
      res.setHeader('Content-Type', 'application/json');
      res
        .status(fault.status)
        .set('x-tfs-serviceerror', encodeURIComponent(message))
        .send(
          Buffer.from(
            `\ufeff${JSON.stringify(
              adoErrorBody('VssServiceException', message),
            )}`,
            'utf8',
          ),
        );
    };
  }
}
