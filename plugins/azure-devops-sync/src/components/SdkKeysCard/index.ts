export { SdkKeysCard } from './SdkKeysCard';
