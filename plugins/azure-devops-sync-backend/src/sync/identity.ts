/**
 * The e-mail of an ADO identity as service hooks send it: `"Name <email>"` strings in
 * resourceVersion 1.0 payloads, or IdentityRef objects (`uniqueName` / `mailAddress`) elsewhere.
 * Returns undefined when there is no parsable address.
 */
export function identityEmail(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const match = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value.trim());
    if (match) return match[1].toLowerCase();
    return /^[^<>\s]+@[^<>\s]+$/.test(value.trim())
      ? value.trim().toLowerCase()
      : undefined;
  }
  if (value && typeof value === 'object') {
    const ref = value as Record<string, unknown>;
    for (const key of ['mailAddress', 'uniqueName', 'name']) {
      const email = identityEmail(ref[key]);
      if (email) return email;
    }
  }
  return undefined;
}

/**
 * The display name of an ADO identity: the name part of `"Name <email>"`, or an IdentityRef's
 * `displayName`. Undefined for a bare address or nothing usable.
 */
export function identityDisplayName(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const match = /^(.*?)\s*<[^<>]*>\s*$/.exec(value.trim());
    const name = match ? match[1].trim() : '';
    return name || undefined;
  }
  if (value && typeof value === 'object') {
    const ref = value as Record<string, unknown>;
    if (typeof ref.displayName === 'string' && ref.displayName.trim())
      return ref.displayName.trim();
    return identityDisplayName(ref.name);
  }
  return undefined;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The reference's comment body, with the text HTML-escaped (ADO renders History as HTML). */
export function outboundCommentBody(authorName: string, text: string): string {
  const escape = (s: string) => s.replace(/[&<>"']/g, c => HTML_ESCAPES[c]);
  return `${escape(authorName)} wrote:\n\n<blockquote>${escape(
    text,
  )}</blockquote>`;
}

/**
 * Every name an ADO identity goes by, lower-case, most specific first: what a people mapping
 * may name (`uniqueName`, which is a UPN or `DOMAIN\user` as often as an e-mail, and the
 * e-mail). `"Name <x>"` strings give `x` whether or not it is an e-mail address.
 */
export function identityKeys(value: unknown): string[] {
  const keys: string[] = [];
  const add = (key: unknown) => {
    if (typeof key !== 'string') return;
    const trimmed = key.trim().toLowerCase();
    if (trimmed && !keys.includes(trimmed)) keys.push(trimmed);
  };
  if (typeof value === 'string') {
    const match = /<([^<>]+)>\s*$/.exec(value.trim());
    add(match ? match[1] : value);
  } else if (value && typeof value === 'object') {
    const ref = value as Record<string, unknown>;
    add(ref.uniqueName);
    add(ref.mailAddress);
    if (typeof ref.name === 'string') keys.push(...identityKeys(ref.name));
  }
  add(identityEmail(value));
  return [...new Set(keys)];
}

/**
 * The one name an ADO identity is shown and compared by: its lower-case e-mail, else the first
 * name ADO knows it by (a UPN or `DOMAIN\user`); undefined when it has neither.
 */
export function identityName(value: unknown): string | undefined {
  return identityEmail(value) ?? identityKeys(value)[0];
}
