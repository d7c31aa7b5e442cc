//! Pass `swagger-2.0`: converts a Swagger 2.0 document into OpenAPI 3.0.3, the way the
//! 3.0 specification maps each construct:
//!
//! - `host` + `basePath` + `schemes` become `servers` (https when no scheme is given);
//! - `definitions`, `parameters`, `responses` and `securityDefinitions` move under
//!   `components` (`schemas`, `parameters` / `requestBodies`, `responses`,
//!   `securitySchemes`), and every `$ref` follows them;
//! - a `body` parameter becomes the `requestBody`, offered in each `consumes` type
//!   (default `application/json`);
//! - `formData` parameters become one object schema sent as `multipart/form-data` when
//!   the operation consumes it or uploads a `file`, else as
//!   `application/x-www-form-urlencoded`;
//! - other parameters move `type`/`format`/`items`/`enum`/... into `schema`, and
//!   `collectionFormat` becomes `style`/`explode`;
//! - a response `schema` is offered in each `produces` type (default
//!   `application/json`); response headers get a `schema`;
//! - `type: file` becomes `string`/`binary`, `x-nullable` becomes `nullable`, a string
//!   `discriminator` becomes `{propertyName}`; oauth2 `flow`s become 3.0 `flows`.
//!
//! Anything else is left untouched: an OpenAPI 3.x document passes through unchanged.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, pointer_token};
use crate::normalize::Ctx;
use crate::normalize::METHODS;
use crate::normalize::walk::{self, Object};

/// Parameter keys that describe the value and belong in `schema` in 3.0.
const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

