import { retentionCommand } from './cli/retention';
import { exportCommand } from './cli/export';
import { importCommand } from './cli/import';
import { citusPlanCommand } from './cli/citus-plan';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backupCommand, restoreCommand } from './cli/backup';
import { policyPublishCommand } from './cli/policy';
import { CliError, UsageError, parseCommandArgs, type CliIo, type Command } from './cli/command';
import { createUserCommand } from './cli/create-user';
import { createWorkspaceCommand } from './cli/create-workspace';
import { generateKeyCommand } from './cli/generate-key';
import { migrateCommand } from './cli/migrate';
import { rotateSecretsCommand } from './cli/rotate-secrets';
import { setOperatorCommand } from './cli/set-operator';
import { billingPlansCommand, billingSetPlanCommand } from './cli/billing';

/** OPS-3: the operator's command line. Exit codes: 0 done, 1 failed, 2 wrong usage. */
export const commands: Command[] = [migrateCommand, createUserCommand, setOperatorCommand, createWorkspaceCommand, rotateSecretsCommand, generateKeyCommand, billingPlansCommand, billingSetPlanCommand, backupCommand, restoreCommand, policyPublishCommand, importCommand, exportCommand, retentionCommand, citusPlanCommand];

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: kestrel <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "kestrel <command> --help" for a command\'s options.',
    'Settings come from the environment (and .env), as for the server: DATABASE_URL, DATA_DIR, KESTREL_SECRET_KEYS …',
  ].join('\n');
}

/** The command named by the leading words of argv, and the arguments after them. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

function unknownCommand(argv: string[]): UsageError {
  const group = commands.filter((c) => c.name.split(' ')[0] === argv[0] && c.name.includes(' '));
  if (group.length) {
    const what = argv[1] === undefined || argv[1].startsWith('-') ? `"kestrel ${argv[0]}" needs a subcommand` : `Unknown command "kestrel ${argv[0]} ${argv[1]}"`;
    return new UsageError(`${what}: ${group.map((c) => c.name.split(' ').slice(1).join(' ')).join(', ')}.`);
  }
  return new UsageError(`Unknown command "${argv[0]}".`);
}

/**
 * Runs one command and answers its exit code; never exits the process itself, so tests call
 * it in-process with their own environment and output collectors.
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const { env = process.env, stdout = process.stdout, stderr = process.stderr } = io;
  const full: CliIo = { env, stdout, stderr };
  try {
    if (!argv.length) throw new UsageError('Which command?');
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      stdout.write(`${overview()}\n`);
      return EXIT_OK;
    }
    const found = findCommand(argv);
    if (!found) throw unknownCommand(argv);
    const values = parseCommandArgs(found.command, found.rest);
    if (values.help) {
      stdout.write(`${found.command.help}\n`);
      return EXIT_OK;
    }
    await found.command.run(values, full);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`kestrel: ${error.message}\n${error.helpFor ? `Run "kestrel ${error.helpFor} --help" for its options.` : overview()}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof CliError) {
      stderr.write(`kestrel: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    stderr.write(`kestrel: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

const invokedDirectly = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  // Like the server, read .env first; tests call runCli with an explicit environment instead.
  await import('dotenv/config');
  const code = await runCli(process.argv.slice(2));
  // Explicitly: the exit code is the command's, whatever handles are still open.
  process.exit(code);
}
