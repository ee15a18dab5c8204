import { Config } from '@backstage/config';

/** `azureDevOpsSync.notifications`: which sync events become Backstage notifications. */
export interface NotificationSettings {
  /** Final outbound failure → the owners of the entity. */
  onOutboundFailure: boolean;
  /** A linked work item resolved/reopened or reassigned in ADO → the assignee. */
  onInboundChange: boolean;
}

/** Every switch defaults to on; `enabled: false` turns them all off. */
export function readNotificationSettings(config: Config): NotificationSettings {
  const notifications = config.getOptionalConfig(
    'azureDevOpsSync.notifications',
  );
  const enabled = notifications?.getOptionalBoolean('enabled') ?? true;
  return {
    onOutboundFailure:
      enabled &&
      (notifications?.getOptionalBoolean('onOutboundFailure') ?? true),
    onInboundChange:
      enabled && (notifications?.getOptionalBoolean('onInboundChange') ?? true),
  };
}
