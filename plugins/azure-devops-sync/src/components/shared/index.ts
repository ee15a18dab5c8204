export { ConnectionHealth } from './ConnectionHealth';
export {
  SubscriptionStatus,
  subscriptionStatusLabel,
} from './SubscriptionStatus';
