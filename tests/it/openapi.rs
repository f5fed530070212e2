//! The OpenAPI document at `/api/v1/openapi.json`, against the real server:
//! served as promised, sound, listing exactly the API's operations, every
//! one of them routed, and real responses matching their schemas.

use std::collections::{BTreeSet, HashSet};

use adact_domain::events::EventType;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::{
    receiver::Receiver,
    server::{ADMIN_TOKEN, EMBED_KEY, TestServer},
};

/// Every operation of the API (SPEC.md, "HTTP API"), written out here
/// rather than read from the code: a route added without documentation, or
/// documentation of a route that is gone, fails
/// `the_document_lists_exactly_the_api`.
const OPERATIONS: &[(&str, &str)] = &[
    ("POST", "/api/v1/embed/render"),
    ("POST", "/api/v1/embed/sessions/{id}/register"),
    ("POST", "/api/v1/embed/sessions/{id}/play"),
    ("POST", "/api/v1/embed/sessions/{id}/finish"),
    ("GET", "/api/v1/account"),
    ("GET", "/api/v1/account/allowed-domains"),
    ("PUT", "/api/v1/account/allowed-domains"),
    ("GET", "/api/v1/account/identity"),
    ("PUT", "/api/v1/account/identity"),
    ("POST", "/api/v1/account/identity/rotate-secret"),
    ("GET", "/api/v1/account/rate-limits"),
    ("PUT", "/api/v1/account/rate-limits"),
    ("DELETE", "/api/v1/account/rate-limits"),
    ("GET", "/api/v1/account/settings"),
    ("PATCH", "/api/v1/account/settings"),
    ("GET", "/api/v1/campaigns"),
    ("POST", "/api/v1/campaigns"),
    ("GET", "/api/v1/campaigns/{id}"),
    ("PATCH", "/api/v1/campaigns/{id}"),
    ("DELETE", "/api/v1/campaigns/{id}"),
    ("GET", "/api/v1/campaigns/{id}/stats"),
    ("POST", "/api/v1/campaigns/preview"),
    ("POST", "/api/v1/campaigns/preview/register"),
    ("POST", "/api/v1/campaigns/preview/play"),
    ("GET", "/api/v1/segments"),
    ("POST", "/api/v1/segments"),
    ("GET", "/api/v1/players"),
    ("GET", "/api/v1/players/export"),
    ("GET", "/api/v1/players/{id}"),
    ("DELETE", "/api/v1/players/{id}"),
    ("GET", "/api/v1/players/{id}/data"),
    ("GET", "/api/v1/account/player-retention"),
    ("PUT", "/api/v1/account/player-retention"),
    ("GET", "/api/v1/segments/{id}"),
    ("PATCH", "/api/v1/segments/{id}"),
    ("DELETE", "/api/v1/segments/{id}"),
    ("GET", "/api/v1/webhooks/settings"),
    ("PUT", "/api/v1/webhooks/settings"),
    ("GET", "/api/v1/webhooks/endpoints"),
    ("POST", "/api/v1/webhooks/endpoints"),
    ("GET", "/api/v1/webhooks/endpoints/{id}"),
    ("PATCH", "/api/v1/webhooks/endpoints/{id}"),
    ("DELETE", "/api/v1/webhooks/endpoints/{id}"),
    ("POST", "/api/v1/webhooks/endpoints/{id}/rotate-secret"),
    ("POST", "/api/v1/webhooks/endpoints/{id}/recover"),
    ("POST", "/api/v1/webhooks/test"),
    ("GET", "/api/v1/webhooks/deliveries"),
    ("GET", "/api/v1/webhooks/deliveries/{id}"),
    ("POST", "/api/v1/webhooks/deliveries/{id}/resend"),
    ("POST", "/api/v1/webhooks/deliveries/resend-failed"),
    ("GET", "/api/v1/openapi.json"),
];

const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

/// The document as a client reads it.
pub(crate) struct Document(pub(crate) Value);

