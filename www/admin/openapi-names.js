// The API's own names, as its OpenAPI document has them: the event types,
// the statuses and kinds, the error codes. The console keeps no list of
// them; it keeps only its words for them, keyed by these names and checked
// against them (`keyedBy`, `named`). `namesOf` serves the build
// (scripts/build-embed.mjs, from docs/openapi.json) and api-names.js (from
// the server's document, when the console is served as written).

/** The enums the console uses, each by the schema of the document that holds it. */
const ENUMS = {
  CAMPAIGN_KINDS: "CampaignKind",
  CAMPAIGN_STATUSES: "Status",
  PLAY_LIMITS: "PlayLimit",
  FIELD_KINDS: "FieldKind",
  PLAY_OUTCOMES: "PlayOutcome",
  DELIVERY_STATUSES: "DeliveryStatus",
  ERROR_CODES: "ErrorCode",
};

/**
 * The names the console uses, from `document` (the API's OpenAPI document):
 * each of ENUMS as a list, and EVENT_TYPES as [type, description] pairs, the
 * description being that of the event's webhook body. Throws when the
 * document has one of them no more.
 */
export function namesOf(document) {
  const schemas = document.components.schemas;
  const enumOf = (name) => {
    const values = schemas[name]?.enum;
    if (!Array.isArray(values)) throw new Error(`The API document has no enum ${name}.`);
    return values;
  };
  const names = Object.fromEntries(Object.entries(ENUMS).map(([key, schema]) => [key, enumOf(schema)]));
  names.EVENT_TYPES = enumOf("EventType").map((type) => {
    const body = document.webhooks?.[type]?.post?.requestBody?.content?.["application/json"]?.schema?.$ref;
    const description = body && schemas[body.replace("#/components/schemas/", "")]?.description;
    if (!description) throw new Error(`The API document does not describe the webhook of ${type}.`);
    return [type, description];
  });
  return names;
}

/**
 * `table`, checked to hold one entry for each of `names` (an enum of the
 * API) and no other. A word for a name the API does not have, or a name
 * without its word, throws as the console loads (so every browser test
 * fails) rather than showing a wrong or a missing word.
 */
export function keyedBy(names, table) {
  const keys = Object.keys(table);
  const unknown = keys.filter((key) => !names.includes(key));
  const missing = names.filter((name) => !keys.includes(name));
  if (unknown.length || missing.length) {
    throw new Error(`The console's words for ${names.join(", ")}: `
      + [unknown.length && `${unknown.join(", ")} not in the API`, missing.length && `none for ${missing.join(", ")}`]
        .filter(Boolean).join("; "));
  }
  return table;
}

/** `name`, checked to be one of `names` (an enum of the API): it throws as the console loads otherwise. */
export function named(names, name) {
  if (!names.includes(name)) throw new Error(`${name} is not one of the API's ${names.join(", ")}.`);
  return name;
}