pub fn run(doc: &mut Value, cx: &mut Ctx<'_>) -> Result<()> {
    let file = cx.file;
    let Value::Object(root) = doc else {
        return Ok(());
    };
    match root.get("swagger") {
        None => return Ok(()),
        Some(Value::String(v)) if v == "2.0" => {}
        // Some published documents write the version as a YAML/JSON number.
        Some(Value::Number(n)) if n.as_f64() == Some(2.0) => {}
        Some(other) => {
            return Err(Error::Spec {
                file: file.to_owned(),
                pointer: "/swagger".into(),
                message: format!("only Swagger 2.0 can be converted, found `swagger: {other}`"),
            });
        }
    }
    let mut old = std::mem::take(root);
    let take = |old: &mut Object, key: &str| old.remove(key);
    let mut out = Map::new();
    out.insert("openapi".into(), "3.0.3".into());
    take(&mut old, "swagger");
    if let Some(info) = take(&mut old, "info") {
        out.insert("info".into(), info);
    }
    out.insert("servers".into(), servers(&mut old));
    let consumes = strings(take(&mut old, "consumes"));
    let produces = strings(take(&mut old, "produces"));
    let globals = Globals {
        parameters: match take(&mut old, "parameters") {
            Some(Value::Object(p)) => p,
            _ => Map::new(),
        },
        consumes,
        produces,
    };

    let mut paths = Map::new();
    if let Some(Value::Object(old_paths)) = take(&mut old, "paths") {
        for (path, item) in old_paths {
            let ptr = format!("/paths/{}", pointer_token(&path));
            paths.insert(path, convert_path_item(item, &globals, file, &ptr)?);
        }
    }
    out.insert("paths".into(), Value::Object(paths));

    let mut components = Map::new();
    if let Some(defs) = take(&mut old, "definitions") {
        components.insert("schemas".into(), defs);
    }
    let mut parameters = Map::new();
    let mut bodies = Map::new();
    for (name, p) in &globals.parameters {
        match p.get("in").and_then(Value::as_str) {
            Some("body") => {
                bodies.insert(name.clone(), body_of(p, &globals.consumes));
            }
            // formData parameters are folded into each operation's body instead.
            Some("formData") => {}
            _ => {
                parameters.insert(name.clone(), convert_parameter(p.clone()));
            }
        }
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    if !bodies.is_empty() {
        components.insert("requestBodies".into(), Value::Object(bodies));
    }
    if let Some(Value::Object(responses)) = take(&mut old, "responses") {
        let converted = responses
            .into_iter()
            .map(|(k, r)| (k, convert_response(r, &globals.produces)))
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(defs)) = take(&mut old, "securityDefinitions") {
        let schemes = defs
            .into_iter()
            .map(|(k, s)| (k, convert_security(s)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    // security, tags, externalDocs and extensions keep their 2.0 shape.
    for (k, v) in old {
        if k != "host" && k != "basePath" && k != "schemes" {
            out.insert(k, v);
        }
    }
    let body_params: Vec<String> = globals
        .parameters
        .iter()
        .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body"))
        .map(|(k, _)| k.clone())
        .collect();
    *doc = Value::Object(out);
    rewrite_refs(doc, &body_params);
    walk::schemas_mut(doc, &mut |s, _| {
        convert_schema(s);
        Ok(())
    })
}

struct Globals {
    parameters: Object,
    consumes: Vec<String>,
    produces: Vec<String>,
}

fn strings(v: Option<Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => vec![],
    }
}

fn servers(old: &mut Object) -> Value {
    let host = old
        .remove("host")
        .and_then(|h| h.as_str().map(str::to_owned));
    let base = old
        .remove("basePath")
        .and_then(|b| b.as_str().map(str::to_owned))
        .unwrap_or_default();
    let schemes = strings(old.remove("schemes"));
    let Some(host) = host else {
        let url = if base.is_empty() { "/".into() } else { base };
        return json!([{ "url": url }]);
    };
    let mut schemes: Vec<String> = schemes
        .into_iter()
        .filter(|s| s == "https" || s == "http")
        .collect();
    // Prefer https when both are offered.
    schemes.sort_by_key(|s| s != "https");
    if schemes.is_empty() {
        schemes.push("https".into());
    }
    Value::Array(
        schemes
            .iter()
            .map(|s| json!({ "url": format!("{s}://{host}{base}") }))
            .collect(),
    )
}

fn convert_path_item(item: Value, g: &Globals, file: &Path, ptr: &str) -> Result<Value> {
    let Value::Object(mut item) = item else {
        return Ok(item);
    };
    let shared: Vec<Value> = match item.remove("parameters") {
        Some(Value::Array(p)) => p,
        _ => vec![],
    };
    let mut out = Map::new();
    let (shared_plain, shared_body): (Vec<Value>, Vec<Value>) = shared
        .into_iter()
        .partition(|p| !is_body_like(p, &g.parameters));
    if !shared_plain.is_empty() {
        let converted = shared_plain.into_iter().map(plain_param).collect();
        out.insert("parameters".into(), Value::Array(converted));
    }
    for (key, value) in item {
        if METHODS.contains(&key.as_str()) {
            let op_ptr = format!("{ptr}/{key}");
            let op = convert_operation(value, &shared_body, g, file, &op_ptr)?;
            out.insert(key, op);
        } else {
            out.insert(key, value);
        }
    }
    Ok(Value::Object(out))
}

/// The global parameter a `$ref` points at, if it is one.
fn global<'a>(p: &'a Value, globals: &'a Object) -> Option<&'a Value> {
    let r = p.get("$ref")?.as_str()?;
    globals.get(r.strip_prefix("#/parameters/")?)
}

fn location<'a>(p: &'a Value, globals: &'a Object) -> Option<&'a str> {
    global(p, globals)
        .unwrap_or(p)
        .get("in")
        .and_then(Value::as_str)
}

fn is_body_like(p: &Value, globals: &Object) -> bool {
    matches!(location(p, globals), Some("body" | "formData"))
}

fn plain_param(p: Value) -> Value {
    if p.get("$ref").is_some() {
        p // rewritten with every other $ref
    } else {
        convert_parameter(p)
    }
}

fn convert_operation(
    op: Value,
    shared_body: &[Value],
    g: &Globals,
    file: &Path,
    ptr: &str,
) -> Result<Value> {
    let Value::Object(mut op) = op else {
        return Ok(op);
    };
    let consumes = match op.remove("consumes") {
        Some(v) => strings(Some(v)),
        None => g.consumes.clone(),
    };
    let produces = match op.remove("produces") {
        Some(v) => strings(Some(v)),
        None => g.produces.clone(),
    };
    op.remove("schemes");
    let own: Vec<Value> = match op.remove("parameters") {
        Some(Value::Array(p)) => p,
        _ => vec![],
    };
    let mut params = vec![];
    let mut body: Option<Value> = None;
    let mut form: Vec<Value> = vec![];
    for (i, p) in shared_body.iter().cloned().chain(own).enumerate() {
        match location(&p, &g.parameters) {
            Some("body") => {
                if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                    let name = r.trim_start_matches("#/parameters/");
                    body = Some(json!({ "$ref": format!("#/components/requestBodies/{name}") }));
                } else {
                    body = Some(body_of(&p, &consumes));
                }
            }
            Some("formData") => form.push(global(&p, &g.parameters).cloned().unwrap_or(p)),
            Some(_) => params.push(plain_param(p)),
            None => {
                return Err(Error::Spec {
                    file: file.to_owned(),
                    pointer: format!("{ptr}/parameters/{i}"),
                    message: "parameter has no `in` (or its $ref does not resolve)".into(),
                });
            }
        }
    }
    let mut out = Map::new();
    for (k, v) in op {
        if k == "responses" {
            let Value::Object(responses) = v else {
                out.insert(k, v);
                continue;
            };
            let converted = responses
                .into_iter()
                .map(|(code, r)| (code, convert_response(r, &produces)))
                .collect();
            out.insert(k, Value::Object(converted));
        } else {
            out.insert(k, v);
        }
    }
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    if !form.is_empty() {
        body = Some(form_body(form, &consumes));
    }
    if let Some(body) = body {
        out.insert("requestBody".into(), body);
    }
    Ok(Value::Object(out))
}

fn body_of(p: &Value, consumes: &[String]) -> Value {
    let schema = p.get("schema").cloned().unwrap_or_else(|| json!({}));
    let types: Vec<String> = if consumes.is_empty() {
        vec!["application/json".into()]
    } else {
        consumes.to_vec()
    };
    let content: Object = types
        .into_iter()
        .map(|t| (t, json!({ "schema": schema.clone() })))
        .collect();
    let mut body = json!({ "content": content });
    if let Some(d) = p.get("description") {
        body["description"] = d.clone();
    }
    if p.get("required") == Some(&Value::Bool(true)) {
        body["required"] = true.into();
    }
    body
}

fn form_body(params: Vec<Value>, consumes: &[String]) -> Value {
    let mut properties = Map::new();
    let mut required = vec![];
    let mut file = false;
    for p in params {
        let Some(name) = p.get("name").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        file |= p.get("type") == Some(&json!("file"));
        if p.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.clone()));
        }
        let mut schema = schema_of(&p);
        if let (Some(d), Value::Object(s)) = (p.get("description"), &mut schema) {
            s.insert("description".into(), d.clone());
        }
        properties.insert(name, schema);
    }
    let media = if file
        || consumes
            .iter()
            .any(|c| c.starts_with("multipart/form-data"))
    {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    json!({ "required": true, "content": { media: { "schema": schema } } })
}

