import { AdoError, RuleError, ruleValidation } from '../util/errors';
import { nowIso } from './clock';
import { EmulatorState } from './EmulatorState';
import { canonicalField, fieldName, READ_ONLY_FIELDS } from './fieldNames';
import { Fields, Identity, Organization, Project, WorkItem } from './model';

/** One JSON Patch operation as the work item API takes it. */
export interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string | null;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function invalidPatch(message: string): AdoError {
  return new AdoError(400, 'InvalidPatchOperationException', message, 3000);
}

/** Checks the body is a JSON Patch array and normalises field paths. */
export function parsePatch(body: unknown): PatchOp[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new AdoError(
      400,
      'VssPropertyValidationException',
      'You must pass a valid patch document in the body of the request.',
    );
  }
  return body.map((raw: any) => {
    if (!raw || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw invalidPatch('Each patch operation needs an op and a path.');
    }
    const op = raw.op.toLowerCase();
    if (!['add', 'replace', 'remove', 'test'].includes(op)) {
      throw invalidPatch(`The patch operation '${raw.op}' is not supported.`);
    }
    return { op, path: raw.path, value: raw.value, from: raw.from };
  });
}

/** Reads a value written to an identity field: an e-mail, `Name <email>` or an IdentityRef-like object. */
function identityValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    return (v.uniqueName ?? v.mailAddress ?? v.id ?? v.displayName) as
      | string
      | undefined;
  }
  return undefined;
}

interface ApplyContext {
  state: EmulatorState;
  org: Organization;
  project: Project;
  type: string;
  by: Identity;
  creating: boolean;
}

/**
 * Applies field operations to a copy of `fields` and validates the result
 * against the process rules. Returns the new fields and the comment text if
 * System.History was written.
 */
function applyFieldOps(
  ctx: ApplyContext,
  current: Fields,
  ops: PatchOp[],
  currentRev: number,
): { fields: Fields; comment?: string; relations: unknown[] } {
  const fields = clone(current);
  const relations: unknown[] = [];
  const errors: RuleError[] = [];
  let comment: string | undefined;

  for (const op of ops) {
    if (op.path === '/rev' || op.path === '/rev/') {
      if (op.op === 'test' && Number(op.value) !== currentRev) {
        throw new AdoError(
          412,
          'WorkItemRevisionMismatchException',
          `TF26071: This work item has been changed by someone else since you opened it. You will need to refresh it and discard your changes. Expected revision ${op.value}, current revision ${currentRev}.`,
          3200,
        );
      }
      continue;
    }
    if (op.path.startsWith('/relations')) {
      if (op.op === 'add') relations.push(op.value);
      continue;
    }
    const m = /^\/fields\/(.+)$/.exec(op.path);
    if (!m) throw invalidPatch(`The path '${op.path}' is not supported.`);
    const ref = canonicalField(decodeURIComponent(m[1]));
    if (op.op === 'test') {
      if (JSON.stringify(fields[ref]) !== JSON.stringify(op.value)) {
        throw new AdoError(
          412,
          'TestPatchOperationFailedException',
          `Test patch operation failed for ${op.path}.`,
        );
      }
      continue;
    }
    if (READ_ONLY_FIELDS.has(ref)) {
      errors.push({
        field: ref,
        flags: 'readOnly',
        message: `TF401320: Rule Error for field ${fieldName(
          ref,
        )}. Error code: ReadOnly.`,
      });
      continue;
    }
    if (op.op === 'remove') {
      delete fields[ref];
      continue;
    }
    if (ref === 'System.History') {
      const text =
        op.value === null || op.value === undefined ? '' : String(op.value);
      if (text.trim() !== '') comment = text;
      continue;
    }
    if (ref === 'System.AssignedTo' && op.value !== null && op.value !== '') {
      const raw = identityValue(op.value);
      const identity = raw ? ctx.state.findIdentity(raw) : undefined;
      if (!identity || !identity.orgs.has(ctx.org.name.toLowerCase())) {
        errors.push({
          field: ref,
          flags: 'hasValues, limitedToValues, allowsOldValue, invalidIdentity',
          message: `TF401320: Rule Error for field Assigned To. Error code: HasValues, LimitedToValues, AllowsOldValue, InvalidIdentity. The identity value '${raw}' is unknown.`,
        });
        continue;
      }
      fields[ref] = identity.email;
      continue;
    }
    if (op.value === null || op.value === '') delete fields[ref];
    else fields[ref] = op.value;
  }

  const title = fields['System.Title'];
  if (typeof title !== 'string' || title.trim() === '') {
    errors.push({
      field: 'System.Title',
      flags: 'required, invalidEmpty',
      message:
        'TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.',
    });
  }
  const wit = ctx.state.workItemType(ctx.org, ctx.project, ctx.type)!;
  const state = fields['System.State'];
  if (!wit.states.some(s => s.name === state)) {
    errors.push({
      field: 'System.State',
      flags:
        'required, hasValues, limitedToValues, allowsOldValue, invalidListValue',
      message: `TF401320: Rule Error for field State. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidListValue. '${state}' is not a state of ${wit.name}.`,
    });
  }
  for (const ref of ['System.AreaPath', 'System.IterationPath']) {
    const path = String(fields[ref] ?? '');
    const root = path.split('\\')[0];
    if (root.toLowerCase() !== ctx.project.name.toLowerCase()) {
      errors.push({
        field: ref,
        flags: 'invalidPath',
        message: `TF401347: Invalid tree name given for work item, field '${fieldName(
          ref,
        )}'.`,
      });
    }
  }
  if (errors.length > 0) throw ruleValidation(errors);
  return { fields, comment, relations };
}

