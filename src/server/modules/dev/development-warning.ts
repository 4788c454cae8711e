import { isIP } from 'node:net';
import type { Config } from '../../platform/config';

const loopbackHosts = new Set(['localhost', '::1', '[::1]']);

/** True when HOST keeps the server on this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  if (loopbackHosts.has(host.toLowerCase())) return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * SEC-1: development mode is for one person on their own machine. Listening on the network in it
 * is allowed (a LAN demo, a container) but must not pass unnoticed: what it exposes is said at
 * start, in words, on the console. Null when there is nothing to say.
 */
export function developmentExposureWarning(config: Config): string | null {
  if (config.NODE_ENV !== 'development' || isLoopbackHost(config.HOST)) return null;
  const mailbox = config.DEV_MAILBOX_REMOTE
    ? 'DEV_MAILBOX_REMOTE=true: the development mailbox, which holds every sign-in code, reset link and invitation, answers anyone on the network who signs in as the operator;'
    : 'the development mailbox (every sign-in code, reset link and invitation) stays readable only from this machine, by the operator;';
  return [
    '',
    '  ************************************************************************************',
    `  WARNING: Kestrel is in DEVELOPMENT mode and listens on ${config.HOST}, reachable from the network.`,
    '  Development mode is for trying Kestrel on your own machine:',
    '   - emails are not sent but kept in the development mailbox;',
    `   - ${mailbox}`,
    ...(config.demoWorkspace ? ['   - a demo owner account exists, its password printed above and kept in DATA_DIR;'] : []),
    '   - secrets that were not configured are generated into DATA_DIR.',
    '  To run Kestrel for a team set NODE_ENV=production (see "Run it for your team" in README.md),',
    '  or set HOST=127.0.0.1 to keep it on this machine.',
    '  ************************************************************************************',
    '',
  ].join('\n');
}
