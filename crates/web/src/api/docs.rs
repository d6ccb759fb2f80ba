//! `/api/dokumentasi` (and `/api`, which leads there): the API's documentation as a page,
//! rendered by the server from the very OpenAPI description served at `/api/openapi.json`
//! (`super::openapi`), so the page cannot say what the handlers do not do. Operations are
//! grouped by tag, each with its parameters, request body, responses (their schemas spelled
//! out from the components) and a `curl` example. No script and nothing from elsewhere: the
//! page uses the shell's own vendored styles. Public, like the description (it holds no data).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// Where the documentation page is.
pub const DOCS_PATH: &str = "/api/dokumentasi";

/// How deep nested schemas are spelled out (a deeper one is named, not expanded).
const MAX_DEPTH: usize = 4;

/// One property of a schema, as a line of a nested list.
pub(crate) struct FieldDoc {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
    pub children: Vec<FieldDoc>,
}

/// A schema as shown: its name (for a component) or type, and its properties.
pub(crate) struct SchemaDoc {
    pub title: String,
    pub fields: Vec<FieldDoc>,
}

/// A property as a row of a table: nested ones named by their path (`tasks[].step_no`).
pub(crate) struct FieldRow<'a> {
    pub path: String,
    pub field: &'a FieldDoc,
}

impl SchemaDoc {
    /// The properties and their nested ones, in order, as table rows.
    pub(crate) fn rows(&self) -> Vec<FieldRow<'_>> {
        fn walk<'a>(prefix: &str, fields: &'a [FieldDoc], out: &mut Vec<FieldRow<'a>>) {
            for field in fields {
                let path = format!("{prefix}{}", field.name);
                let inner = if field.kind.starts_with("array") {
                    format!("{path}[].")
                } else {
                    format!("{path}.")
                };
                out.push(FieldRow { path, field });
                walk(&inner, &field.children, out);
            }
        }
        let mut out = Vec::new();
        walk("", &self.fields, &mut out);
        out
    }
}

pub(crate) struct ParamDoc {
    pub name: String,
    /// `path`, `query` or `header`.
    pub place: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

pub(crate) struct ResponseDoc {
    pub status: String,
    pub description: String,
    pub media: String,
    pub schema: Option<SchemaDoc>,
}

pub(crate) struct OperationDoc {
    /// An anchor for links (`get-api-v1-cases`).
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// The scopes a token needs; empty for a public operation.
    pub scopes: Vec<String>,
    pub public: bool,
    pub params: Vec<ParamDoc>,
    pub body_media: String,
    pub body: Option<SchemaDoc>,
    pub responses: Vec<ResponseDoc>,
    pub curl: String,
}

pub(crate) struct TagDoc {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationDoc>,
}

#[derive(Template)]
#[template(path = "api_docs_partial.html")]
struct DocsPartial {
    tr: Tr,
    title: String,
    description: String,
    version: String,
    base: String,
    tags: &'static [TagDoc],
}

/// The `$ref` target's name (`#/components/schemas/Problem` -> `Problem`).
fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// A schema's type as a reader sees it: `string`, `integer | null`, `array of CaseJson`.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(reference).to_owned();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            return options.iter().map(type_of).collect::<Vec<_>>().join(" | ");
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "object".to_owned(),
    };
    let kind = if kind.starts_with("array") {
        let item = schema.get("items").map(type_of).unwrap_or_default();
        kind.replacen("array", &format!("array of {item}"), 1)
    } else {
        kind
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{kind} ({format})"),
        None => kind,
    }
}

/// The component a schema names, followed through `$ref`, arrays and nullable unions.
fn target<'a>(document: &'a Value, schema: &'a Value) -> Option<(&'a str, &'a Value)> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = ref_name(reference);
        return document["components"]["schemas"]
            .get(name)
            .map(|found| (name, found));
    }
    if let Some(items) = schema.get("items") {
        return target(document, items);
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            return options.iter().find_map(|option| target(document, option));
        }
    }
    None
}

