//! Multipart bodies parsed back the way a server does (multer, axum's parser): a field
//! name cannot inject a part header, binary fields arrive as files, and the body is a
//! plain byte body that a retry can send again.

use apikit_runtime::hooks::{MediaFacts, set_request_media, set_request_media_with};
use serde_json::json;

/// One parsed part: name, file name, content type, its header names, content.
#[derive(Debug)]
struct Parsed {
    name: Option<String>,
    file_name: Option<String>,
    content_type: Option<String>,
    headers: Vec<String>,
    content: Vec<u8>,
}

fn request(body: serde_json::Value) -> reqwest::Request {
    let mut req =
        reqwest::Request::new(reqwest::Method::PUT, "http://localhost/u".parse().unwrap());
    *req.body_mut() = Some(body.to_string().into());
    req
}

async fn parse(req: &reqwest::Request) -> Vec<Parsed> {
    let ct = req.headers()["content-type"].to_str().unwrap();
    let boundary = multer::parse_boundary(ct).unwrap();
    let body = bytes::Bytes::copy_from_slice(req.body().unwrap().as_bytes().unwrap());
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = vec![];
    while let Some(field) = multipart.next_field().await.unwrap() {
        parts.push(Parsed {
            name: field.name().map(str::to_owned),
            file_name: field.file_name().map(str::to_owned),
            content_type: field.content_type().map(ToString::to_string),
            headers: field.headers().keys().map(|k| k.to_string()).collect(),
            content: field.bytes().await.unwrap().to_vec(),
        });
    }
    parts
}

#[tokio::test]
async fn a_field_name_with_cr_lf_cannot_inject_a_part_header() {
    let evil = "a\"\r\nX-Injected: 1\r\nContent-Type: text/html";
    let mut req = request(json!({ evil: "v", "ok": "w" }));
    set_request_media(&mut req, "multipart/form-data").unwrap();
    let raw = req.body().unwrap().as_bytes().unwrap().to_vec();
    assert!(
        !raw.windows(12).any(|w| w == b"\r\nX-Injected"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    let parts = parse(&req).await;
    assert_eq!(parts.len(), 2, "{parts:?}");
    for p in &parts {
        assert_eq!(p.headers, ["content-disposition"], "{p:?}");
        assert_eq!(p.content_type, None, "{p:?}");
    }
    assert_eq!(
        parts[0].name.as_deref(),
        Some("a%22%0D%0AX-Injected: 1%0D%0AContent-Type: text/html"),
        "escaped as browsers escape names"
    );
    assert_eq!(parts[0].content, b"v");
    assert_eq!(parts[1].name.as_deref(), Some("ok"));
    assert_eq!(parts[1].content, b"w");
}

#[tokio::test]
async fn binary_fields_are_file_parts_and_others_text() {
    let mut req = request(json!({
        "file": "%PDF-1.7 \u{1}\u{2}",
        "caption": "a label",
        "meta": {"k": 1},
        "bytes\r\nX-Evil: 1": [0, 255, 10],
        "gone": null,
    }));
    let facts = MediaFacts::binary(&["file", "bytes\r\nX-Evil: 1"]);
    set_request_media_with(&mut req, "multipart/form-data", &facts).unwrap();
    assert!(
        req.try_clone().is_some(),
        "the encoded body can be sent again"
    );
    let parts = parse(&req).await;
    let by = |name: &str| {
        parts
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
            .unwrap()
    };
    assert_eq!(parts.len(), 4, "{parts:?}");
    let file = by("file");
    assert_eq!(file.file_name.as_deref(), Some("file"));
    assert_eq!(
        file.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(file.content, "%PDF-1.7 \u{1}\u{2}".as_bytes());
    let caption = by("caption");
    assert_eq!(
        (
            caption.file_name.as_deref(),
            caption.content_type.as_deref()
        ),
        (None, None)
    );
    assert_eq!(caption.content, b"a label");
    assert_eq!(by("meta").content_type.as_deref(), Some("application/json"));
    let bytes = by("bytes%0D%0AX-Evil: 1");
    assert_eq!(bytes.content, [0, 255, 10]);
    assert_eq!(bytes.file_name.as_deref(), Some("bytes%0D%0AX-Evil: 1"));
    assert_eq!(bytes.headers, ["content-disposition", "content-type"]);
}

#[tokio::test]
async fn a_retried_multipart_put_sends_the_same_body_twice() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let retry = apikit_runtime::RetryPolicy::default().base_delay(std::time::Duration::ZERO);
    let config = apikit_runtime::Config::default().retry(retry);
    let (client, rt) = apikit_runtime::build("t/0", None, config).unwrap();
    let mut req = client.put(format!("{}/u", server.uri())).build().unwrap();
    *req.body_mut() = Some(json!({"file": "data", "n": 1}).to_string().into());
    set_request_media_with(
        &mut req,
        "multipart/form-data",
        &MediaFacts::binary(&["file"]),
    )
    .unwrap();
    let op = apikit_runtime::Operation {
        id: "u",
        path: "/u",
    };
    let response = rt.execute(&client, req, op).await.unwrap();
    assert_eq!(response.status(), 204);
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body);
    assert!(String::from_utf8_lossy(&got[1].body).contains("filename=\"file\""));
}
