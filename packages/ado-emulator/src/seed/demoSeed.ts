import { readFileSync } from 'fs';
import { EmulatorSeed } from '../types';
import demoJson from '../../seed/demo.json';

/** Reads a seed file (JSON). */
export function loadSeed(path: string): EmulatorSeed {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The demo data (seed/demo.json): orgs fabrikam and contoso, PAT `demo-pat`. */
export const demoSeed: EmulatorSeed = demoJson as unknown as EmulatorSeed;
