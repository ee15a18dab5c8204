export { OrgConfigCard } from './OrgConfigCard';
