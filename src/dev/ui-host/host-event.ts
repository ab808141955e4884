/**
 * The plain event object a UI Kit host hands to onChange handlers (the Atlaskit host serializes events
 * to this shape). The local host renderer and the reconciler tests both build events with it.
 */
export const hostEvent = (target: Record<string, unknown>, type = 'change') => ({
  bubbles: true,
  cancelable: false,
  defaultPrevented: false,
  eventPhase: 2,
  isTrusted: true,
  timeStamp: Date.now(),
  type,
  target,
});
