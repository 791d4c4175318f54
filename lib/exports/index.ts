export {
  historyCsvResponse,
  historyExportFilters,
  exportFilename,
  creditsDecimal,
  type HistoryExportFilters,
} from './history-csv';
