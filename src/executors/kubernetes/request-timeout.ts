import {
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from "@kubernetes/client-node";

// A time limit for one call to the API server. The client has none of its own, and a call that hangs (a server
// gone quiet, a connection lost without a reset) would stall a loop that must act on time, like a leader's renewals.

/** Call options for an object-style API method: the request is aborted after timeoutMs. */
export function withTimeout(timeoutMs: number): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre(context: RequestContext) {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post(context: ResponseContext) {
      return new Observable(Promise.resolve(context));
    },
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}
