import { table } from './stats';

/** One of issue 14's goals as measured in a run. */
export interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}

export const goalsMarkdown = (goals: Goal[]) =>
  table(
    ['Goal', 'Measured in this run', ''],
    goals.map((g) => [g.goal, g.measured, g.met ? '**met**' : '**missed**']),
  );
