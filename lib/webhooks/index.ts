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
} from './endpoints';
export { dispatchWebhookEvents } from './deliver';
export { webhookJobs } from './jobs';
export { DEFAULT_RETRY_POLICY, setRetryPolicy } from './backoff';
export { webhookUrlProblem } from './url';
export { WEBHOOK_EVENT_TYPES } from './events';
