export {
  historyCsvResponse,
  historyExportFilters,
  exportFilename,
  creditsDecimal,
} from './history-csv';
