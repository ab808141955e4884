import { showFlag } from '@forge/bridge';
import { toResolverError } from '../api';

let sequence = 0;
const nextId = (): string => `secure-share-${Date.now()}-${++sequence}`;

export const flagSuccess = (title: string, description?: string): void => {
  showFlag({ id: nextId(), title, description, type: 'success', isAutoDismiss: true });
};

export const flagError = (title: string, error: unknown): void => {
  showFlag({ id: nextId(), title, description: toResolverError(error).message, type: 'error', isAutoDismiss: false });
};
