import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { assertReplicable, parseTableName, type TableInfo } from './catalog.js';
import { checkName } from './names.js';
import { checkWalLevel } from './setup.js';
import { assertSlotUsable, slotStateFromRow } from './slot-state.js';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    return isStranglerError(error) ? error.code : 'not a StranglerError';
  }
  return undefined;
}

const info = (replicaIdentity: 'd' | 'n' | 'f' | 'i', primaryKey: string[]): TableInfo => ({
  relation: {
    oid: 1,
    schema: 'public',
    table: 'items',
    replicaIdentity,
    columns: [{ name: 'id', typeOid: 23, isKey: primaryKey.length > 0 }],
  },
  primaryKey,
  snapshotKey: primaryKey,
  partitioned: false,
});

describe('source checks', () => {
  it('accepts wal_level logical only, and says how to fix the others', () => {
    expect(codeOf(() => checkWalLevel('logical'))).toBeUndefined();
    expect(codeOf(() => checkWalLevel(' LOGICAL '))).toBeUndefined();
    expect(codeOf(() => checkWalLevel('replica'))).toBe('SYNC_WAL_LEVEL');
    expect(codeOf(() => checkWalLevel('minimal'))).toBe('SYNC_WAL_LEVEL');
    expect(() => checkWalLevel('replica')).toThrow(/ALTER SYSTEM SET wal_level = logical.*restart/);
  });

  it('needs a primary key or a replica identity', () => {
    expect(codeOf(() => assertReplicable(info('d', ['id'])))).toBeUndefined();
    expect(codeOf(() => assertReplicable(info('f', [])))).toBeUndefined();
    expect(codeOf(() => assertReplicable(info('d', [])))).toBe('SYNC_NO_PRIMARY_KEY');
    expect(codeOf(() => assertReplicable(info('n', ['id'])))).toBe('SYNC_NO_PRIMARY_KEY');
    expect(() => assertReplicable(info('d', []))).toThrow(/REPLICA IDENTITY FULL/);
  });

  it('reads slot rows of any version and rejects unusable slots', () => {
    const base = {
      slot_name: 's',
      plugin: 'pgoutput',
      database: 'db',
      active: false,
      confirmed_flush_lsn: '0/16B3748',
      wal_status: 'reserved',
    };
    const ok = slotStateFromRow('s', base);
    expect(ok).toMatchObject({ exists: true, confirmedFlushLsn: 0x16b3748n, active: false });
    expect(codeOf(() => assertSlotUsable(ok, 'db'))).toBeUndefined();
    expect(codeOf(() => assertSlotUsable(slotStateFromRow('s', undefined)))).toBe('SYNC_SLOT_MISSING');
    expect(codeOf(() => assertSlotUsable(slotStateFromRow('s', { ...base, active: true, active_pid: 321 })))).toBe('SYNC_SLOT_IN_USE');
    expect(() => assertSlotUsable(slotStateFromRow('s', { ...base, active: true, active_pid: 321 }))).toThrow(/321/);
    expect(codeOf(() => assertSlotUsable(slotStateFromRow('s', { ...base, wal_status: 'lost' })))).toBe('SYNC_SLOT_INVALIDATED');
    expect(codeOf(() => assertSlotUsable(slotStateFromRow('s', { ...base, conflicting: true })))).toBe('SYNC_SLOT_INVALIDATED');
    expect(codeOf(() => assertSlotUsable(slotStateFromRow('s', { ...base, invalidation_reason: 'wal_removed' })))).toBe(
      'SYNC_SLOT_INVALIDATED',
    );
    expect(codeOf(() => assertSlotUsable(slotStateFromRow('s', { ...base, plugin: 'wal2json' })))).toBe('SYNC_SLOT_WRONG_PLUGIN');
    expect(codeOf(() => assertSlotUsable(ok, 'other'))).toBe('SYNC_SLOT_WRONG_DATABASE');
  });

  it('parses table names and accepts only plain slot names', () => {
    expect(parseTableName('orders')).toEqual({ schema: 'public', table: 'orders' });
    expect(parseTableName('sales.orders')).toEqual({ schema: 'sales', table: 'orders' });
    expect(codeOf(() => parseTableName('a.b.c'))).toBe('SYNC_BAD_TABLE_NAME');
    expect(codeOf(() => checkName('slot', 'strangler_orders'))).toBeUndefined();
    expect(codeOf(() => checkName('slot', 'Bad-Name'))).toBe('SYNC_BAD_NAME');
  });
});