/// One documented operation.
struct Operation<'d> {
    method: &'static str,
    path: &'d str,
    spec: &'d Value,
}

impl Operation<'_> {
    fn id(&self) -> &str {
        self.spec["operationId"]
            .as_str()
            .unwrap_or("(no operationId)")
    }

    /// The security schemes it accepts, any one of them.
    fn schemes(&self) -> Vec<&str> {
        self.spec["security"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|requirement| requirement.keys().map(String::as_str))
            .collect()
    }

    /// Its path with every `{param}` filled with `value`.
    fn path_with(&self, value: &str) -> String {
        let mut path = String::new();
        let mut rest = self.path;
        while let Some((before, after)) = rest.split_once('{') {
            path.push_str(before);
            path.push_str(value);
            rest = after.split_once('}').map_or("", |(_, after)| after);
        }
        path + rest
    }
}

impl Document {
    pub(crate) async fn fetch(server: &TestServer) -> Self {
        let response = server
            .client
            .get(server.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        Self(response.json().await.unwrap())
    }

    fn operations(&self) -> Vec<Operation<'_>> {
        let mut operations = Vec::new();
        for (path, item) in self.0["paths"].as_object().unwrap() {
            for method in METHODS {
                if !item[method].is_null() {
                    operations.push(Operation {
                        method,
                        path,
                        spec: &item[method],
                    });
                }
            }
        }
        operations
    }

    fn operation(&self, method: &Method, path: &str) -> Operation<'_> {
        self.operations()
            .into_iter()
            .find(|op| op.method.eq_ignore_ascii_case(method.as_str()) && op.path == path)
            .unwrap_or_else(|| panic!("{method} {path} is not in the document"))
    }

    /// Checks an answer of `operation` against the document: its status is
    /// documented, it has every header documented for it, and its body
    /// matches the schema documented for it (or is empty when none is).
    /// Panics naming the operation and the JSON path of each mismatch.
    fn check(
        &self,
        operation: &Operation<'_>,
        status: StatusCode,
        headers: &header::HeaderMap,
        body: &str,
    ) {
        let id = operation.id();
        let response = &operation.spec["responses"][status.as_str()];
        assert!(
            response.is_object(),
            "{id} answered {status}, which its documentation does not list: {body}"
        );
        for name in response["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            assert!(
                headers.contains_key(name.as_str()),
                "{id} answered {status} without its documented {name} header"
            );
        }
        let schema = &response["content"]["application/json"]["schema"];
        if schema.is_null() && response["content"].is_object() {
            // Documented as another type (the export's CSV): a body of it.
            return;
        }
        if schema.is_null() {
            assert!(
                body.is_empty(),
                "{id} answered {status} with a body, documented without one: {body}"
            );
            return;
        }
        let instance: Value = serde_json::from_str(body)
            .unwrap_or_else(|err| panic!("{id} answered {status} with no JSON ({err}): {body}"));
        // The document's components sit beside the schema, so its
        // `#/components/schemas/...` references resolve within this root.
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.0["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|err| panic!("the schema of {id} {status} does not compile: {err}"));
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|err| {
                let path = err.instance_path().to_string();
                let path = if path.is_empty() { "/".into() } else { path };
                format!("  at {path}: {err}")
            })
            .collect();
        assert!(
            errors.is_empty(),
            "{id} ({} {}) answered {status} with a body that does not match its documented \
             schema:\n{}\nbody: {instance:#}",
            operation.method.to_uppercase(),
            operation.path,
            errors.join("\n")
        );
    }
}

