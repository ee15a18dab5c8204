import { createHash, randomUUID } from 'crypto';

/** A stable GUID derived from a string, so seeds without ids give the same ids every run. */
export function stableGuid(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) +
      hex.slice(18, 20),
    hex.slice(20, 32),
  ].join('-');
}

export function newGuid(): string {
  return randomUUID();
}

/** Graph subject descriptor for an AAD user: `aad.` + base64 of the origin id. */
export function aadDescriptor(id: string): string {
  return `aad.${Buffer.from(id).toString('base64').replace(/=+$/, '')}`;
}
