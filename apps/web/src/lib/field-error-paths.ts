/*
 * Server 400s name each bad field by its dotted path in the request ("training.steps", "datasetParams.fonts.2",
 * "name"); the launch form shows each message next to the field it belongs to, and only what belongs to no field
 * (the body as a whole, the team, an unknown key) in the banner.
 */

/** One issue of a 400 answer, as `fieldIssues` in @seqlab/contracts writes it. */
export interface PathIssue {
  path: string;
  message: string;
}

/** Issues sorted onto the form's fields, and those that belong to none. */
export interface PlacedIssues {
  /** Message per field id; several issues on one field are joined. */
  fieldErrors: Record<string, string>;
  unplaced: PathIssue[];
}

/**
 * The form field an issue path belongs to: the field itself, or the longest field whose path is a dotted prefix of
 * it (an array item "datasetParams.fonts.2" belongs to "datasetParams.fonts"). Null when no field matches.
 */
export function fieldForPath(path: string, fieldIds: readonly string[]): string | null {
  let best: string | null = null;
  for (const id of fieldIds) {
    if ((path === id || path.startsWith(`${id}.`)) && (best === null || id.length > best.length)) best = id;
  }
  return best;
}

/** Sorts a 400's issues onto `fieldIds` (the form's field paths); see {@link fieldForPath}. */
export function placeIssues(issues: readonly PathIssue[], fieldIds: readonly string[]): PlacedIssues {
  const placed: PlacedIssues = { fieldErrors: {}, unplaced: [] };
  for (const issue of issues) {
    const field = fieldForPath(issue.path, fieldIds);
    if (field === null) {
      placed.unplaced.push(issue);
      continue;
    }
    // An item's issue says which item: "fonts.2" is the third font.
    const item = issue.path.slice(field.length + 1);
    const message = item ? `${describeItem(item)}: ${issue.message}` : issue.message;
    const previous = placed.fieldErrors[field];
    if (previous === undefined) placed.fieldErrors[field] = message;
    else if (!previous.split("; ").includes(message)) placed.fieldErrors[field] = `${previous}; ${message}`;
  }
  return placed;
}

/** "2" -> "Item 3"; anything else as it is. */
function describeItem(rest: string): string {
  return /^\d+$/.test(rest) ? `Item ${Number(rest) + 1}` : rest;
}
