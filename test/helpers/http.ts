/** A JSON client for e2e tests against a real server: status and parsed body. */
export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface JsonRequest {
  method?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  body?: unknown;
}

export function jsonClient(baseUrl: () => string): (path: string, init?: JsonRequest) => Promise<JsonResponse> {
  return async (path, init = {}) => {
    const response = await fetch(baseUrl() + path, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
}
