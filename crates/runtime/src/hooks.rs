//! What the generated clients' `ClientHooks` call for the few things progenitor cannot
//! express itself. The normalization layer records, per operation, where the spec needs
//! them (see ARCHITECTURE.md, passes `media-types` and `responses`); the generated code
//! passes those tables here.

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde_json::Value;

/// The entry of `table` (sorted by operationId, as the generator writes every table)
/// for `operation_id`, if any.
pub fn lookup<T: Copy>(table: &[(&str, T)], operation_id: &str) -> Option<T> {
    table
        .binary_search_by(|(id, _)| (*id).cmp(operation_id))
        .ok()
        .map(|i| table[i].1)
}

/// The path template of `operation_id` in `table` (sorted by operationId), or `""`.
pub fn path_template(table: &[(&str, &'static str)], operation_id: &str) -> &'static str {
    lookup(table, operation_id).unwrap_or("")
}

/// Sends the request body as `media` instead of the JSON or raw bytes progenitor built:
/// `multipart/form-data` re-encodes a JSON object into one part per field; any other
/// type only replaces the `Content-Type` of the raw body.
///
/// # Errors
/// A description of the problem when a multipart body is not a JSON object.
pub fn set_request_media(request: &mut reqwest::Request, media: &str) -> Result<(), String> {
    if media != "multipart/form-data" {
        let value = HeaderValue::from_str(media)
            .map_err(|_| format!("`{media}` is not a valid Content-Type"))?;
        request.headers_mut().insert(CONTENT_TYPE, value);
        return Ok(());
    }
    let Some(json) = request.body().and_then(reqwest::Body::as_bytes) else {
        return Ok(()); // no body: nothing to re-encode
    };
    let fields: serde_json::Map<String, Value> = serde_json::from_slice(json)
        .map_err(|e| format!("a multipart/form-data body must be a JSON object: {e}"))?;
    let (boundary, body) = multipart(&fields);
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .expect("the boundary is ASCII");
    request.headers_mut().insert(CONTENT_TYPE, content_type);
    request.headers_mut().remove(CONTENT_LENGTH);
    *request.body_mut() = Some(body.into());
    Ok(())
}

/// Encodes `fields` as `multipart/form-data` (RFC 7578): strings, numbers and booleans
/// as text parts, arrays as one part per element, objects as JSON parts, nulls omitted.
/// Returns the boundary (one that occurs in no value) and the body.
pub fn multipart(fields: &serde_json::Map<String, Value>) -> (String, Vec<u8>) {
    let mut parts: Vec<(&str, Option<&'static str>, String)> = vec![];
    for (name, value) in fields {
        let values: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for v in values {
            match v {
                Value::Null => {}
                Value::String(s) => parts.push((name, None, s.clone())),
                Value::Object(_) | Value::Array(_) => {
                    parts.push((name, Some("application/json"), v.to_string()));
                }
                other => parts.push((name, None, other.to_string())),
            }
        }
    }
    let mut n = 0u32;
    let boundary = loop {
        let candidate = format!("apikit-boundary-{n:08x}");
        if !parts
            .iter()
            .any(|(name, _, v)| v.contains(&candidate) || name.contains(&candidate))
        {
            break candidate;
        }
        n += 1;
    };
    let mut body = Vec::new();
    for (name, content_type, value) in &parts {
        let name = name.replace('\\', "\\\\").replace('"', "\\\"");
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
        );
        if let Some(ct) = content_type {
            body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// For an operation documented with both a JSON and an empty success response (for
/// example 200 with a body and 204 without), gives an empty body with one of the
/// `empty` status ranges the JSON body `null`, so the typed call returns `None` instead
/// of failing to decode nothing. Other responses pass through untouched.
///
/// # Errors
/// Reading the body failed.
pub async fn empty_as_null(
    response: reqwest::Response,
    empty: &[(u16, u16)],
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !empty
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&status.as_u16()))
    {
        return Ok(response);
    }
    let version = response.version();
    let mut headers = response.headers().clone();
    let body = response.bytes().await?;
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.remove(CONTENT_LENGTH);
        Bytes::from_static(b"null")
    } else {
        body
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_templates_are_found_by_operation_id() {
        let table = [
            ("a_op", "/a"),
            ("get_label", "/v1/labels/{id}"),
            ("z", "/z"),
        ];
        assert_eq!(path_template(&table, "get_label"), "/v1/labels/{id}");
        assert_eq!(path_template(&table, "a_op"), "/a");
        assert_eq!(path_template(&table, "missing"), "");
        assert_eq!(lookup(&[("x", 1)], "x"), Some(1));
    }

    #[test]
    fn multipart_encodes_each_field_and_picks_a_free_boundary() {
        let fields = json!({"name": "a \"b\"", "n": 3, "tags": ["x", "y"], "meta": {"k": 1}, "gone": null,
                            "tricky": "--apikit-boundary-00000000"});
        let (boundary, body) = multipart(fields.as_object().unwrap());
        assert_eq!(boundary, "apikit-boundary-00000001");
        let text = String::from_utf8(body).unwrap();
        let b = &boundary;
        assert_eq!(
            text,
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n3\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tricky\"\r\n\r\n--apikit-boundary-00000000\r\n\
                 --{b}--\r\n"
            )
        );
    }

    #[test]
    fn set_request_media_rewrites_multipart_and_labels_others() {
        let mut req =
            reqwest::Request::new(reqwest::Method::POST, "http://localhost/x".parse().unwrap());
        *req.body_mut() = Some(r#"{"a":"1"}"#.into());
        set_request_media(&mut req, "multipart/form-data").unwrap();
        let ct = req.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
        assert_eq!(ct, "multipart/form-data; boundary=apikit-boundary-00000000");
        let body = req.body().unwrap().as_bytes().unwrap();
        assert!(body.starts_with(b"--apikit-boundary-00000000\r\n"));

        *req.body_mut() = Some("[1]".into());
        let e = set_request_media(&mut req, "multipart/form-data").unwrap_err();
        assert!(e.contains("must be a JSON object"), "{e}");

        set_request_media(&mut req, "application/xml").unwrap();
        assert_eq!(req.headers()[CONTENT_TYPE], "application/xml");
    }

    #[tokio::test]
    async fn empty_bodies_become_null_only_for_listed_statuses() {
        let make = |status: u16, body: &'static str| {
            let mut r = http::Response::new(body);
            *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
            reqwest::Response::from(r)
        };
        let r = empty_as_null(make(204, ""), &[(204, 204)]).await.unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(r.text().await.unwrap(), "null");
        let r = empty_as_null(make(200, "{}"), &[(200, 299)]).await.unwrap();
        assert_eq!(r.text().await.unwrap(), "{}");
        let r = empty_as_null(make(404, ""), &[(204, 204)]).await.unwrap();
        assert_eq!(r.text().await.unwrap(), "");
    }
}
