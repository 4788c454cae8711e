import { afterAll } from 'vitest';
import { runFileCleanups } from './file-cleanup';

// A setup file runs before each test file, so this hook belongs to every file (see file-cleanup.ts).
afterAll(runFileCleanups, 120_000);
