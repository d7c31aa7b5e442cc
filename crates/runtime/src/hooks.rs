//! What the generated clients' `ClientHooks` call for the few things progenitor cannot
//! express itself. The normalization layer records, per operation, where the spec needs
//! them (see ARCHITECTURE.md, passes `media-types` and `responses`); the generated code
//! passes those tables here.

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde_json::Value;

/// What the spec says about an operation's request body beyond its media type, for
/// [`set_request_media_with`]. Built with [`MediaFacts::binary`] (or `default()` for
/// nothing more), as the generated hooks pass it per operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaFacts<'a> {
    /// The fields of a `multipart/form-data` body that the spec declares
    /// `type: string, format: binary` (OpenAPI 3) or `type: file` (Swagger 2).
    pub binary_fields: &'a [&'a str],
}

impl<'a> MediaFacts<'a> {
    /// Facts naming the multipart fields that are files (`format: binary`).
    pub const fn binary(binary_fields: &'a [&'a str]) -> Self {
        Self { binary_fields }
    }
}

/// Sends the request body as `media` instead of the JSON or raw bytes progenitor built:
/// `multipart/form-data` re-encodes a JSON object into one part per field; any other
/// type only replaces the `Content-Type` of the raw body. The same as
/// [`set_request_media_with`] with no [`MediaFacts`]: every multipart field is a text
/// (or JSON) part.
///
/// # Errors
/// A description of the problem when a multipart body is not a JSON object.
pub fn set_request_media(request: &mut reqwest::Request, media: &str) -> Result<(), String> {
    set_request_media_with(request, media, &MediaFacts::default())
}

/// [`set_request_media`], with a multipart body's fields named in
/// [`MediaFacts::binary_fields`] sent as file parts (see [`multipart_with`]).
///
/// The multipart body is encoded completely before it is sent, so it stays a plain byte
/// body that [`Runtime::execute`](crate::Runtime::execute) can clone for a retry.
///
/// # Errors
/// A description of the problem when a multipart body is not a JSON object, or `media`
/// is not a valid `Content-Type`.
pub fn set_request_media_with(
    request: &mut reqwest::Request,
    media: &str,
    facts: &MediaFacts<'_>,
) -> Result<(), String> {
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
    let (boundary, body) = multipart_with(&fields, facts.binary_fields)?;
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .map_err(|_| "the multipart boundary is not a valid header value".to_owned())?;
    request.headers_mut().insert(CONTENT_TYPE, content_type);
    request.headers_mut().remove(CONTENT_LENGTH);
    *request.body_mut() = Some(body.into());
    Ok(())
}

/// [`multipart_with`] with no binary fields.
///
/// # Panics
/// Never: the parts are all in memory (see [`multipart_with`]'s errors).
pub fn multipart(fields: &serde_json::Map<String, Value>) -> (String, Vec<u8>) {
    multipart_with(fields, &[]).expect("in-memory multipart parts encode without error")
}

/// Encodes `fields` as `multipart/form-data` (RFC 7578) with reqwest's encoder
/// ([`reqwest::multipart::Form`]): strings, numbers and booleans as text parts, arrays as
/// one part per element, objects as `application/json` parts, nulls omitted. A field
/// named in `binary_fields` is a file part instead: its string (or array of byte values)
/// as the content, `Content-Type: application/octet-stream`, and the field name as the
/// file name. Returns the boundary and the body.
///
/// Field and file names are escaped as browsers do (the HTML standard's
/// `multipart/form-data` encoding): `"` as `%22`, CR as `%0D`, LF as `%0A`, everything
/// else as it is. So a name holding CR LF or a quote cannot end the header line or the
/// parameter. (reqwest's own default, RFC 8187 `name*=utf-8''...` for any name with a
/// space, quote or non-ASCII letter, is not read by common server parsers such as
/// multer, so it is turned off.)
///
/// The boundary is `apikit-boundary-` and eight hex digits, the first such one that
/// occurs nowhere in the encoded parts, rather than reqwest's random one: the same
/// fields give the same body, which keeps request bodies comparable in tests and logs.
///
/// # Errors
/// Only if reqwest's encoder failed to produce the in-memory body at once, which its
/// byte parts never do.
pub fn multipart_with(
    fields: &serde_json::Map<String, Value>,
    binary_fields: &[&str],
) -> Result<(String, Vec<u8>), String> {
    use futures::{FutureExt, TryStreamExt};
    use reqwest::multipart::{Form, Part};

    let mut form = Form::new().percent_encode_noop();
    let mut parts = 0usize;
    for (name, value) in fields {
        let binary = binary_fields.contains(&name.as_str());
        let values: Vec<&Value> = match value {
            // A byte array is one file, not one part per byte.
            Value::Array(items) if binary && !items.is_empty() && bytes_of(items).is_some() => {
                vec![value]
            }
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for v in values {
            let part = match v {
                Value::Null => continue,
                _ if binary => {
                    let content = match v {
                        Value::String(s) => s.clone().into_bytes(),
                        Value::Array(items) => bytes_of(items).unwrap_or_default(),
                        other => other.to_string().into_bytes(),
                    };
                    Part::bytes(content)
                        .file_name(escape_name(name))
                        .mime_str("application/octet-stream")
                        .map_err(|e| format!("multipart file part: {e}"))?
                }
                Value::String(s) => Part::text(s.clone()),
                Value::Object(_) | Value::Array(_) => Part::text(v.to_string())
                    .mime_str("application/json")
                    .map_err(|e| format!("multipart JSON part: {e}"))?,
                other => Part::text(other.to_string()),
            };
            form = form.part(escape_name(name), part);
            parts += 1;
        }
    }
    let theirs = form.boundary().to_owned();
    // Byte and text parts are in memory: every chunk of the stream is ready at once.
    let body: Vec<u8> = form
        .into_stream()
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .now_or_never()
        .ok_or("the multipart encoder did not finish at once")?
        .map_err(|e| format!("the multipart encoder failed: {e}"))?;
    let mut n = 0u32;
    let ours = loop {
        let candidate = format!("apikit-boundary-{n:08x}");
        if find(&body, candidate.as_bytes()).is_none() {
            break candidate;
        }
        n += 1;
    };
    if parts == 0 {
        // reqwest sends nothing for an empty form; a multipart body needs its close.
        return Ok((ours.clone(), format!("--{ours}--\r\n").into_bytes()));
    }
    // Each part starts with `--<boundary>` and the body ends with `--<boundary>--`; with
    // one more occurrence than parts, swap reqwest's boundary for ours. Otherwise (a
    // reqwest that lays parts out differently) its own body and boundary are kept.
    let delimiter = format!("--{theirs}");
    match replace_all(&body, delimiter.as_bytes(), format!("--{ours}").as_bytes()) {
        (rewritten, count) if count == parts + 1 => Ok((ours, rewritten)),
        _ => Ok((theirs, body)),
    }
}

/// The bytes of a JSON array of numbers 0 to 255 (how serde writes a `Vec<u8>`).
fn bytes_of(items: &[Value]) -> Option<Vec<u8>> {
    items
        .iter()
        .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect()
}

/// A field or file name as browsers write it in a part header: `"`, CR and LF
/// percent-encoded, the rest as is.
fn escape_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `bytes` with every `from` replaced by `to`, and how many were.
fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    let mut count = 0;
    while let Some(at) = find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
        count += 1;
    }
    out.extend_from_slice(rest);
    (out, count)
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

