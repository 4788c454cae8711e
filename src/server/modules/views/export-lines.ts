import { sql, type SQL } from 'drizzle-orm';
import { users } from '../accounts/accounts.schema';
import type { RecordType } from '../crm/crm.contract';
import { activityLinks } from '../activities/activities.schema';
import { companies, contacts, pipelines, pipelineStages, recordTags, tags } from '../crm/crm.schema';
import type { RecordTable, ServerField } from './fields';

/**
 * CRM-8: each exported row as one finished line of CSV or JSON, rendered by PostgreSQL. Node
 * only passes text along, so an export runs at the speed the database reads rows and memory
 * stays flat. The rules are those of csv.ts and presentRows (read-rows.ts): references by
 * label, tags joined with "; " (CSV) or as `{ id, name, color }` (JSON), formula cells
 * neutralised (`kestrel_csv_text`, export_cells migration).
 *
 * `exportQuery` reads values and labels as plain columns; `exportLine` renders them from that
 * sub-query, `s`, so the planner inlines kestrel_csv_text on plain columns rather than calling
 * it per cell.
 */

export type ExportFormat = 'csv' | 'json';

/** A referenced record's label, looked up in the row's own workspace (its tables have no self references). */
const ref = (table: RecordTable, target: ServerField['ref'], id: SQL): SQL => {
  if (target === 'companies') return sql`(SELECT ${companies.name} FROM ${companies} WHERE ${companies.workspaceId} = ${table.workspaceId} AND ${companies.id} = ${id})`;
  if (target === 'contacts') {
    return sql`(SELECT coalesce(nullif(concat_ws(' ', ${contacts.firstName}, ${contacts.lastName}), ''), ${contacts.email}::text, ${contacts.phone}, 'Unnamed contact') FROM ${contacts} WHERE ${contacts.workspaceId} = ${table.workspaceId} AND ${contacts.id} = ${id})`;
  }
  const t = target === 'pipelines' ? pipelines : pipelineStages;
  return sql`(SELECT ${t.name} FROM ${t} WHERE ${t.workspaceId} = ${table.workspaceId} AND ${t.id} = ${id})`;
};

function tagsOf(table: RecordTable, object: RecordType, format: ExportFormat): SQL {
  const from = sql`FROM ${recordTags} JOIN ${tags} ON ${tags.workspaceId} = ${recordTags.workspaceId} AND ${tags.id} = ${recordTags.tagId}
    WHERE ${recordTags.workspaceId} = ${table.workspaceId} AND ${recordTags.recordType} = ${object} AND ${recordTags.recordId} = ${table.id}`;
  return format === 'csv'
    ? sql`(SELECT string_agg(${tags.name}, '; ' ORDER BY ${tags.name}) ${from})`
    : sql`(SELECT json_agg(json_build_object('id', ${tags.id}, 'name', ${tags.name}, 'color', ${tags.color}) ORDER BY ${tags.name})::text ${from})`;
}

const iso = (v: SQL) => sql`to_char(${v} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A custom value for a CSV cell: lists joined the way csv.ts joins them, any other JSON value as its text. */
function customText(table: RecordTable, key: string): SQL {
  const json = sql`(${table.custom} -> ${key})`;
  return sql`(CASE jsonb_typeof(${json}) WHEN 'array' THEN (SELECT string_agg(e, '; ') FROM jsonb_array_elements_text(${json}) e) ELSE ${json} #>> '{}' END)`;
}

/**
 * The view's own query with `id`, then per column `v<i>` (value or id) and, for references,
 * `l<i>` (label). `bulk` is for exports of many rows: labels, tags and last activity come from
 * joins the planner can hash once (one pass over each table) instead of a look-up per row,
 * which for a million rows is minutes of random reads; a small export keeps the look-ups, which
 * touch only its own rows.
 */