/// The properties of `schema`, nested components spelled out to [`MAX_DEPTH`].
fn fields(document: &Value, schema: &Value, depth: usize, seen: &mut Vec<String>) -> Vec<FieldDoc> {
    let schema = match target(document, schema) {
        Some((_, found)) => found,
        None => schema,
    };
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let children = match target(document, property) {
                Some((component, _))
                    if depth < MAX_DEPTH && !seen.iter().any(|s| s == component) =>
                {
                    seen.push(component.to_owned());
                    let inner = fields(document, property, depth + 1, seen);
                    seen.pop();
                    inner
                }
                _ => Vec::new(),
            };
            FieldDoc {
                name: name.clone(),
                kind: type_of(property),
                required: required.contains(name.as_str()),
                description: property
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                children,
            }
        })
        .collect()
}

fn schema_doc(document: &Value, schema: &Value) -> SchemaDoc {
    let title = type_of(schema);
    let mut seen = Vec::new();
    if let Some((name, _)) = target(document, schema) {
        seen.push(name.to_owned());
    }
    SchemaDoc {
        title,
        fields: fields(document, schema, 1, &mut seen),
    }
}

/// The first media type of a `content` object and its schema.
fn first_content(content: Option<&Value>) -> Option<(String, &Value)> {
    let (media, body) = content?.as_object()?.iter().next()?;
    Some((media.clone(), body.get("schema")?))
}

/// A placeholder for a JSON value of `kind` in an example.
fn example_value(kind: &str) -> Value {
    if kind.starts_with("integer") {
        Value::from(1)
    } else if kind.starts_with("boolean") {
        Value::Bool(true)
    } else if kind.starts_with("array") {
        Value::Array(Vec::new())
    } else {
        Value::from("...")
    }
}

/// The `curl` command of an operation: the token from `$PELIHARA_TOKEN`, path parameters as
/// `{...}` to fill in, and the body's required fields (or a few) as placeholders.
fn curl(base: &str, operation: &OperationDoc) -> String {
    let mut lines = Vec::new();
    let method = operation.method.to_uppercase();
    let mut first = "curl".to_owned();
    if method != "GET" {
        first.push_str(&format!(" -X {method}"));
    }
    first.push_str(&format!(" '{base}{}'", operation.path));
    lines.push(first);
    if !operation.public {
        lines.push("  -H \"Authorization: Bearer $PELIHARA_TOKEN\"".to_owned());
    }
    lines.push("  -H 'Accept-Language: id'".to_owned());
    for param in &operation.params {
        if param.place == "header" && param.name == "Idempotency-Key" {
            lines.push("  -H \"Idempotency-Key: $(uuidgen)\"".to_owned());
        }
    }
    if let Some(body) = &operation.body {
        let chosen: Vec<&FieldDoc> = {
            let required: Vec<&FieldDoc> = body.fields.iter().filter(|f| f.required).collect();
            if required.is_empty() {
                body.fields.iter().take(2).collect()
            } else {
                required
            }
        };
        if operation.body_media.starts_with("multipart/") {
            for field in &body.fields {
                if field.kind.contains("binary") {
                    lines.push(format!(
                        "  -F '{}=@surat.pdf;type=application/pdf'",
                        field.name
                    ));
                } else {
                    lines.push(format!("  -F '{}=...'", field.name));
                }
            }
        } else {
            let mut example = serde_json::Map::new();
            for field in chosen {
                example.insert(field.name.clone(), example_value(&field.kind));
            }
            lines.push("  -H 'Content-Type: application/json'".to_owned());
            lines.push(format!("  -d '{}'", Value::Object(example)));
        }
    }
    lines.join(" \\\n")
}

