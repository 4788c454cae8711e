/**
 * MAIL-2: a template's subject as a person reads it in a list: each merge field as its name in
 * brackets ("{{contact.firstName | \"friend\"}}" → "[first name]"), the way the editor's field list names it.
 */
export function readableMergeFields(text: string): string {
  return text.replace(/\{\{\s*([\w.]+)(?:\s*\|\s*"[^"]*")?\s*\}\}/g, (_m, path: string) => {
    const [scope, field = scope] = path.split('.');
    const words = field!.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
    return `[${scope === 'contact' || field === scope ? words : `${scope} ${words}`}]`;
  });
}