/// Widens the request's `Accept` (`application/json`, as progenitor sets it) by
/// `media` at a low weight: `application/json, */*;q=0.1`. For an operation whose spec
/// declares its response as a wildcard type (`*/*`): the client still prefers JSON, and
/// a server that negotiates against the declared type finds it acceptable. A request
/// without an `Accept` header accepts anything already and is left alone.
///
/// # Errors
/// `media` does not make a valid header value.
pub fn accept_also(request: &mut reqwest::Request, media: &str) -> Result<(), String> {
    let Some(current) = request.headers().get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let value = HeaderValue::from_str(&format!("{current}, {media};q=0.1"))
        .map_err(|_| format!("`{media}` is not a valid Accept value"))?;
    request.headers_mut().insert(ACCEPT, value);
    Ok(())
}

/// Puts parameters back under the names the spec gives them, where the generator had
/// to give them another (two parameters of one operation whose Rust names collide, e.g.
/// `MaxResults` and `max-results`). Each entry is `(location, sent_as, name)`, location
/// `"query"` or `"header"`: every query pair (or the header) called `sent_as` is renamed
/// to `name`, values and order unchanged.
///
/// # Errors
/// `name` is not a valid header name.
pub fn rename_params(
    request: &mut reqwest::Request,
    renames: &[(&str, &str, &str)],
) -> Result<(), String> {
    for (location, sent_as, name) in renames {
        match *location {
            "query" => {
                let url = request.url_mut();
                if !url.query_pairs().any(|(k, _)| k == *sent_as) {
                    continue;
                }
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| {
                        let k = if k == *sent_as {
                            (*name).to_owned()
                        } else {
                            k.into_owned()
                        };
                        (k, v.into_owned())
                    })
                    .collect();
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            "header" => {
                // Every value: `HeaderMap::remove` would return only the first.
                let values: Vec<HeaderValue> = request
                    .headers()
                    .get_all(*sent_as)
                    .iter()
                    .cloned()
                    .collect();
                request.headers_mut().remove(*sent_as);
                if values.is_empty() {
                    continue;
                }
                let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("`{name}` is not a valid header name"))?;
                for v in values {
                    request.headers_mut().append(header.clone(), v);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn accept_also_widens_a_json_accept_and_leaves_none_alone() {
        let mut req =
            reqwest::Request::new(reqwest::Method::GET, "http://localhost/x".parse().unwrap());
        accept_also(&mut req, "*/*").unwrap();
        assert!(req.headers().get(ACCEPT).is_none());
        req.headers_mut()
            .insert(ACCEPT, HeaderValue::from_static("application/json"));
        accept_also(&mut req, "*/*").unwrap();
        assert_eq!(req.headers()[ACCEPT], "application/json, */*;q=0.1");
        assert!(accept_also(&mut req, "a\nb").is_err());
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

    #[test]
    fn renamed_params_go_out_under_their_spec_names() {
        let mut req = reqwest::Request::new(
            reqwest::Method::GET,
            "http://localhost/items?MaxResults=1&max_results_2=2&q=a%20b"
                .parse()
                .unwrap(),
        );
        req.headers_mut()
            .insert("page_token_header", HeaderValue::from_static("t"));
        req.headers_mut()
            .append("page_token_header", HeaderValue::from_static("u"));
        rename_params(
            &mut req,
            &[
                ("query", "max_results_2", "max-results"),
                ("header", "page_token_header", "Page-Token"),
                ("query", "absent", "whatever"),
            ],
        )
        .unwrap();
        assert_eq!(req.url().query(), Some("MaxResults=1&max-results=2&q=a+b"));
        let sent: Vec<_> = req.headers().get_all("page-token").iter().collect();
        assert_eq!(sent, ["t", "u"], "every value of a repeated header");
        assert!(req.headers().get("page_token_header").is_none());
    }
}