impl TestServer {
    /// Sends `body` to `path` as an admin, checks the answer against the
    /// document's `method template` operation and returns it.
    async fn documented(
        &self,
        doc: &Document,
        method: Method,
        template: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.admin(method.clone(), path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.answer(doc, &method, template, request).await
    }

    /// An embed step, posted as the embed posts it, checked like
    /// [`TestServer::documented`].
    async fn documented_step(
        &self,
        doc: &Document,
        template: &str,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let request = self
            .client
            .post(self.url(&format!("{path}?key={EMBED_KEY}")))
            .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
            .body(body.to_string());
        self.answer(doc, &Method::POST, template, request).await
    }

    async fn answer(
        &self,
        doc: &Document,
        method: &Method,
        template: &str,
        request: reqwest::RequestBuilder,
    ) -> (StatusCode, Value) {
        let (status, _, body) = self.answer_in_full(doc, method, template, request).await;
        (status, body)
    }

    /// [`TestServer::answer`], with the answer's headers.
    async fn answer_in_full(
        &self,
        doc: &Document,
        method: &Method,
        template: &str,
        request: reqwest::RequestBuilder,
    ) -> (StatusCode, header::HeaderMap, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        doc.check(&doc.operation(method, template), status, &headers, &text);
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    /// An admin request with `If-Match`, checked like
    /// [`TestServer::documented`]; also answers the `ETag`.
    async fn documented_if_match(
        &self,
        doc: &Document,
        method: Method,
        template: &str,
        path: &str,
        if_match: &str,
        body: Option<Value>,
    ) -> (StatusCode, Option<String>, Value) {
        let mut request = self
            .admin(method.clone(), path)
            .header(header::IF_MATCH, if_match);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, headers, body) = self.answer_in_full(doc, &method, template, request).await;
        let etag = headers
            .get(header::ETAG)
            .map(|v| v.to_str().unwrap().to_owned());
        (status, etag, body)
    }
}

#[tokio::test]
async fn the_document_is_served_without_credentials_and_cached() {
    let server = TestServer::start(|_| {}).await;
    let response = server
        .client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=300"
    );
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Adact API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["info"]["license"]["identifier"], "AGPL-3.0-only");
    let description = doc["info"]["description"].as_str().unwrap();
    for outside in ["/healthz", "/metrics", "/embed.js", "/admin/"] {
        assert!(
            description.contains(outside),
            "the description does not say where {outside} is"
        );
    }
    server.stop().await;
}

/// `docs/openapi.json`, the document as the server makes it, for API users
/// to read and for the console's build, which takes the API's names
/// (event types, statuses, error codes) from it. A change to the document
/// fails here until the file is written again with
/// `ADACT_BLESS=1 cargo test -p adact-server --test it openapi`.
#[tokio::test]
async fn the_checked_in_document_is_the_servers() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    server.stop().await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
    let written = serde_json::to_string_pretty(&doc.0).unwrap() + "\n";
    if std::env::var_os("ADACT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &written).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == written,
        "docs/openapi.json is not the server's document: write it again with \
         `ADACT_BLESS=1 cargo test -p adact-server --test it openapi`, and check the \
         difference (`git diff docs/openapi.json`)"
    );
}

#[tokio::test]
async fn the_document_is_sound() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    server.stop().await;

    // Every reference resolves.
    let mut refs = Vec::new();
    collect_refs(&doc.0, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{reference} points outside the document"));
        assert!(
            doc.0.pointer(pointer).is_some(),
            "{reference} does not resolve"
        );
    }

    let schemes = doc.0["components"]["securitySchemes"].as_object().unwrap();
    let tags: HashSet<&str> = doc.0["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|tag| tag["name"].as_str())
        .collect();
    let mut ids = HashSet::new();
    for op in doc.operations() {
        let id = op.id().to_owned();
        assert!(
            op.spec["operationId"].is_string(),
            "{} {} has no operationId",
            op.method,
            op.path
        );
        assert!(ids.insert(id.clone()), "operationId {id} is used twice");
        assert!(op.spec["summary"].is_string(), "{id} has no summary");
        for tag in op.spec["tags"].as_array().unwrap() {
            assert!(tags.contains(tag.as_str().unwrap()), "{id}: tag {tag}");
        }
        for scheme in op.schemes() {
            assert!(schemes.contains_key(scheme), "{id}: no scheme {scheme}");
        }
        // Every `{param}` of the path is a required path parameter.
        let declared: BTreeSet<&str> = op.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path" && p["required"] == true)
            .filter_map(|p| p["name"].as_str())
            .collect();
        let in_path: BTreeSet<&str> = op
            .path
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect();
        assert_eq!(declared, in_path, "{id}: path parameters");
        let responses = op.spec["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{id} documents no success"
        );
        for (status, response) in responses {
            assert!(
                response["description"].is_string(),
                "{id} {status}: no description"
            );
        }
    }
}

