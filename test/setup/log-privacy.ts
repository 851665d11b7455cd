import { afterAll, expect } from 'vitest';
import { capturedLogLines, sensitiveValues } from '../helpers/sensitive';

/** After every test file: no log line holds an address, a token or criteria text it used. */
afterAll(() => {
  const leaks = capturedLogLines.flatMap((line) =>
    [...sensitiveValues]
      .filter((value) => line.toLowerCase().includes(value.toLowerCase()))
      .map((value) => `${value} in ${line}`),
  );
  expect(leaks).toEqual([]);
});