/** System fields that follow a state change (Reason, StateChangeDate, Activated/Resolved/Closed). */
function applyStateRules(
  ctx: ApplyContext,
  before: Fields,
  fields: Fields,
  explicitReason: boolean,
  now: string,
): void {
  const oldState = before['System.State'];
  const newState = fields['System.State'];
  if (oldState === newState) return;
  const wit = ctx.state.workItemType(ctx.org, ctx.project, ctx.type)!;
  const def = wit.states.find(s => s.name === newState)!;
  if (!explicitReason) fields['System.Reason'] = def.reason ?? newState;
  fields['Microsoft.VSTS.Common.StateChangeDate'] = now;
  const stamp = (date: string, by: string, on: boolean) => {
    if (on) {
      fields[date] = now;
      fields[by] = ctx.by.email;
    } else {
      delete fields[date];
      delete fields[by];
    }
  };
  const cat = def.category;
  if (cat === 'InProgress' || cat === 'Resolved' || cat === 'Completed') {
    if (!fields['Microsoft.VSTS.Common.ActivatedDate']) {
      stamp(
        'Microsoft.VSTS.Common.ActivatedDate',
        'Microsoft.VSTS.Common.ActivatedBy',
        true,
      );
    }
  } else {
    stamp(
      'Microsoft.VSTS.Common.ActivatedDate',
      'Microsoft.VSTS.Common.ActivatedBy',
      false,
    );
  }
  if (cat === 'Resolved') {
    stamp(
      'Microsoft.VSTS.Common.ResolvedDate',
      'Microsoft.VSTS.Common.ResolvedBy',
      true,
    );
  } else if (cat !== 'Completed') {
    stamp(
      'Microsoft.VSTS.Common.ResolvedDate',
      'Microsoft.VSTS.Common.ResolvedBy',
      false,
    );
  }
  stamp(
    'Microsoft.VSTS.Common.ClosedDate',
    'Microsoft.VSTS.Common.ClosedBy',
    cat === 'Completed',
  );
}

function addComment(
  wi: WorkItem,
  fields: Fields,
  text: string,
  by: Identity,
  now: string,
) {
  const id = wi.comments.reduce((m, c) => Math.max(m, c.id), 0) + 1;
  wi.comments.push({
    id,
    version: 1,
    text,
    createdBy: by.email,
    createdDate: now,
    modifiedBy: by.email,
    modifiedDate: now,
  });
  fields['System.History'] = text;
  fields['System.CommentCount'] = wi.comments.length;
}

export interface ChangeOptions {
  /** Do not notify service hooks (seeding). */
  quiet?: boolean;
}

/** Creates a work item (the REST `PATCH {project}/_apis/wit/workitems/$Type`). */
export function createWorkItem(
  state: EmulatorState,
  org: Organization,
  project: Project,
  typeName: string,
  ops: PatchOp[],
  by: Identity,
  options: ChangeOptions = {},
): WorkItem {
  const wit = state.workItemType(org, project, typeName);
  if (!wit) throw workItemTypeNotFound(typeName, project.name);
  const ctx: ApplyContext = {
    state,
    org,
    project,
    type: wit.name,
    by,
    creating: true,
  };
  const now = nowIso();
  const initial = wit.states[0];
  const defaults: Fields = {
    'System.AreaPath': project.name,
    'System.TeamProject': project.name,
    'System.IterationPath': project.name,
    'System.WorkItemType': wit.name,
    'System.State': initial.name,
    'System.Reason': initial.reason ?? initial.name,
    'System.CreatedDate': now,
    'System.CreatedBy': by.email,
    'System.ChangedDate': now,
    'System.ChangedBy': by.email,
    'System.AuthorizedDate': now,
    'System.AuthorizedAs': by.email,
    'System.CommentCount': 0,
    'Microsoft.VSTS.Common.StateChangeDate': now,
    'Microsoft.VSTS.Common.Priority': 2,
  };
  const { fields, comment, relations } = applyFieldOps(ctx, defaults, ops, 0);
  fields['System.TeamProject'] = project.name;
  fields['System.WorkItemType'] = wit.name;
  const explicitReason = ops.some(o =>
    /\/fields\/System\.Reason$/i.test(o.path),
  );
  if (fields['System.State'] !== initial.name) {
    applyStateRules(
      ctx,
      { 'System.State': initial.name },
      fields,
      explicitReason,
      now,
    );
  }
  const wi: WorkItem = {
    id: org.nextWorkItemId++,
    projectId: project.id,
    rev: 1,
    updateCount: 1,
    watermark: ++org.watermark,
    fields,
    comments: [],
    relations,
    deleted: false,
  };
  if (comment) addComment(wi, wi.fields, comment, by, now);
  org.workItems.set(wi.id, wi);
  if (!options.quiet) {
    state.emit({
      kind: 'created',
      org,
      after: clone(wi),
      by,
      comment,
      at: now,
    });
  }
  return wi;
}

