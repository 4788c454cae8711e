/** What other modules use of saved views: finding a view the caller may see and compiling it to a query. */
export { prepareView } from './compile-view';
export { findVisibleView } from './saved-views/present';
