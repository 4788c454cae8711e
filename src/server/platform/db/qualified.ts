import { sql, type SQL } from 'drizzle-orm';

/**
 * A fragment that keeps its columns qualified by their table's name wherever it is used. Drizzle
 * writes the columns of a selected `sql` as bare names when the query reads one table (`"email"`,
 * not `"contacts"."email"`), which changes the meaning of a correlated subquery: inside
 * `(SELECT … FROM users WHERE "id" = "added_by")` a bare name is looked up in the subquery's own
 * table first. Drizzle leaves a nested fragment as it is, so nesting the fragment keeps it right.
 */
export const qualified = <T>(fragment: SQL): SQL<T> => sql<T>`${fragment}`;