/// The documentation read from the description, grouped by its tags in their order.
fn build(document: &Value, base: &str) -> Vec<TagDoc> {
    let mut tags: Vec<TagDoc> = document["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|tag| TagDoc {
                    name: tag["name"].as_str().unwrap_or_default().to_owned(),
                    description: tag["description"].as_str().unwrap_or_default().to_owned(),
                    operations: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(paths) = document["paths"].as_object() else {
        return tags;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let scopes: Vec<String> = operation["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .flat_map(|requirement| requirement.values())
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            let params = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|param| ParamDoc {
                    name: param["name"].as_str().unwrap_or_default().to_owned(),
                    place: param["in"].as_str().unwrap_or_default().to_owned(),
                    kind: type_of(&param["schema"]),
                    required: param["required"].as_bool().unwrap_or(false),
                    description: param["description"].as_str().unwrap_or_default().to_owned(),
                })
                .collect();
            let (body_media, body) = match first_content(operation["requestBody"].get("content")) {
                Some((media, schema)) => (media, Some(schema_doc(document, schema))),
                None => (String::new(), None),
            };
            let responses = operation["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, response)| {
                    let content = first_content(response.get("content"));
                    ResponseDoc {
                        status: status.clone(),
                        description: response["description"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        media: content
                            .as_ref()
                            .map(|(media, _)| media.clone())
                            .unwrap_or_default(),
                        // A problem's schema is described once, above the operations.
                        schema: content
                            .filter(|(media, _)| media != super::problem::PROBLEM_JSON)
                            .map(|(_, schema)| schema_doc(document, schema)),
                    }
                })
                .collect();
            // The handlers' doc comments quote code in Markdown backticks; the page shows
            // plain text (paths and names are set apart by the tables instead).
            let plain = |key: &str| operation[key].as_str().unwrap_or_default().replace('`', "");
            let mut doc = OperationDoc {
                anchor: format!("{method}{}", path.replace(['/', '{', '}'], "-")),
                method: method.to_owned(),
                path: path.clone(),
                summary: plain("summary"),
                description: plain("description"),
                public: scopes.is_empty() && operation.get("security").is_none(),
                scopes,
                params,
                body_media,
                body,
                responses,
                curl: String::new(),
            };
            doc.curl = curl(base, &doc);
            let tag = operation["tags"][0].as_str().unwrap_or_default();
            match tags.iter_mut().find(|known| known.name == tag) {
                Some(known) => known.operations.push(doc),
                None => tags.push(TagDoc {
                    name: tag.to_owned(),
                    description: String::new(),
                    operations: vec![doc],
                }),
            }
        }
    }
    tags.retain(|tag| !tag.operations.is_empty());
    tags
}

/// The documentation of this installation (built once: the description never changes while
/// the server runs, and the base address is the configured one).
fn documentation(base: &str) -> &'static [TagDoc] {
    static DOCS: OnceLock<Vec<TagDoc>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let document = serde_json::to_value(super::openapi()).unwrap_or_default();
        build(&document, base)
    })
}

/// `GET /api/dokumentasi`: the API documentation page.
pub(crate) async fn view_api_dokumentasi_get(
    State(state): State<AppState>,
    shell: Shell,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let base = state
        .config()
        .public_origin()
        .unwrap_or_else(|| "https://pelihara.example".to_owned());
    let document = super::openapi();
    let partial = DocsPartial {
        tr,
        title: document.info.title.clone(),
        description: document
            .info
            .description
            .clone()
            .unwrap_or_default()
            .replace('`', ""),
        version: document.info.version.clone(),
        tags: documentation(&base),
        base,
    };
    page_or_partial(shell, partial, |tr, _| tr.t("api-docs-title"))
}

/// `GET /api`: leads to the documentation.
pub(crate) async fn view_api_get() -> Response {
    Redirect::to(DOCS_PATH).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_description_is_documented_under_its_tag() {
        let document = serde_json::to_value(crate::api::openapi()).unwrap();
        let tags = build(&document, "https://pelihara.example");
        let documented: usize = tags.iter().map(|tag| tag.operations.len()).sum();
        let described: usize = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(documented, described);
        let cases = tags.iter().find(|tag| tag.name == "cases").unwrap();
        let submit = cases
            .operations
            .iter()
            .find(|op| op.method == "post" && op.path == "/api/v1/cases")
            .unwrap();
        assert!(submit.scopes.contains(&"submit".to_owned()));
        assert!(
            submit.curl.contains("-F 'letter=@surat.pdf"),
            "{}",
            submit.curl
        );
        assert!(submit.curl.contains("Idempotency-Key"), "{}", submit.curl);
        let body = submit.body.as_ref().unwrap();
        assert!(
            body.fields
                .iter()
                .any(|field| field.name == "subject" && field.required)
        );
        // A response's component is spelled out with its nested fields.
        let ok = submit.responses.iter().find(|r| r.status == "201").unwrap();
        let schema = ok.schema.as_ref().unwrap();
        let tasks = schema
            .fields
            .iter()
            .find(|field| field.name == "tasks")
            .unwrap();
        assert!(tasks.children.iter().any(|field| field.name == "step_no"));
        // The public tracking needs no token.
        let tracking = tags.iter().find(|tag| tag.name == "tracking").unwrap();
        assert!(tracking.operations[0].public);
        assert!(!tracking.operations[0].curl.contains("Authorization"));
    }
}
