export { IssuesContent } from './IssuesContent';
