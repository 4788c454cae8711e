import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';

/** Where a command writes. Tests pass collectors; the real CLI passes process.stdout/stderr. */
export interface Output {
  write(chunk: string): unknown;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
}

type Options = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

export interface Command {
  /** The words that select it, e.g. `user create`. */
  name: string;
  summary: string;
  /** Full help: usage line, options, an example. */
  help: string;
  options: Options;
  run(values: OptionValues, io: CliIo): Promise<void>;
}

/** Wrong arguments: exit code 2, with a hint where to find help. */
export class UsageError extends Error {
  constructor(message: string, readonly helpFor = '') {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and could not do its job: exit code 1, message only (no stack trace). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Parses a command's own arguments; unknown options, stray words and missing values are usage errors. */
export function parseCommandArgs(command: Command, args: string[]): OptionValues {
  try {
    const { values } = parseArgs({ args, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    return values as OptionValues;
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error);
    throw new UsageError(message, command.name);
  }
}

export function requireOption(values: OptionValues, name: string, command: Command): string {
  const value = values[name];
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`Missing --${name}.`, command.name);
  return value;
}

export function optionalString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Validates an option with the same zod schema the API uses, so the CLI accepts what the app accepts. */
export function checkOption<T>(schema: z.ZodType<T>, value: unknown, option: string, command: Command): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${option}: ${parsed.error.issues[0]?.message ?? 'not valid.'}`, command.name);
  return parsed.data;
}
