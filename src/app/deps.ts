import type { PlatformChecks } from './diagnostics';
import type { BackgroundJobs, Clock, ConfluenceContent, ConfluenceRights, Mailer, Random, Store } from './ports';

/** Everything a use case may touch, injected once per invocation by a composition root. */
export interface AppDeps {
  store: Store;
  content: ConfluenceContent;
  rights: ConfluenceRights;
  mailer: Mailer;
  clock: Clock;
  random: Random;
  /** Base URL of the anonymous view when no custom domain is set (web trigger URL, or http://localhost:8787). */
  shareBaseUrl: () => Promise<string>;
  /** bcrypt cost; 10 in production, lower in tests via injection. */
  bcryptRounds: number;
  /**
   * Outbound HTTPS to the configured identity provider (OIDC discovery, token, JWKS). Optional:
   * defaults to the global fetch. Forge: @forge/api fetch; tests: a fetch routed to a local IdP.
   */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /**
   * Local mode only (src/dev/local-app.ts): lets an OIDC issuer on exactly the local server's own http
   * origin pass the https-only issuer rule, for the demo identity provider. Production never sets it.
   */
  oidc?: { allowLoopbackIssuer?: boolean };
  /**
   * Local mode only: every email goes to the local outbox (served at this path of the local server),
   * whatever the provider setting. The setup checklist and the email settings say so.
   */
  localOutboxPath?: string;
  /** Self-test checks that need the platform itself (Forge only; see src/app/diagnostics.ts). */
  platformChecks?: PlatformChecks;
  /**
   * Continues work that does not fit in one invocation (Forge: an async-event queue). Absent (local
   * mode, tests), such work runs to the end in the invocation that started it.
   */
  jobs?: BackgroundJobs;
}
