export { ConnectionHealth } from './ConnectionHealth';
export {
  SubscriptionStatus,
  subscriptionStatusLabel,
} from './SubscriptionStatus';
export { ConfirmDialog } from './ConfirmDialog';
export { CatalogUserPicker } from './CatalogUserPicker';
