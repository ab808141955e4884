/**
 * Where the setup checks (src/app/setup.ts) run on the share web trigger, kept apart so the share
 * entry can route them without loading the setup use cases.
 */
export const SETUP_PATHS = { ssoTest: '/setup/sso-test', domainCheck: '/setup/domain-check' } as const;

/** The OIDC transaction of an admin's test sign-in names this instead of a link id. */
export const SSO_TEST_LINK_ID = 'setup-sso-test';

export const isSetupCheckPath = (path: string): boolean => path === SETUP_PATHS.ssoTest || path === SETUP_PATHS.domainCheck;
