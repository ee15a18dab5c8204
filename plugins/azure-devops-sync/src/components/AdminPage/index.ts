export { AdminContent, AdminPage } from './AdminPage';
