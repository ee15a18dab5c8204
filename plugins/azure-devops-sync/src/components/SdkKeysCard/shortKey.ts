/** A key as people name it: its first eight characters, "a1b2c3d4…". */
export function shortKey(publicKey: string): string {
  return publicKey.length > 8 ? `${publicKey.slice(0, 8)}…` : publicKey;
}
