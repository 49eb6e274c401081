import { DomainError, isSocketError, serviceUnavailable } from "@photoreel/core";

/** SDK errors that mean "the service did not answer in time or asked us to back off", not "your request is wrong". */
const RETRYABLE = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException", "ServiceUnavailable", "ThrottlingException", "ProvisionedThroughputExceededException", "SlowDown"]);

/**
 * The AWS adapters' edge: a stand-in or service that is down, timed out or throttling becomes SERVICE_UNAVAILABLE
 * (retryable); DomainErrors the adapters threw and every other error pass through unchanged.
 */
export function awsErrorToDomain(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const name = e instanceof Error ? e.name : "";
  const message = e instanceof Error ? e.message : "";
  if (RETRYABLE.has(name) || isSocketError(e) || /connect ECONNREFUSED|socket hang up/i.test(message)) return serviceUnavailable(e);
  return e;
}