/// The 3.0 schema of a 2.0 non-body parameter.
fn schema_of(p: &Value) -> Value {
    let mut schema = Map::new();
    if let Value::Object(p) = p {
        for key in SCHEMA_KEYS {
            if let Some(v) = p.get(key) {
                schema.insert(key.into(), v.clone());
            }
        }
    }
    Value::Object(schema)
}

fn convert_parameter(p: Value) -> Value {
    let Value::Object(mut p) = p else { return p };
    let schema = schema_of(&Value::Object(p.clone()));
    for key in SCHEMA_KEYS {
        p.remove(key);
    }
    let location = p.get("in").and_then(Value::as_str).unwrap_or("").to_owned();
    if let Some(Value::String(format)) = p.remove("collectionFormat") {
        let (style, explode) = match format.as_str() {
            "multi" => ("form", true),
            "ssv" => ("spaceDelimited", false),
            "pipes" => ("pipeDelimited", false),
            // csv (the default) and tsv
            _ if location == "query" => ("form", false),
            _ => ("simple", false),
        };
        p.insert("style".into(), style.into());
        p.insert("explode".into(), explode.into());
    }
    if location == "path" {
        p.insert("required".into(), true.into());
    }
    p.insert("schema".into(), schema);
    Value::Object(p)
}

