import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';

/** Signals and notifications services that record what the plugin sends. */
export function fakeSignalsAndNotifications() {
  const signals: SignalPayload[] = [];
  const notifications: NotificationSendOptions[] = [];
  const features = [
    createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({
        async publish(signal: SignalPayload<any>) {
          signals.push(signal);
        },
      }),
    }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        async send(options: NotificationSendOptions) {
          notifications.push(options);
        },
      }),
    }),
  ];
  return { signals, notifications, features };
}
