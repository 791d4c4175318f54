import 'server-only';

/** Outbound webhooks: endpoints and deliveries (owners), dispatch and delivery (the worker). */

export {
  createEndpoint,
  createEndpointInput,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  sendTestEvent,
  updateEndpoint,
  updateEndpointInput,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './endpoints';
export {
  attemptDelivery,
  dispatchWebhookEvents,
  enqueueDelivery,
  type AttemptOutcome,
} from './deliver';
export { webhookJobs } from './jobs';
export { DEFAULT_RETRY_POLICY, retryPolicy, setRetryPolicy, type RetryPolicy } from './backoff';
export { signatureHeader } from './signature';
export { webhookUrlProblem } from './url';
export { MAX_ENDPOINTS, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from './events';
