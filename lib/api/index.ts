export { route } from './route';
export { action, type ActionResult } from './action';
export { problemResponse, problemJson } from './problem';
export { cronRoute } from './cron';
export { jsonWithStatus } from './respond';
