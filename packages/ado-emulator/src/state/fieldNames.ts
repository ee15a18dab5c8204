/** Display names of the fields the emulator knows (WIQL columns, rule error messages). */
export const FIELD_NAMES: Record<string, string> = {
  'System.Id': 'ID',
  'System.Rev': 'Rev',
  'System.Title': 'Title',
  'System.State': 'State',
  'System.Reason': 'Reason',
  'System.AssignedTo': 'Assigned To',
  'System.WorkItemType': 'Work Item Type',
  'System.TeamProject': 'Team Project',
  'System.AreaPath': 'Area Path',
  'System.IterationPath': 'Iteration Path',
  'System.CreatedDate': 'Created Date',
  'System.CreatedBy': 'Created By',
  'System.ChangedDate': 'Changed Date',
  'System.ChangedBy': 'Changed By',
  'System.Description': 'Description',
  'System.History': 'History',
  'System.Tags': 'Tags',
  'System.CommentCount': 'Comment Count',
  'Microsoft.VSTS.Common.Priority': 'Priority',
  'Microsoft.VSTS.Common.StateChangeDate': 'State Change Date',
  'Microsoft.VSTS.Common.ClosedDate': 'Closed Date',
  'Microsoft.VSTS.Common.ClosedBy': 'Closed By',
};

/** Fields callers may not set. */
export const READ_ONLY_FIELDS = new Set([
  'System.Id',
  'System.Rev',
  'System.Watermark',
  'System.CreatedDate',
  'System.ChangedDate',
  'System.ChangedBy',
  'System.AuthorizedDate',
  'System.RevisedDate',
  'System.AuthorizedAs',
  'System.CommentCount',
  'System.TeamProject',
]);

export function fieldName(ref: string): string {
  return FIELD_NAMES[ref] ?? ref.split('.').pop()!;
}

/** Canonical casing for a known field reference name. */
export function canonicalField(ref: string): string {
  const key = ref.toLowerCase();
  const known = [...Object.keys(FIELD_NAMES), ...READ_ONLY_FIELDS].find(
    k => k.toLowerCase() === key,
  );
  return known ?? ref;
}