export function exportQuery(
  view: { table: RecordTable; object: RecordType; where: SQL | undefined; orderBy: SQL[] },
  workspaceId: string,
  columns: ServerField[],
  format: ExportFormat,
  bulk: boolean,
): SQL {
  const { table, object } = view;
  const select: SQL[] = [sql`${table.id} AS id`];
  const joins: SQL[] = [];
  columns.forEach((f, i) => {
    const v = sql.raw(`v${i}`);
    const l = sql.raw(`l${i}`);
    if (f.kind === 'tags') {
      if (!bulk) select.push(sql`${tagsOf(table, object, format)} AS ${v}`);
      else {
        const agg = format === 'csv'
          ? sql`string_agg(${tags.name}, '; ' ORDER BY ${tags.name})`
          : sql`json_agg(json_build_object('id', ${tags.id}, 'name', ${tags.name}, 'color', ${tags.color}) ORDER BY ${tags.name})::text`;
        joins.push(sql`LEFT JOIN (SELECT ${recordTags.recordId} AS record_id, ${agg} AS tags FROM ${recordTags} JOIN ${tags} ON ${tags.workspaceId} = ${recordTags.workspaceId} AND ${tags.id} = ${recordTags.tagId}
          WHERE ${recordTags.workspaceId} = ${workspaceId} AND ${recordTags.recordType} = ${object} GROUP BY ${recordTags.recordId}) ${sql.raw(`x${i}`)} ON ${sql.raw(`x${i}`)}.record_id = ${table.id}`);
        select.push(sql`${sql.raw(`x${i}`)}.tags AS ${v}`);
      }
    } else if (f.kind === 'activity' && bulk) {
      joins.push(sql`LEFT JOIN (SELECT ${activityLinks.recordId} AS record_id, max(${activityLinks.occurredAt}) AS at FROM ${activityLinks}
        WHERE ${activityLinks.workspaceId} = ${workspaceId} AND ${activityLinks.recordType} = ${object} AND ${activityLinks.occurredAt} <= now() GROUP BY ${activityLinks.recordId}) ${sql.raw(`x${i}`)} ON ${sql.raw(`x${i}`)}.record_id = ${table.id}`);
      select.push(sql`${iso(sql.raw(`x${i}.at`))} AS ${v}`);
    } else if ((f.kind === 'user' || f.kind === 'ref') && f.value) {
      select.push(sql`${f.value} AS ${v}`);
      if (!bulk) select.push(sql`${f.kind === 'user' ? sql`(SELECT ${users.name} FROM ${users} WHERE ${users.id} = ${f.value})` : ref(table, f.ref, f.value)} AS ${l}`);
      else {
        const x = sql.raw(`x${i}`);
        const target = f.kind === 'user' ? sql`${users}` : sql`${{ companies, contacts, pipelines, stages: pipelineStages }[f.ref ?? 'companies']}`;
        const label = f.kind === 'user' || f.ref !== 'contacts'
          ? sql`${x}.name`
          : sql`coalesce(nullif(concat_ws(' ', ${x}.first_name, ${x}.last_name), ''), ${x}.email::text, ${x}.phone, 'Unnamed contact')`;
        const scope = f.kind === 'user' ? sql`` : sql`${x}.workspace_id = ${table.workspaceId} AND `;
        joins.push(sql`LEFT JOIN ${target} ${x} ON ${scope}${x}.id = ${f.value}`);
        select.push(sql`${label} AS ${l}`);
      }
    } else if (f.custom && format === 'csv') select.push(sql`${customText(table, f.custom.key)} AS ${v}`);
    else select.push(sql`${f.value ?? sql`NULL`} AS ${v}`);
  });
  const where = view.where ? sql`WHERE ${view.where}` : sql``;
  // OFFSET 0 keeps this a sub-query of its own, in its order, so the outer line is built from plain columns.
  return sql`SELECT ${sql.join(select, sql`, `)} FROM ${table} ${sql.join(joins, sql` `)} ${where} ORDER BY ${sql.join(view.orderBy, sql`, `)} OFFSET 0`;
}

/** Kinds whose text can never be read as a formula or need quoting. */
const safeKinds = new Set(['number', 'boolean', 'date', 'datetime', 'activity']);

function csvCell(f: ServerField, i: number): SQL {
  const v = sql.raw(`s.v${i}`);
  if (f.kind === 'user' || f.kind === 'ref') {
    return sql`CASE WHEN ${v} IS NULL THEN '' ELSE kestrel_csv_text(coalesce(${sql.raw(`s.l${i}`)}, ${f.kind === 'user' ? 'Former member' : 'Unknown'})) END`;
  }
  if (!f.custom && safeKinds.has(f.kind)) return sql`coalesce(${v}::text, '')`;
  return sql`kestrel_csv_text(${v}::text)`;
}

function jsonCell(f: ServerField, i: number): SQL {
  const v = sql.raw(`s.v${i}`);
  const key = sql`${`,${JSON.stringify(f.key)}:`}::text`;
  if (f.kind === 'tags') return sql`${key} || coalesce(${v}, '[]')`;
  if (f.kind === 'user' || f.kind === 'ref') {
    const label = sql`coalesce(${sql.raw(`s.l${i}`)}, ${f.kind === 'user' ? 'Former member' : 'Unknown'}::text)`;
    return sql`${key} || CASE WHEN ${v} IS NULL THEN 'null' ELSE json_build_object('id', ${v}, 'label', ${label})::text END`;
  }
  if (f.custom) return sql`${key} || coalesce(${v}::text, 'null')`;
  return sql`${key} || coalesce(to_json(${v})::text, 'null')`;
}

/** One line per row: a CSV record ending in CRLF, or a JSON object (the caller adds separators). */
export function exportLine(columns: ServerField[], format: ExportFormat): SQL {
  if (format === 'csv') {
    const cells = [sql`s.id::text`, ...columns.map((f, i) => csvCell(f, i))];
    return sql`${sql.join(cells, sql` || ',' || `)} || E'\\r\\n'`;
  }
  return sql`'{"id":"' || s.id::text || '"' ${sql.join(columns.map((f, i) => sql`|| ${jsonCell(f, i)}`), sql` `)} || '}'`;
}
