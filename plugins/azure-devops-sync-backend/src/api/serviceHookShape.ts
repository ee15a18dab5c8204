/**
 * The delivery schemas of `serviceHook.ts`, as plain checks that answer only "passes": a
 * well-formed delivery (nearly every one) is then read without zod, which copies every object
 * of a passthrough schema (the whole 3 KB body) and took most of the webhook's own time. When a
 * check says no, the caller runs zod for its message, so the answers stay zod's. Each check
 * must accept no body its schema refuses; `serviceHook.test.ts` compares them on the samples.
 */

/** What zod calls an object: not null, not an array. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullish(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** `z.string().min(min).max(max)` */
function isString(value: unknown, min: number, max: number): boolean {
  return (
    typeof value === 'string' && value.length >= min && value.length <= max
  );
}

/** `resourceContainersSchema`. */
function resourceContainersPass(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { collection, project } = value;
  if (!isObject(collection) || !isString(collection.id, 1, 200)) return false;
  if (isNullish(project)) return true;
  return (
    isObject(project) && (isNullish(project.id) || isString(project.id, 0, 200))
  );
}

/** `identitySchema.nullish()`. */
function identityPasses(value: unknown): boolean {
  if (isNullish(value) || typeof value === 'string') return true;
  if (!isObject(value)) return false;
  for (const key of [
    'id',
    'displayName',
    'name',
    'uniqueName',
    'mailAddress',
  ]) {
    const field = value[key];
    if (!isNullish(field) && typeof field !== 'string') return false;
  }
  return true;
}

/** `z.record(z.string(), schema).optional()`: every value passes `each`. */
function optionalRecordPasses(
  value: unknown,
  each?: (field: unknown) => boolean,
): boolean {
  if (value === undefined) return true;
  if (!isObject(value)) return false;
  if (!each) return true;
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && !each(value[key]))
      return false;
  }
  return true;
}

/** `updatedPayloadSchema` (eventType already checked). */
export function updatedPayloadPasses(body: Record<string, unknown>): boolean {
  const { resource } = body;
  if (!resourceContainersPass(body.resourceContainers) || !isObject(resource))
    return false;
  if (!identityPasses(resource.revisedBy)) return false;
  // fieldChangeSchema: any object (oldValue and newValue are unknown).
  if (!optionalRecordPasses(resource.fields, isObject)) return false;
  const { revision } = resource;
  if (revision === undefined) return true;
  return isObject(revision) && optionalRecordPasses(revision.fields);
}

/** `workItemPayloadSchema` (eventType already checked). */
export function workItemPayloadPasses(body: Record<string, unknown>): boolean {
  const { resource } = body;
  return (
    resourceContainersPass(body.resourceContainers) &&
    isObject(resource) &&
    optionalRecordPasses(resource.fields)
  );
}
