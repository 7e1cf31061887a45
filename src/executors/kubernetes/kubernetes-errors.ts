import { ApiException } from "@kubernetes/client-node";

// The Kubernetes API answers errors with a Status object; its message is what a person needs to read.

export function statusCodeOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export function kubernetesMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === "string" ? parseJson(error.body) : error.body;
    const message =
      body !== null && typeof body === "object" && "message" in body && typeof body.message === "string"
        ? body.message
        : String(error.body);
    return `${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