fn convert_response(r: Value, produces: &[String]) -> Value {
    let Value::Object(mut r) = r else { return r };
    if r.contains_key("$ref") {
        return Value::Object(r);
    }
    if let Some(schema) = r.remove("schema") {
        let types: Vec<String> = if produces.is_empty() {
            vec!["application/json".into()]
        } else {
            produces.to_vec()
        };
        let content: Object = types
            .into_iter()
            .map(|t| (t, json!({ "schema": schema.clone() })))
            .collect();
        r.insert("content".into(), Value::Object(content));
    }
    r.remove("examples");
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        for h in headers.values_mut() {
            let schema = schema_of(h);
            if let Value::Object(h) = h {
                for key in SCHEMA_KEYS {
                    h.remove(key);
                }
                h.remove("collectionFormat");
                h.insert("schema".into(), schema);
            }
        }
    }
    r.entry("description").or_insert_with(|| "".into());
    Value::Object(r)
}

fn convert_security(s: Value) -> Value {
    let Value::Object(mut s) = s else { return s };
    match s.get("type").and_then(Value::as_str) {
        Some("basic") => {
            s.insert("type".into(), "http".into());
            s.insert("scheme".into(), "basic".into());
        }
        Some("oauth2") => {
            let flow = s.remove("flow").and_then(|f| f.as_str().map(str::to_owned));
            let mut body = Map::new();
            for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                if let Some(v) = s.remove(key) {
                    body.insert(key.into(), v);
                }
            }
            body.entry("scopes").or_insert_with(|| json!({}));
            let name = match flow.as_deref() {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("application") => "clientCredentials",
                _ => "authorizationCode",
            };
            s.insert("flows".into(), json!({ name: body }));
        }
        _ => {}
    }
    Value::Object(s)
}

/// Points every `$ref` at the 3.0 location of its target.
fn rewrite_refs(v: &mut Value, body_params: &[String]) {
    walk::refs_mut(v, &mut |r| {
        // Early 2.0 documents refer to a definition by its bare name (`$ref: pet`).
        if !r.starts_with('#') && !r.contains(['/', '.', ':']) {
            *r = format!("#/definitions/{r}");
        }
        if let Some(rest) = r.strip_prefix("#/definitions/") {
            *r = format!("#/components/schemas/{rest}");
        } else if let Some(rest) = r.strip_prefix("#/responses/") {
            *r = format!("#/components/responses/{rest}");
        } else if let Some(rest) = r.strip_prefix("#/parameters/") {
            let kind = if body_params.iter().any(|b| b == rest) {
                "requestBodies"
            } else {
                "parameters"
            };
            *r = format!("#/components/{kind}/{rest}");
        }
    });
}

