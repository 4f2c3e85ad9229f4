import { ColossusError } from './errors';

/**
 * Where the synthesized stacks will run:
 * - aws: the real cloud (the default);
 * - offline: plan with no credentials and no network: placeholder credentials, every AWS
 *   lookup skipped, local empty state, upstream outputs replaced by placeholders;
 * - emulator: a local AWS API emulator at `endpoint`.
 */
export type Target =
  { readonly kind: 'aws' } | { readonly kind: 'offline' } | { readonly kind: 'emulator'; readonly endpoint: string };

export const TARGET_KINDS = ['aws', 'offline', 'emulator'] as const;

/** Reads COLOSSUS_TARGET (and COLOSSUS_EMULATOR_ENDPOINT for the emulator). */
export function parseTarget(kind: string | undefined, endpoint: string | undefined): Target {
  const value = kind?.trim() || 'aws';
  switch (value) {
    case 'aws':
    case 'offline':
      return { kind: value };
    case 'emulator': {
      if (!endpoint || !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpoint)) {
        throw new ColossusError('invalid target', [
          `COLOSSUS_EMULATOR_ENDPOINT: must be the emulator's base URL, such as http://127.0.0.1:5000, when COLOSSUS_TARGET=emulator (got ${JSON.stringify(endpoint ?? '')})`,
        ]);
      }
      return { kind: 'emulator', endpoint: endpoint.replace(/\/$/, '') };
    }
    default:
      throw new ColossusError('invalid target', [
        `COLOSSUS_TARGET: must be one of ${TARGET_KINDS.join(', ')} (got ${JSON.stringify(value)})`,
      ]);
  }
}