/// The top-level `webhooks` (OpenAPI 3.1): exactly one entry per event
/// type, each a `POST` whose body is a schema of `components.schemas`, with
/// an example that matches it. (`tests/it/events.rs` validates real bodies
/// against the same schemas.)
#[tokio::test]
async fn the_document_publishes_every_event_type_as_a_webhook() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    server.stop().await;
    let webhooks = doc.0["webhooks"].as_object().expect("no webhooks");
    let published: BTreeSet<&str> = webhooks.keys().map(String::as_str).collect();
    let types: BTreeSet<&str> = EventType::all().map(EventType::as_str).collect();
    assert_eq!(published, types);
    let tags: HashSet<&str> = doc.0["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|tag| tag["name"].as_str())
        .collect();
    let operations = doc.operations();
    let mut ids: HashSet<&str> = operations.iter().map(Operation::id).collect();
    for (event_type, item) in webhooks {
        assert_eq!(
            item.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["post"],
            "{event_type}"
        );
        let post = &item["post"];
        let id = post["operationId"].as_str().unwrap();
        assert!(ids.insert(id), "operationId {id} is used twice");
        assert_eq!(post["summary"], event_type.as_str());
        for tag in post["tags"].as_array().unwrap() {
            assert!(
                tags.contains(tag.as_str().unwrap()),
                "{event_type}: tag {tag}"
            );
        }
        assert!(post["responses"]["2XX"]["description"].is_string());
        let body = &post["requestBody"];
        assert_eq!(body["required"], true);
        let content = &body["content"]["application/json"];
        let reference = content["schema"]["$ref"].as_str().unwrap();
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{event_type}: {reference} is not a component"));
        let schema = &doc.0["components"]["schemas"][name];
        assert_eq!(schema["properties"]["type"]["enum"], json!([event_type]));
        for field in ["id", "type", "version", "timestamp", "data"] {
            assert!(
                schema["required"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(field)),
                "{event_type}: {field} is not required"
            );
        }
        let example = &content["example"];
        assert_eq!(example["type"], event_type.as_str());
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": doc.0["components"],
            "allOf": [content["schema"]],
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|err| panic!("the schema of {event_type} does not compile: {err}"));
        let errors: Vec<String> = validator
            .iter_errors(example)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{event_type}'s example: {errors:?}");
    }
}

fn collect_refs<'a>(value: &'a Value, refs: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                refs.push(reference);
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_lists_exactly_the_api() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    server.stop().await;
    let documented: BTreeSet<(String, String)> = doc
        .operations()
        .iter()
        .map(|op| (op.method.to_uppercase(), op.path.to_owned()))
        .collect();
    let expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(
        documented.difference(&expected).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented, but not in the API's list"
    );
    assert_eq!(
        expected.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "in the API's list, but not documented"
    );
}

