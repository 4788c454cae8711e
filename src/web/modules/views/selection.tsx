import { createContext, useContext } from 'react';
import type { RecordType, ViewDefinition } from './api';

/**
 * The rows a person ticked in a table, for bulk actions (CRM-9). `allMatching` means "every
 * row of the view", not just the loaded ones: act on `view` (its filter) rather than on `ids`.
 */
export interface RecordSelection {
  object: RecordType;
  workspaceId: string;
  ids: string[];
  allMatching: boolean;
  /** The view on screen (object, filter, sort) — what "all matching" means. */
  view: ViewDefinition;
  /** Rows matching the view, when known (exact or estimated). */
  total: { count: number; exact: boolean } | null;
  clear: () => void;
}

export const SelectionContext = createContext<RecordSelection | null>(null);

/** Inside a records table page: what is selected. Null elsewhere. */
export function useRecordSelection(): RecordSelection | null {
  return useContext(SelectionContext);
}
