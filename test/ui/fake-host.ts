/**
 * A fake Forge host for UI Kit tests: records every bridge call, answers `getContext` and `invoke`
 * from per-test fixtures, and keeps the live ForgeDoc the reconciler last sent.
 * State lives on globalThis so the setup file and the test files share one instance.
 */
export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key: string;
}

export interface BridgeCall {
  cmd: string;
  data: unknown;
}

export interface InvokeCall {
  functionKey: string;
  payload: unknown;
}

export type ResolverStub = (payload: unknown) => unknown;

export interface FakeHost {
  calls: BridgeCall[];
  invokes: InvokeCall[];
  flags: Array<{ id: string; title?: string; description?: string; type?: string }>;
  context: Record<string, unknown>;
  resolvers: Record<string, ResolverStub>;
  /** Answers for other bridge commands (e.g. `__permission__egressSet`); a throwing stub rejects the call. */
  bridgeAnswers: Record<string, (data: unknown) => unknown>;
  doc: ForgeDoc | null;
  reset(): void;
}

const createFakeHost = (): FakeHost => {
  const host: FakeHost = {
    calls: [],
    invokes: [],
    flags: [],
    context: {},
    resolvers: {},
    bridgeAnswers: {},
    doc: null,
    reset() {
      host.calls = [];
      host.invokes = [];
      host.flags = [];
      host.context = {};
      host.resolvers = {};
      host.bridgeAnswers = {};
      host.doc = null;
    },
  };
  return host;
};

const globalKey = '__secureShareFakeHost';
const holder = globalThis as unknown as Record<string, FakeHost | undefined>;

export const fakeHost: FakeHost = holder[globalKey] ?? (holder[globalKey] = createFakeHost());

/** The bridge entry point the Forge packages call (`self.__bridge.callBridge(cmd, data)`). */
export const callBridge = async (cmd: string, data: unknown): Promise<unknown> => {
  fakeHost.calls.push({ cmd, data });
  switch (cmd) {
    case 'reconcile':
      fakeHost.doc = (data as { forgeDoc: ForgeDoc }).forgeDoc;
      return undefined;
    case 'getContext':
      return fakeHost.context;
    case 'invoke': {
      const { functionKey, payload } = data as InvokeCall;
      fakeHost.invokes.push({ functionKey, payload });
      const stub = fakeHost.resolvers[functionKey];
      if (!stub) throw new Error(`No resolver stub for "${functionKey}"`);
      return stub(payload);
    }
    case 'showFlag':
      fakeHost.flags.push(data as FakeHost['flags'][number]);
      return undefined;
    default: {
      const answer = fakeHost.bridgeAnswers[cmd];
      return answer ? answer(data) : undefined;
    }
  }
};