/// No document describes a route that does not exist: each operation,
/// called with a dummy id, its credentials and an empty object for a body,
/// reaches its handler (the router's own answers are the fallback's
/// `No route for ...` 404 and a 405). Whatever it answers must be
/// documented. Called without credentials, exactly the operations with a
/// security requirement refuse.
#[tokio::test]
async fn every_documented_operation_is_routed() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    for op in doc.operations() {
        let id = op.id();
        let method = Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let path = op.path_with("does_not_exist");
        let schemes = op.schemes();
        for with_credentials in [true, false] {
            let url = if with_credentials && schemes.contains(&"embed_key") {
                server.url(&format!("{path}?key={EMBED_KEY}"))
            } else {
                server.url(&path)
            };
            let mut request = server.client.request(method.clone(), url);
            if with_credentials && schemes.contains(&"admin_token") {
                request = request.bearer_auth(ADMIN_TOKEN);
            }
            if op.spec["requestBody"].is_object() {
                request = request.json(&json!({}));
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let text = response.text().await.unwrap();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{id}: {path}");
            assert!(
                !text.contains("No route for"),
                "{id}: {method} {path} is not routed: {text}"
            );
            if !with_credentials {
                assert_eq!(
                    status == StatusCode::UNAUTHORIZED,
                    !schemes.is_empty(),
                    "{id} without credentials answered {status}: {text}"
                );
            }
            doc.check(&op, status, &headers, &text);
        }
    }
    server.stop().await;
}

/// Every operation that takes a JSON body reads it strictly, and every
/// refusal is the error shape, as documented: data after the document is
/// 400, a field the operation does not take is 422 naming it, and a body
/// over the limit is 413. Each is checked before anything else happens,
/// so dummy ids do.
#[tokio::test]
async fn every_json_body_is_read_strictly() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    let oversized = format!(r#"{{"x": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let mut checked = Vec::new();
    for op in doc.operations() {
        if !op.spec["requestBody"].is_object() {
            continue;
        }
        let id = op.id().to_owned();
        let method = Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let path = op.path_with("does_not_exist");
        let schemes = op.schemes();
        for (body, expected, field) in [
            (
                r#"{"domains": ["shop.example.com"]} xyz"#,
                (StatusCode::BAD_REQUEST, "invalid_request"),
                None,
            ),
            ("{} {}", (StatusCode::BAD_REQUEST, "invalid_request"), None),
            (
                r#"{"not_a_field": 1}"#,
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
                Some("not_a_field"),
            ),
            (
                oversized.as_str(),
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
                None,
            ),
        ] {
            let url = if schemes.contains(&"embed_key") {
                server.url(&format!("{path}?key={EMBED_KEY}"))
            } else {
                server.url(&path)
            };
            let mut request = server
                .client
                .request(method.clone(), url)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_owned());
            if schemes.contains(&"admin_token") {
                request = request.bearer_auth(ADMIN_TOKEN);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let text = response.text().await.unwrap();
            let answer: Value = serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("{id} answered {status} without JSON: {text}"));
            let short = &body[..body.len().min(40)];
            assert_eq!(
                (status, answer["error"]["code"].as_str().unwrap_or_default()),
                expected,
                "{id} took {short}: {answer}"
            );
            assert_eq!(
                answer["error"]["field"].as_str(),
                field,
                "{id} took {short}: {answer}"
            );
            doc.check(&op, status, &headers, &text);
        }
        checked.push(id);
    }
    // SPEC.md's operations with a body, each of them.
    assert_eq!(checked.len(), 22, "{checked:?}");
    server.stop().await;
}

