import { expect } from 'vitest';
import type { Visitor, VisitorResponse } from '../../support/visitor';

/** The password the share view tests give their password-gated links. */
export const PASSWORD = 'correct horse battery';

/** Opens the password gate at `path` (it must answer 200) and submits `password` through its form. */
export const tryPassword = async (v: Visitor, path: string, password: string): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  expect(gate.status).toBe(200);
  return v.submit(gate.text, 'password', { password });
};
