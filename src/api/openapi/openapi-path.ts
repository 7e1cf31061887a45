/** Where the OpenAPI document is served, and its media type (OpenAPI 3.1, JSON). */
export const OPENAPI_PATH = "/openapi.json";
export const OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.1";