/// Every operation with a path parameter answers one that is not UTF-8
/// once percent-decoded with the error shape naming it, as documented.
/// Checked before anything else happens, so no real ids are needed.
#[tokio::test]
async fn every_path_parameter_is_read_strictly() {
    let server = TestServer::start(|_| {}).await;
    let doc = Document::fetch(&server).await;
    let mut checked = Vec::new();
    for op in doc.operations() {
        if !op.path.contains('{') {
            continue;
        }
        let id = op.id().to_owned();
        let method = Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let path = op.path_with("%FF");
        let schemes = op.schemes();
        let url = if schemes.contains(&"embed_key") {
            server.url(&format!("{path}?key={EMBED_KEY}"))
        } else {
            server.url(&path)
        };
        let mut request = server.client.request(method, url);
        if op.spec["requestBody"].is_object() {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body("{}");
        }
        if schemes.contains(&"admin_token") {
            request = request.bearer_auth(ADMIN_TOKEN);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let answer: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{id} answered {status} without JSON: {text}"));
        assert_eq!(
            (status, answer["error"]["code"].as_str().unwrap_or_default()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{id}: {answer}"
        );
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("`id`"), "{id}: {answer}");
        doc.check(&op, status, &headers, &text);
        checked.push(id);
    }
    // SPEC.md's operations on one thing by id, each of them.
    assert_eq!(checked.len(), 20, "{checked:?}");
    server.stop().await;
}

/// A campaign's life through both APIs, with webhooks on: every answer is
/// checked against the operation's documented response for its status.
#[tokio::test]
async fn real_answers_match_the_documented_schemas() {
    let receiver = Receiver::start().await;
    let server = TestServer::start(|config| config.allow_private_endpoints = true).await;
    let doc = Document::fetch(&server).await;
    let doc = &doc;

    let (status, _) = server
        .documented(doc, Method::GET, "/api/v1/account", "/api/v1/account", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let domains = "/api/v1/account/allowed-domains";
    let (status, _) = server
        .documented(
            doc,
            Method::PUT,
            domains,
            domains,
            Some(json!({"domains": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    server
        .documented(doc, Method::GET, domains, domains, None)
        .await;

    // Webhooks first, so that the play below queues deliveries.
    let settings = "/api/v1/webhooks/settings";
    let (status, body) = server
        .documented(
            doc,
            Method::PUT,
            settings,
            settings,
            Some(json!({"enabled": true, "url": receiver.url("/ok")})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server
        .documented(doc, Method::GET, settings, settings, None)
        .await;
    let (_, endpoints) = server
        .documented(
            doc,
            Method::GET,
            "/api/v1/webhooks/endpoints",
            "/api/v1/webhooks/endpoints",
            None,
        )
        .await;
    let endpoint_id = endpoints["data"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = server
        .documented(
            doc,
            Method::POST,
            "/api/v1/webhooks/test",
            "/api/v1/webhooks/test",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = server
        .documented(
            doc,
            Method::POST,
            "/api/v1/webhooks/endpoints/{id}/rotate-secret",
            &format!("/api/v1/webhooks/endpoints/{endpoint_id}/rotate-secret"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let recover = format!("/api/v1/webhooks/endpoints/{endpoint_id}/recover");
    let since = adact_domain::time::rfc3339(adact_domain::time::now_ms() - 60_000);
    for (body, expected) in [
        (json!({"since": since}), StatusCode::ACCEPTED),
        (
            json!({"since": "2000-01-01T00:00:00Z"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, _) = server
            .documented(
                doc,
                Method::POST,
                "/api/v1/webhooks/endpoints/{id}/recover",
                &recover,
                Some(body),
            )
            .await;
        assert_eq!(status, expected);
    }

    // A quiz with a form, a pooled prize and a generated one.
    let definition = json!({
        "texts": {"title": "Holiday quiz"},
        "form": {
            "fields": [{"key": "email", "type": "email", "label": "Email", "required": true}],
            "consent": {"label": "Send me news.", "required": false}
        },
        "prizes": [
            {"name": "Gift card", "weight": 1, "stock": 1, "codes": {"pool": ["GC-1"]}},
            {"name": "Free shipping", "weight": 1, "codes": {"generate": {"prefix": "SHIP-"}}}
        ],
        "quiz": {"questions": [{"text": "2 + 2?", "answers": ["3", "4"], "correct": 1}], "pass_score": 1}
    });
    let campaigns = "/api/v1/campaigns";
    let (status, campaign) = server
        .documented(
            doc,
            Method::POST,
            campaigns,
            campaigns,
            Some(json!({"name": "Quiz", "kind": "quiz", "status": "active", "definition": definition})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    let campaign_id = campaign["id"].as_str().unwrap().to_owned();
    let one_campaign = format!("{campaigns}/{campaign_id}");
    let (status, body) = server
        .documented(
            doc,
            Method::PATCH,
            "/api/v1/campaigns/{id}",
            &one_campaign,
            Some(json!({"definition": {"texts": {"title": ""}}})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Edits against the ETag read: the current one saves, a stale one is
    // refused, a malformed one is a bad request.
    let one = "/api/v1/campaigns/{id}";
    let (status, headers, _) = server
        .answer_in_full(
            doc,
            &Method::GET,
            one,
            server.admin(Method::GET, &one_campaign),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let stale = headers[header::ETAG].to_str().unwrap().to_owned();
    let (status, etag, body) = server
        .documented_if_match(
            doc,
            Method::PATCH,
            one,
            &one_campaign,
            &stale,
            Some(json!({"name": "Quiz, renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_ne!(etag.as_deref(), Some(stale.as_str()));
    for (if_match, expected) in [
        (stale.as_str(), StatusCode::PRECONDITION_FAILED),
        ("not quoted", StatusCode::BAD_REQUEST),
    ] {
        let (status, _, body) = server
            .documented_if_match(
                doc,
                Method::PATCH,
                one,
                &one_campaign,
                if_match,
                Some(json!({"name": "Quiz, stale"})),
            )
            .await;
        assert_eq!(status, expected, "{body}");
        let (status, _, body) = server
            .documented_if_match(doc, Method::DELETE, one, &one_campaign, if_match, None)
            .await;
        assert_eq!(status, expected, "{body}");
    }
    let (status, _, body) = server
        .documented_if_match(
            doc,
            Method::PUT,
            settings,
            settings,
            "\"0000000000000000\"",
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");
    let endpoint = "/api/v1/webhooks/endpoints/{id}";
    let one_endpoint = format!("/api/v1/webhooks/endpoints/{endpoint_id}");
    let (status, headers, _) = server
        .answer_in_full(
            doc,
            &Method::GET,
            endpoint,
            server.admin(Method::GET, &one_endpoint),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = server
        .documented_if_match(
            doc,
            Method::PATCH,
            endpoint,
            &one_endpoint,
            headers[header::ETAG].to_str().unwrap(),
            Some(json!({"description": "Checked"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, page) = server
        .documented(
            doc,
            Method::GET,
            campaigns,
            &format!("{campaigns}?limit=1"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page["next_cursor"].is_string(), "{page}");

    let segments = "/api/v1/segments";
    let (status, segment) = server
        .documented(
            doc,
            Method::POST,
            segments,
            segments,
            Some(json!({"title": "Quiz players", "campaign_id": campaign_id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{segment}");
    let (status, _) = server
        .documented(
            doc,
            Method::POST,
            segments,
            segments,
            Some(json!({"title": "Quiz players", "campaign_id": campaign_id})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    server
        .documented(doc, Method::GET, segments, segments, None)
        .await;
    let one_segment = format!("{segments}/{}", segment["id"].as_str().unwrap());
    server
        .documented(
            doc,
            Method::GET,
            "/api/v1/segments/{id}",
            &one_segment,
            None,
        )
        .await;
    let (status, _, body) = server
        .documented_if_match(
            doc,
            Method::PATCH,
            "/api/v1/segments/{id}",
            &one_segment,
            "\"0000000000000000\"",
            Some(json!({"title": "Stale"})),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");

    // The visitor's steps, as the embed sends them.
    let (status, render) = server
        .documented_step(
            doc,
            "/api/v1/embed/render",
            "/api/v1/embed/render",
            json!({"segment": "Quiz players", "user": {"id": "u-1"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{render}");
    let session = render["session"]["id"].as_str().unwrap();
    let token = render["session"]["token"].as_str().unwrap();
    let step = |name: &str| format!("/api/v1/embed/sessions/{session}/{name}");
    let template = |name: &str| format!("/api/v1/embed/sessions/{{id}}/{name}");
    let (status, body) = server
        .documented_step(
            doc,
            &template("register"),
            &step("register"),
            json!({"token": token, "fields": {"email": "not an email"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = server
        .documented_step(
            doc,
            &template("register"),
            &step("register"),
            json!({"token": token, "fields": {"email": "ada@example.com"}, "consent": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server
        .documented_step(
            doc,
            &template("finish"),
            &step("finish"),
            json!({"token": token}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = server
        .documented_step(
            doc,
            &template("play"),
            &step("play"),
            json!({"token": token, "answers": [1]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["prize"].is_object(), "{body}");
    let (status, body) = server
        .documented_step(
            doc,
            &template("finish"),
            &step("finish"),
            json!({"token": token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The campaign's numbers, in the account's time zone.
    let settings = "/api/v1/account/settings";
    for (zone, expected) in [
        ("Mars/Olympus", StatusCode::UNPROCESSABLE_ENTITY),
        ("Europe/Paris", StatusCode::OK),
    ] {
        let change = Some(json!({"time_zone": zone}));
        let (status, body) = server
            .documented(doc, Method::PATCH, settings, settings, change)
            .await;
        assert_eq!(status, expected, "{body}");
    }
    let (status, body) = server
        .documented(doc, Method::GET, settings, settings, None)
        .await;
    assert_eq!(
        (status, &body["time_zone"]),
        (StatusCode::OK, &json!("Europe/Paris"))
    );
    let stats = "/api/v1/campaigns/{id}/stats";
    for (query, expected) in [
        ("", StatusCode::OK),
        ("?from=2026-01-01&to=2026-01-31", StatusCode::OK),
        (
            "?from=2026-02-01&to=2026-01-31",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("?days=3", StatusCode::BAD_REQUEST),
    ] {
        let path = format!("{one_campaign}/stats{query}");
        let (status, body) = server
            .documented(doc, Method::GET, stats, &path, None)
            .await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    let (_, body) = server
        .documented(
            doc,
            Method::GET,
            stats,
            &format!("{one_campaign}/stats"),
            None,
        )
        .await;
    assert_eq!(body["totals"]["plays"], 1, "{body}");
    assert_eq!(
        body["totals"]["wins_by_prize"].as_object().unwrap().len(),
        1
    );

    // The history, with the attempts of the events the play queued.
    let deliveries = "/api/v1/webhooks/deliveries";
    let mut page = Value::Null;
    for _ in 0..100 {
        (_, page) = server
            .documented(
                doc,
                Method::GET,
                deliveries,
                &format!("{deliveries}?status=succeeded&limit=2"),
                None,
            )
            .await;
        if page["next_cursor"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let delivery = page["data"][0]["id"]
        .as_str()
        .expect("no delivery succeeded");
    let (status, body) = server
        .documented(
            doc,
            Method::GET,
            "/api/v1/webhooks/deliveries/{id}",
            &format!("{deliveries}/{delivery}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["attempts"][0]["response"].is_object(), "{body}");
    let (status, _) = server
        .documented(
            doc,
            Method::POST,
            "/api/v1/webhooks/deliveries/{id}/resend",
            &format!("{deliveries}/{delivery}/resend"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let resend_failed = "/api/v1/webhooks/deliveries/resend-failed";
    let (status, _) = server
        .documented(
            doc,
            Method::POST,
            resend_failed,
            resend_failed,
            Some(json!({"since": "2026-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);

    // A campaign a segment shows cannot go; once the segment has, it can.
    for (template, path, expected) in [
        (
            "/api/v1/campaigns/{id}",
            &one_campaign,
            StatusCode::CONFLICT,
        ),
        (
            "/api/v1/segments/{id}",
            &one_segment,
            StatusCode::NO_CONTENT,
        ),
        (
            "/api/v1/campaigns/{id}",
            &one_campaign,
            StatusCode::NO_CONTENT,
        ),
    ] {
        let (status, _) = server
            .documented(doc, Method::DELETE, template, path, None)
            .await;
        assert_eq!(status, expected, "DELETE {path}");
    }
    server.stop().await;
}
