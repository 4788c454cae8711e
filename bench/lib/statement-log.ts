/**
 * Issue 14: the statements a Kestrel request sends, as PostgreSQL logged them
 * (`log_min_duration_statement = 0`; the embedded server's stderr reaches Kestrel's log at
 * LOG_LEVEL=debug), so a bench can run exactly those statements without Kestrel.
 */
export interface LoggedStatement {
  /** The text as sent: a simple-protocol text (several statements) or one parameterised statement. */
  text: string;
  /** The parameters of a parameterised statement, as text (null for NULL); none for a simple-protocol text. */
  values: (string | null)[];
}

/** The statements logged in `output` (Kestrel's log lines), with their parameters, in order. */
export function loggedStatements(output: string): LoggedStatement[] {
  // PostgreSQL's stderr reaches the server's log in chunks (one JSON line each): join them, then
  // split at each entry's prefix ("2026-12-02 23:40:07.382 UTC [20417] ").
  const chunks = output
    .split('\n')
    .filter((line) => line.includes('"component":"postgres"'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg)
    .join('\n');
  const out: LoggedStatement[] = [];
  let current: LoggedStatement | null = null;
  for (const entry of chunks.split(/\n?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \[\d+\] /)) {
    const detail = /^DETAIL: {2}Parameters: ([\s\S]*)$/.exec(entry);
    if (!detail) {
      // Only executions count; a parse or bind entry (and its parameters) is not a round trip of its own.
      const statement = /^LOG: {2}duration: [\d.]+ ms {2}(?:execute [^:]+|statement): ([\s\S]*)$/.exec(entry);
      current = statement ? { text: statement[1]!.trim(), values: [] } : null;
      if (current) out.push(current);
    } else if (current) current.values = [...detail[1]!.matchAll(/\$\d+ = (?:'((?:[^']|'')*)'|NULL)/g)].map((v) => (v[1] === undefined ? null : v[1].replace(/''/g, "'")));
  }
  return out;
}

const PREPARE = /PREPARE (\w+) AS ([^;]+); /g;

/**
 * A simple-protocol text without the `PREPARE name AS …;` it carries on a connection's first use
 * (src/server/platform/db/tenant.ts prepares once per connection), and those PREPAREs by name: a
 * replay prepares them once per connection too and sends the rest, as Kestrel does from then on.
 */
export function withoutPrepares(text: string): { text: string; prepares: Record<string, string> } {
  const prepares: Record<string, string> = {};
  for (const m of text.matchAll(PREPARE)) prepares[m[1]!] = `PREPARE ${m[1]} AS ${m[2]}`;
  return { text: text.replace(PREPARE, ''), prepares };
}
