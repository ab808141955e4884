/**
 * Typed resolver calls for the UI Kit modules. Every resolver answers with an envelope; this unwraps
 * it and throws a ResolverError carrying the stable code and field details on failure.
 */
import { invoke } from '@forge/bridge';
import type {
  ErrorCode,
  ErrorDetail,
  ResolverData,
  ResolverKey,
  ResolverPayload,
  ResolverResult,
} from '../shared/contract';

export class ResolverError extends Error {
  readonly code: ErrorCode | 'network';
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode | 'network', message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ResolverError';
    this.code = code;
    this.details = details;
  }

  /** Messages keyed by field name, for inline validation next to form fields. */
  fieldMessages(): Record<string, string> {
    const byField: Record<string, string> = {};
    // Every problem of a field is shown at once (three bad IP entries give three sentences).
    for (const detail of this.details) {
      if (!detail.field) continue;
      const sentence = /[.!?]$/.test(detail.message) ? detail.message : `${detail.message}.`;
      byField[detail.field] = byField[detail.field] ? `${byField[detail.field]} ${sentence}` : detail.message;
    }
    return byField;
  }
}

const isEnvelope = (value: unknown): value is ResolverResult<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';

export const callResolver = async <K extends ResolverKey>(key: K, payload: ResolverPayload<K>): Promise<ResolverData<K>> => {
  let answer: unknown;
  try {
    answer = await invoke<ResolverResult<ResolverData<K>>>(key, payload as unknown as Record<string, unknown>);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ResolverError('network', `Could not reach Secure Share (${message}). Try again.`);
  }
  if (!isEnvelope(answer)) throw new ResolverError('internal', 'Secure Share sent an unexpected answer.');
  if (answer.ok) return answer.data as ResolverData<K>;
  const { code, message, details } = answer.error;
  throw new ResolverError(code, message, Array.isArray(details) ? details : []);
};

export const toResolverError = (error: unknown): ResolverError =>
  error instanceof ResolverError
    ? error
    : new ResolverError('internal', error instanceof Error ? error.message : 'Something went wrong.');

export const api = {
  getPageSharing: (p: ResolverPayload<'getPageSharing'>) => callResolver('getPageSharing', p),
  createLink: (p: ResolverPayload<'createLink'>) => callResolver('createLink', p),
  updateLink: (p: ResolverPayload<'updateLink'>) => callResolver('updateLink', p),
  setLinkStatus: (p: ResolverPayload<'setLinkStatus'>) => callResolver('setLinkStatus', p),
  rotateLink: (p: ResolverPayload<'rotateLink'>) => callResolver('rotateLink', p),
  deleteLink: (p: ResolverPayload<'deleteLink'>) => callResolver('deleteLink', p),
  emailLink: (p: ResolverPayload<'emailLink'>) => callResolver('emailLink', p),
  getLinkUrl: (p: ResolverPayload<'getLinkUrl'>) => callResolver('getLinkUrl', p),
  previewLink: (p: ResolverPayload<'previewLink'>) => callResolver('previewLink', p),
  getSpaceConfig: (p: ResolverPayload<'getSpaceConfig'>) => callResolver('getSpaceConfig', p),
  setSpaceConfig: (p: ResolverPayload<'setSpaceConfig'>) => callResolver('setSpaceConfig', p),
  listSpaceLinks: (p: ResolverPayload<'listSpaceLinks'>) => callResolver('listSpaceLinks', p),
  getGlobalConfig: () => callResolver('getGlobalConfig', {}),
  setGlobalConfig: (p: ResolverPayload<'setGlobalConfig'>) => callResolver('setGlobalConfig', p),
  getSiteSettings: () => callResolver('getSiteSettings', {}),
  setSiteSettings: (p: ResolverPayload<'setSiteSettings'>) => callResolver('setSiteSettings', p),
  listAllLinks: (p: ResolverPayload<'listAllLinks'>) => callResolver('listAllLinks', p),
  revokeLinks: (p: ResolverPayload<'revokeLinks'>) => callResolver('revokeLinks', p),
  resetApp: (p: ResolverPayload<'resetApp'>) => callResolver('resetApp', p),
  getAuditLog: (p: ResolverPayload<'getAuditLog'>) => callResolver('getAuditLog', p),
  startAuditExport: (p: ResolverPayload<'startAuditExport'>) => callResolver('startAuditExport', p),
  getAuditExport: (p: ResolverPayload<'getAuditExport'>) => callResolver('getAuditExport', p),
  listAuditExports: () => callResolver('listAuditExports', {}),
  getLinkStats: (p: ResolverPayload<'getLinkStats'>) => callResolver('getLinkStats', p),
  getSetupStatus: () => callResolver('getSetupStatus', {}),
  sendTestEmail: (p: ResolverPayload<'sendTestEmail'>) => callResolver('sendTestEmail', p),
  markPolicyReviewed: () => callResolver('markPolicyReviewed', {}),
  startSsoTest: () => callResolver('startSsoTest', {}),
  startDomainCheck: () => callResolver('startDomainCheck', {}),
  previewReset: () => callResolver('previewReset', {}),
  bulkLinks: (p: ResolverPayload<'bulkLinks'>) => callResolver('bulkLinks', p),
  getLinkForEdit: (p: ResolverPayload<'getLinkForEdit'>) => callResolver('getLinkForEdit', p),
  startLinksExport: (p: ResolverPayload<'startLinksExport'>) => callResolver('startLinksExport', p),
  listLinksExports: (p: ResolverPayload<'listLinksExports'> = {}) => callResolver('listLinksExports', p),
  getConfigurations: () => callResolver('getConfigurations', {}),
  saveConfiguration: (p: ResolverPayload<'saveConfiguration'>) => callResolver('saveConfiguration', p),
  deleteConfiguration: (p: ResolverPayload<'deleteConfiguration'>) => callResolver('deleteConfiguration', p),
  assignConfiguration: (p: ResolverPayload<'assignConfiguration'>) => callResolver('assignConfiguration', p),
  setNewSpacesConfiguration: (p: ResolverPayload<'setNewSpacesConfiguration'>) => callResolver('setNewSpacesConfiguration', p),
  useAssignedConfiguration: (p: ResolverPayload<'useAssignedConfiguration'>) => callResolver('useAssignedConfiguration', p),
  previewPolicyImpact: (p: ResolverPayload<'previewPolicyImpact'>) => callResolver('previewPolicyImpact', p),
  getClassificationSettings: () => callResolver('getClassificationSettings', {}),
  setClassificationRule: (p: ResolverPayload<'setClassificationRule'>) => callResolver('setClassificationRule', p),
};
