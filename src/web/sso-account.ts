import type { ShareContext } from './share-context';

/** Whether the link asks for SSO sign-in (the link itself or the policy). */
export const ssoApplies = (ctx: Pick<ShareContext, 'link' | 'policy'>): boolean => ctx.link.requireSso || ctx.policy.requires.sso.value;

/** The sign-in start that asks the identity provider for another account (`prompt=select_account`). */
export const anotherAccountUrl = (ctx: Pick<ShareContext, 'urls'>): string => {
  const start = ctx.urls.ssoStart();
  return `${start}${start.includes('?') ? '&' : '?'}account=other`;
};
