import { expect } from 'vitest';

/**
 * INT-4: bodies of another shape for a webhook whose signature checks out. `envelope(data)` builds
 * the provider's envelope around a payload (its `data` / `object` / `payload`); each odd body is
 * signed and delivered by `send`, and every answer must be a 2xx (ignored) or a 4xx in the
 * standard error shape — never a 5xx. Answers the bodies that failed, with their answers, so a
 * failure names every shape at once.
 */
export const LONG = 'x'.repeat(10_000);

export function oddBodies(envelope: (payload: unknown) => unknown): [string, unknown][] {
  return [
    ['null', null],
    ['[]', []],
    ['"x"', 'x'],
    ['{}', {}],
    ['number', 5],
    ['payload a string', envelope('x')],
    ['payload a number', envelope(5)],
    ['payload an array', envelope([1, 2])],
    ['payload null', envelope(null)],
  ];
}

export async function expectNever500(bodies: [string, unknown][], send: (raw: string) => Promise<{ status: number; text: string }>): Promise<{ name: string; status: number }[]> {
  const answers: { name: string; status: number; text: string }[] = [];
  for (const [name, body] of bodies) {
    const raw = typeof body === 'string' && name.startsWith('raw:') ? body : JSON.stringify(body);
    const res = await send(raw);
    answers.push({ name, status: res.status, text: res.text });
  }
  const wrong = answers.filter((a) => {
    if (a.status >= 500) return true;
    if (a.status >= 400) {
      try {
        const e = (JSON.parse(a.text) as { error?: { code?: unknown; message?: unknown } }).error;
        return typeof e?.code !== 'string' || typeof e.message !== 'string';
      } catch {
        return true;
      }
    }
    return false;
  });
  expect(wrong.map((a) => ({ ...a, text: a.text.slice(0, 300) }))).toEqual([]);
  return answers.map(({ name, status }) => ({ name, status }));
}
