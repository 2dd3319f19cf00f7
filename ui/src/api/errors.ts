// Typed errors of the REST API. KinBot routes answer {error:{code,message}}; the /api/auth/* routes answer the flat
// {code,message} shape; anything else (no JSON, a proxy page) becomes REQUEST_FAILED, and a failed fetch NETWORK_ERROR.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isNetwork(): boolean {
    return this.code === NETWORK_ERROR;
  }
}

export const NETWORK_ERROR = 'NETWORK_ERROR';
export const REQUEST_FAILED = 'REQUEST_FAILED';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Builds the ApiError of a non-2xx answer from its status and raw body text. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return new ApiError(status, REQUEST_FAILED, bodyText.trim() || `Request failed (${status})`);
  }
  if (isRecord(body)) {
    const envelope = body.error;
    if (isRecord(envelope) && typeof envelope.code === 'string')
      return new ApiError(status, envelope.code, typeof envelope.message === 'string' ? envelope.message : envelope.code);
    if (typeof envelope === 'string') return new ApiError(status, REQUEST_FAILED, envelope);
    if (typeof body.code === 'string')
      return new ApiError(status, body.code, typeof body.message === 'string' ? body.message : body.code);
    if (typeof body.message === 'string') return new ApiError(status, REQUEST_FAILED, body.message);
  }
  return new ApiError(status, REQUEST_FAILED, `Request failed (${status})`);
}
