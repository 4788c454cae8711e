import type { RecordSelection } from '../views/selection';
import { BulkActionBar } from './BulkActionBar';

/** The `bulkActions` slot of the records table pages: the ticked rows, or the whole view when "all matching" is on. */
export function bulkActionsFor(selection: RecordSelection) {
  return (
    <BulkActionBar
      workspaceId={selection.workspaceId}
      object={selection.object}
      selection={selection.allMatching ? { kind: 'view', view: selection.view } : { kind: 'ids', ids: selection.ids }}
      count={selection.allMatching ? (selection.total?.count ?? null) : selection.ids.length}
      onDone={selection.clear}
    />
  );
}
