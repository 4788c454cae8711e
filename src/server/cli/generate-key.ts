import { SecretBox } from '../platform/crypto/secret-box';
import { UsageError, optionalString, type Command } from './command';

export const generateKeyCommand: Command = {
  name: 'secrets generate-key',
  summary: 'Print a new key for KESTREL_SECRET_KEYS',
  help: `Usage: kestrel secrets generate-key [--id ID]

Prints a new 256-bit key as "id:base64" for KESTREL_SECRET_KEYS. Put it first (it seals new
secrets), keep the old keys after it (they still open old ones), then run: kestrel secrets rotate

Options:
  --id ID   key id: 1-32 letters, digits, _ or - (default: k + the time in base 36)`,
  options: { id: { type: 'string' } },
  async run(values, io) {
    const id = optionalString(values, 'id');
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new UsageError('--id: use 1-32 letters, digits, _ or -.', this.name);
    io.stdout.write(`${SecretBox.generateSpec(id)}\n`);
  },
};
