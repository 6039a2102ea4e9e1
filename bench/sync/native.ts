/**
 * The reference: PostgreSQL's own logical replication (CREATE SUBSCRIPTION) from the source
 * database into another database of the same server. Within one cluster the slot must be
 * created separately (PostgreSQL docs, CREATE SUBSCRIPTION: creating the slot in the same
 * command would wait for its own transaction), so we create it first and pass create_slot = false.
 */
import type pg from 'pg';

export interface NativeReplication {
  enable(): Promise<void>;
  disable(): Promise<void>;
  drop(): Promise<void>;
}

export async function createNativeSubscription(options: {
  source: pg.Client;
  target: pg.Client;
  /** libpq connection string of the source database. */
  conninfo: string;
  publication: string;
  name: string;
  copyData: boolean;
}): Promise<NativeReplication> {
  const { source, target, name } = options;
  await source.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [name]);
  await target.query(
    `CREATE SUBSCRIPTION ${name} CONNECTION '${options.conninfo.replaceAll("'", "''")}' PUBLICATION ${options.publication}
     WITH (create_slot = false, slot_name = '${name}', copy_data = ${options.copyData ? 'true' : 'false'}, enabled = true)`,
  );
  const waitInactive = async (): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      const slot = await source.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [name]);
      if (slot.rows[0]?.active !== true) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    enable: async () => {
      await target.query(`ALTER SUBSCRIPTION ${name} ENABLE`);
    },
    disable: async () => {
      await target.query(`ALTER SUBSCRIPTION ${name} DISABLE`);
      await waitInactive();
    },
    drop: async () => {
      await target.query(`ALTER SUBSCRIPTION ${name} DISABLE`).catch(() => undefined);
      await waitInactive();
      await target.query(`ALTER SUBSCRIPTION ${name} SET (slot_name = NONE)`).catch(() => undefined);
      await target.query(`DROP SUBSCRIPTION IF EXISTS ${name}`).catch(() => undefined);
      await source
        .query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [name])
        .catch(() => undefined);
    },
  };
}
