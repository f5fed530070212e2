// The API's names (see openapi-names.js), for the console's modules to
// import. `npm run build` bundles this module as the names alone, taken from
// docs/openapi.json (scripts/build-embed.mjs replaces it). Served as written
// (no bundle), it reads them from the server's own document as the console
// loads.
import { namesOf } from "./openapi-names.js";

export { keyedBy, named } from "./openapi-names.js";

const response = await fetch("/api/v1/openapi.json");
if (!response.ok) throw new Error(`The API document could not be read: HTTP ${response.status}.`);

export const {
  CAMPAIGN_KINDS, CAMPAIGN_STATUSES, PLAY_LIMITS, FIELD_KINDS, PLAY_OUTCOMES, DELIVERY_STATUSES, ERROR_CODES, EVENT_TYPES,
} = namesOf(await response.json());
