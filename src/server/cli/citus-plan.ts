import pg from 'pg';
import { citusPlan, formatCitusPlan } from '../platform/db/citus-plan';
import { CliError, type Command } from './command';
import { withServices } from './platform';

/** OPS-2, OPS-3: how the live schema would be distributed on Citus, and what blocks it. */
export const citusPlanCommand: Command = {
  name: 'citus-plan',
  summary: 'Show how the database would be distributed by workspace on Citus, and what blocks it',
  help: `Usage: kestrel citus-plan [--sql]

Reads the live schema (after migrating it) and prints each table's place on Citus: distributed by
workspace_id, the tenant table itself (workspaces, by id), a reference table copied to every node,
or a table kept local on the coordinator; the co-located groups (distributed tables joined by
foreign keys, which must share shards); and everything that blocks distribution — a primary or
unique key or a foreign key of a tenant table that does not lead with workspace_id, a tenant table
pointing at a table that is neither distributed nor a reference table, a reference or local table
pointing at a distributed one, a table without workspace_id that is not named. Exits 1 when
anything blocks. See docs/scaling.md.

Options:
  --sql   also print the create_reference_table / create_distributed_table statements

Example:
  kestrel citus-plan --sql`,
  options: { sql: { type: 'boolean' } },
  async run(values, io) {
    const plan = await withServices(io, async (services) => {
      const client = new pg.Client({ connectionString: services.database.ownerUrl });
      await client.connect();
      try {
        return await citusPlan(client);
      } finally {
        await client.end();
      }
    });
    io.stdout.write(`${formatCitusPlan(plan, values.sql === true)}\n`);
    if (plan.blockers.length) throw new CliError(`${plan.blockers.length} thing${plan.blockers.length === 1 ? '' : 's'} block${plan.blockers.length === 1 ? 's' : ''} distribution by workspace_id (listed above).`);
  },
};
