export { IssueActivity } from './IssueActivity';
