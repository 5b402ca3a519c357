import type { FaultRef } from './types';

/**
 * What a fault reference holds, without SDK clients (the report renderer and the simulated account
 * read it too); `faults.ts` re-exports it beside the calls that act on faults.
 */

/**
 * SSM SendCommand accepts at most this many `InstanceIds` per call (AWS's limit; its model's
 * InstanceIdList max). Larger target sets are sent in chunks, one command each.
 */
export const SSM_MAX_INSTANCE_IDS = 50;

/** Instance ids in chunks of at most {@link SSM_MAX_INSTANCE_IDS} (in order), one SendCommand each. */
export function instanceIdChunks(ids: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += SSM_MAX_INSTANCE_IDS)
    chunks.push(ids.slice(i, i + SSM_MAX_INSTANCE_IDS));
  return chunks;
}

/**
 * Every id a fault has: the FIS experiment id, or every SSM command id (one per chunk of at most 50
 * targets; `id` is the first). A reference without `commandIds` has just `id`.
 */
export function faultIds(fault: Pick<FaultRef, 'kind' | 'id' | 'commandIds'>): readonly string[] {
  return fault.kind === 'ssm' && fault.commandIds && fault.commandIds.length > 0
    ? fault.commandIds
    : [fault.id];
}

/** `FIS experiment EXP1`, `SSM command <id>` or `SSM commands <id>, <id>, <id>`. */
export function faultLabel(fault: Pick<FaultRef, 'kind' | 'id' | 'commandIds'>): string {
  if (fault.kind === 'fis') return `FIS experiment ${fault.id}`;
  const ids = faultIds(fault);
  return `SSM command${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`;
}
