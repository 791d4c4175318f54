export {
  historyCsvResponse,
  historyExportFilters,
  exportFilename,
  creditsDecimal,
} from './history-csv';
export { batchResultsResponse, batchExportQuery } from './batch-results';
