export { route, type RouteContext } from './route';
export { action, type ActionResult } from './action';
export { AppError, errors, toAppError, type Problem, type ErrorCode } from './errors';
export { problemResponse, problemJson } from './problem';
export { toJson } from './json';
