export { route } from './route';
export { action, type ActionResult } from './action';
export { problemResponse, problemJson } from './problem';
export { cronRoute } from './cron';
export { jsonWithStatus } from './respond';
export { keyRoute, clientAddress } from './key-route';
export { openAiErrorResponse, type OpenAiError } from './openai-error';
export { V1_ENDPOINTS, creditsAnswer, type V1Endpoint, type V1Auth } from './v1-endpoints';
export { openApiDocument } from './openapi';
