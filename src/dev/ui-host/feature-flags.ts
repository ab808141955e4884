/**
 * Atlaskit asks its platform feature flags (fg) through a feature-gate client that Confluence
 * initialises from its own service. Local mode has no such service, so every flag resolves to off:
 * the components' shipped defaults, and no "client must be initialized" warnings. Imported first.
 */
import { setBooleanFeatureFlagResolver } from '@atlaskit/platform-feature-flags';

setBooleanFeatureFlagResolver(() => false);