fn convert_schema(s: &mut Object) {
    if s.get("type") == Some(&json!("file")) {
        s.insert("type".into(), "string".into());
        s.insert("format".into(), "binary".into());
    }
    if let Some(n) = s.remove("x-nullable")
        && n == true
    {
        s.insert("nullable".into(), true.into());
    }
    if let Some(Value::String(property)) = s.get("discriminator").cloned() {
        s.insert("discriminator".into(), json!({ "propertyName": property }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_document_shape() {
        let mut doc = json!({
            "swagger": "2.0",
            "info": {"title": "Pets", "version": "1"},
            "host": "api.example.com", "basePath": "/v2", "schemes": ["http", "https"],
            "consumes": ["application/json"], "produces": ["application/json"],
            "securityDefinitions": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "basic": {"type": "basic"},
                "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"read": "r"}}
            },
            "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer"},
                           "PetBody": {"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}},
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "type": "string"}],
                "put": {"operationId": "updatePet",
                        "parameters": [{"$ref": "#/parameters/PetBody"}, {"$ref": "#/parameters/Limit"},
                                       {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"}],
                        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"},
                                              "headers": {"X-Rate": {"type": "integer"}}}}},
                "post": {"consumes": ["multipart/form-data"],
                         "parameters": [{"name": "photo", "in": "formData", "type": "file", "required": true},
                                        {"name": "note", "in": "formData", "type": "string"}],
                         "responses": {"204": {"description": "stored"}}}
            }},
            "definitions": {"Pet": {"type": "object", "properties": {"tag": {"type": "string", "x-nullable": true}}}}
        });
        crate::normalize::run_alone(run, &mut doc, Path::new("x.yaml")).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(
            doc["servers"],
            json!([{"url": "https://api.example.com/v2"}, {"url": "http://api.example.com/v2"}])
        );
        let c = &doc["components"];
        assert_eq!(
            c["schemas"]["Pet"]["properties"]["tag"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            c["parameters"]["Limit"],
            json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})
        );
        assert_eq!(
            c["requestBodies"]["PetBody"],
            json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
        );
        assert_eq!(
            c["securitySchemes"]["basic"],
            json!({"type": "http", "scheme": "basic"})
        );
        assert_eq!(
            c["securitySchemes"]["oauth"]["flows"]["authorizationCode"]["tokenUrl"],
            "https://t"
        );
        let item = &doc["paths"]["/pets/{id}"];
        assert_eq!(
            item["parameters"],
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        let put = &item["put"];
        assert_eq!(
            put["requestBody"],
            json!({"$ref": "#/components/requestBodies/PetBody"})
        );
        assert_eq!(
            put["parameters"],
            json!([{"$ref": "#/components/parameters/Limit"},
                   {"name": "tags", "in": "query", "style": "form", "explode": false,
                    "schema": {"type": "array", "items": {"type": "string"}}}])
        );
        assert_eq!(
            put["responses"]["200"],
            json!({"description": "ok",
                   "headers": {"X-Rate": {"schema": {"type": "integer"}}},
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
        );
        assert_eq!(
            item["post"]["requestBody"],
            json!({"required": true, "content": {"multipart/form-data": {"schema": {
                "type": "object",
                "properties": {"photo": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
                "required": ["photo"]}}}})
        );
    }

    #[test]
    fn numeric_version_and_bare_definition_refs() {
        let mut doc = json!({"swagger": 2.0, "info": {"title": "t", "version": "1"}, "paths": {},
            "definitions": {"pet": {"type": "object"}, "newPet": {"allOf": [{"$ref": "pet"}]}}});
        crate::normalize::run_alone(run, &mut doc, Path::new("x.json")).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["newPet"]["allOf"][0]["$ref"],
            "#/components/schemas/pet"
        );
    }

    #[test]
    fn other_swagger_versions_are_refused_with_the_field() {
        let e =
            crate::normalize::run_alone(run, &mut json!({"swagger": "1.2"}), Path::new("x.yaml"))
                .unwrap_err()
                .to_string();
        assert!(e.starts_with("x.yaml#/swagger: only Swagger 2.0"), "{e}");
    }
}
