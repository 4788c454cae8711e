import { badRequest } from './errors';

/** Deeper than any request Kestrel understands (a view's filter groups nest a few levels). */
export const MAX_BODY_DEPTH = 32;

/**
 * Bad input: a JSON body nested thousands of levels deep (a filter group inside a group inside …,
 * well within the 1 MiB body limit) would exhaust the stack of the recursive schema check and
 * answer 500. Measured without recursion, stopping at the first node past the limit.
 */
export function checkBodyDepth(body: unknown, max = MAX_BODY_DEPTH): void {
  // Only parsed JSON: a raw upload (a Buffer or a stream) is not walked.
  if (!isJsonContainer(body)) return;
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) throw badRequest('body_too_deep', `The request nests objects and lists more than ${max} levels deep.`, { maxDepth: max });
    for (const child of Object.values(node as object)) if (isJsonContainer(child)) stack.push([child, depth + 1]);
  }
}

function isJsonContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
