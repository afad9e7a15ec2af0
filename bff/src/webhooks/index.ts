export { startWebhooks, WebhookSender, WEBHOOKS_GROUP, webhookBody, type WebhookTransport } from './sender';
export { WebhookStore, type DeliveryState, type FailedDelivery } from './store';
export { signWebhook, webhookHeaders } from './signature';
export { nextStep, MAX_RETRY_DELAY_MS } from './retry';
