import type { SignalApi } from '@backstage/plugin-signals-react';
import { act } from '@testing-library/react';

/** A signal message (a JSON object). */
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/** A signals API the test publishes on, as the signals plugin's client would deliver. */
export function fakeSignals(): {
  api: SignalApi;
  publish: (channel: string, message: JsonObject) => void;
  subscribers: (channel: string) => number;
} {
  const channels = new Map<string, Set<(message: JsonObject) => void>>();
  return {
    api: {
      subscribe<T extends JsonObject = JsonObject>(
        channel: string,
        onMessage: (message: T) => void,
      ) {
        const set = channels.get(channel) ?? new Set();
        channels.set(channel, set);
        const listener = onMessage as (message: JsonObject) => void;
        set.add(listener);
        return { unsubscribe: () => set.delete(listener) };
      },
    },
    publish(channel, message) {
      act(() => {
        for (const listener of channels.get(channel) ?? []) listener(message);
      });
    },
    subscribers: channel => channels.get(channel)?.size ?? 0,
  };
}