/** Updates a work item (the REST `PATCH _apis/wit/workitems/{id}`). */
export function updateWorkItem(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  ops: PatchOp[],
  by: Identity,
  options: ChangeOptions = {},
): WorkItem {
  const project = org.projects.find(p => p.id === wi.projectId)!;
  const type = String(wi.fields['System.WorkItemType']);
  if (ops.some(o => /^\/fields\/System\.WorkItemType$/i.test(o.path))) {
    throw ruleValidation([
      {
        field: 'System.WorkItemType',
        flags: 'readOnly',
        message:
          'TF401320: Rule Error for field Work Item Type. Error code: ReadOnly.',
      },
    ]);
  }
  const ctx: ApplyContext = { state, org, project, type, by, creating: false };
  const before = clone(wi);
  const { fields, comment, relations } = applyFieldOps(
    ctx,
    wi.fields,
    ops,
    wi.rev,
  );
  const now = nowIso();
  const explicitReason = ops.some(o =>
    /\/fields\/System\.Reason$/i.test(o.path),
  );
  applyStateRules(ctx, wi.fields, fields, explicitReason, now);

  const changed =
    comment !== undefined ||
    relations.length > 0 ||
    JSON.stringify(fields) !== JSON.stringify(wi.fields);
  if (!changed) return wi;

  fields['System.ChangedDate'] = now;
  fields['System.ChangedBy'] = by.email;
  fields['System.AuthorizedDate'] = now;
  fields['System.AuthorizedAs'] = by.email;
  if (comment === undefined) {
    // History is write-only per revision; keep showing the latest comment.
    if (wi.fields['System.History'])
      fields['System.History'] = wi.fields['System.History'];
  }
  wi.fields = fields;
  wi.relations.push(...relations);
  if (comment) addComment(wi, wi.fields, comment, by, now);
  wi.rev += 1;
  wi.updateCount += 1;
  wi.watermark = ++org.watermark;
  if (!options.quiet) {
    state.emit({
      kind: 'updated',
      org,
      before,
      after: clone(wi),
      by,
      comment,
      at: now,
    });
  }
  return wi;
}

/** Deletes (recycles) a work item. */
export function deleteWorkItem(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  by: Identity,
): WorkItem {
  return setDeleted(state, org, wi, by, true);
}

/**
 * Restores a recycled work item (ADO's recycle bin restore): a new revision, delivered as
 * `workitem.restored` with the whole item.
 */
export function restoreWorkItem(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  by: Identity,
): WorkItem {
  return setDeleted(state, org, wi, by, false);
}

/** Moves a work item into or out of the recycle bin as a new revision, and says so. */
function setDeleted(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  by: Identity,
  deleted: boolean,
): WorkItem {
  const now = nowIso();
  const before = clone(wi);
  wi.deleted = deleted;
  wi.rev += 1;
  wi.updateCount += 1;
  wi.watermark = ++org.watermark;
  wi.fields['System.ChangedDate'] = now;
  wi.fields['System.ChangedBy'] = by.email;
  state.emit({
    kind: deleted ? 'deleted' : 'restored',
    org,
    before,
    after: clone(wi),
    by,
    at: now,
  });
  return wi;
}

export function workItemTypeNotFound(type: string, project: string): AdoError {
  return new AdoError(
    404,
    'WorkItemTypeNotFoundException',
    `VS402323: Work item type ${type} does not exist in project ${project} or you do not have permission to access it.`,
    3200,
  );
}

/** Turns a `{ref: value}` map into add/remove ops (admin edits, seeding). */
export function fieldsToOps(fields: Record<string, unknown>): PatchOp[] {
  return Object.entries(fields).map(([ref, value]) =>
    value === null
      ? { op: 'remove', path: `/fields/${ref}` }
      : { op: 'add', path: `/fields/${ref}`, value },
  );
}
