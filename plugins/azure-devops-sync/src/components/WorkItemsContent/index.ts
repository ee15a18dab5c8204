export { WorkItemsContent } from './WorkItemsContent';
export { isAzureDevOpsBoardsAvailable } from './isAzureDevOpsBoardsAvailable';
