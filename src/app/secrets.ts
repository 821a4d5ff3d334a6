// The notification channels' secrets as the front ends handle them: which environment variable holds
// each channel's secret, and the redactor that keeps every part of those secrets out of what is shown
// or logged (src/core/secrets/redact.ts decides the parts).

export { SECRET_ENV, secretRedactor, type NotifyEnv } from '../adapters/notify/secret-env';
