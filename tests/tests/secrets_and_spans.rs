//! Credentials never leak: `Debug` of every client and config, errors, and the request
//! span. The span carries method, path template, status, attempt and elapsed time.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "sk-live-7f3a9c2e-do-not-print";

#[test]
fn debug_of_every_client_and_config_hides_the_credential() {
    let shown = [
        format!(
            "{:?}",
            apikit_shorten_rest::Client::with_api_key(SECRET).unwrap()
        ),
        format!(
            "{:?}",
            apikit_colorme_appstore::Client::with_access_token(SECRET).unwrap()
        ),
        format!(
            "{:?}",
            apikit_sendgrid::Client::with_api_key(SECRET).unwrap()
        ),
        format!(
            "{:?}",
            apikit_sendgrid::Client::with_api_key_eu(SECRET).unwrap()
        ),
        format!(
            "{:?}",
            apikit_sendgrid::Client::with_api_key_on_behalf_of(SECRET, "subuser-1").unwrap()
        ),
        format!(
            "{:?}",
            apikit_shipengine::Client::with_api_key(SECRET).unwrap()
        ),
        format!("{:?}", apikit_snyk::Client::with_api_token(SECRET).unwrap()),
        format!(
            "{:?}",
            apikit_snyk_api_web::Client::with_api_key(SECRET).unwrap()
        ),
        format!(
            "{:?}",
            apikit_snyk_api_web::Client::configured(
                apikit_snyk_api_web::servers::DEFAULT,
                SECRET,
                apikit_snyk_api_web::Config::default()
            )
            .unwrap()
        ),
        format!("{:?}", {
            let mut v = http::HeaderValue::from_static(SECRET);
            v.set_sensitive(true);
            apikit_runtime::Config::default()
                .header(http::HeaderName::from_static("x-extra-token"), v)
        }),
    ];
    for s in &shown {
        assert!(!s.contains(SECRET), "secret in Debug output: {s}");
        // Each is a real, non-empty rendering (the client shows its base URL).
        assert!(s.len() > 20, "{s}");
    }
    assert!(
        shown[0].contains("https://api.shorten.rest"),
        "{}",
        shown[0]
    );
    // An invalid credential's error names the header, not the value.
    let bad = format!("{SECRET}\n");
    let e = apikit_shipengine::Client::with_api_key(&bad).unwrap_err();
    assert_eq!(e.header, "API-Key");
    assert!(!format!("{e} {e:?}").contains(SECRET));
}

/// A span's name and its fields as text.
type SpanRecord = (String, BTreeMap<String, String>);

/// Everything recorded on spans and events, as text.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<BTreeMap<u64, SpanRecord>>>,
    events: Arc<Mutex<Vec<String>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);
impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let name = attrs.metadata().name().to_owned();
        self.spans
            .lock()
            .unwrap()
            .insert(id.into_u64(), (name, fields));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some((_, fields)) = self.spans.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(fields));
        }
    }
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{fields:?}"));
    }
}

#[tokio::test(start_paused = true)]
async fn one_span_per_call_with_the_template_status_and_attempts_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"name": "n", "destinations": []})),
        )
        .mount(&server)
        .await;
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));

    let config = apikit_shorten_rest::Config::default()
        .retry(apikit_shorten_rest::RetryPolicy::default().jitter(false))
        .connect_timeout(None)
        .read_timeout(None)
        .pool_idle_timeout(None);
    let client = apikit_shorten_rest::Client::configured(&server.uri(), SECRET, config).unwrap();
    client
        .get_alias()
        .alias_name("private-alias-name")
        .send()
        .await
        .unwrap();

    let spans = capture.spans.lock().unwrap().clone();
    let requests: Vec<_> = spans
        .values()
        .filter(|(name, _)| name == "apikit.request")
        .collect();
    assert_eq!(requests.len(), 1, "{spans:?}");
    let fields = &requests[0].1;
    let get = |k: &str| fields.get(k).map(String::as_str);
    assert_eq!(get("method"), Some("GET"));
    assert_eq!(get("path"), Some("/aliases"));
    assert_eq!(get("operation"), Some("get_alias"));
    assert_eq!(get("status"), Some("200"));
    assert_eq!(get("attempt"), Some("2"));
    assert_eq!(
        get("elapsed_ms"),
        Some("500"),
        "the one backoff, on the paused clock"
    );
    assert_eq!(get("user_agent"), Some(apikit_shorten_rest::USER_AGENT));
    let events = capture.events.lock().unwrap().clone();
    assert!(events.iter().any(|e| e.contains("retrying")), "{events:?}");
    let everything = format!("{spans:?} {events:?}");
    assert!(!everything.contains(SECRET), "{everything}");
    assert!(
        !everything.contains("private-alias-name"),
        "no query values: {everything}"
    );
}

#[tokio::test]
async fn the_user_agent_names_the_crate_and_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"name": "n", "destinations": []})),
        )
        .mount(&server)
        .await;
    let client = apikit_shorten_rest::Client::with_api_key_at(&server.uri(), SECRET).unwrap();
    client.get_alias().alias_name("a").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let ua = requests[0].headers["user-agent"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(ua, apikit_shorten_rest::USER_AGENT);
    let version = ua
        .strip_prefix("apikit-shorten-rest/")
        .expect("crate name first");
    assert!(version.split('.').all(|n| n.parse::<u32>().is_ok()), "{ua}");
}

/// Request and response types that carry a credential print `"<redacted>"` for it in
/// `Debug`, in every provider crate that has one (Shorten.REST's types hold none).
#[test]
fn debug_of_generated_types_hides_credentials() {
    const SECRET: &str = "hunter2-secret-value";
    fn check<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: serde_json::Value) {
        let value: T = serde_json::from_value(json).expect("the fixture decodes");
        let shown = format!("{value:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
    check::<apikit_colorme_appstore::types::UsageChargeResponse>(
        serde_json::json!({"api_token": SECRET, "closing_on": 1}),
    );
    check::<apikit_sendgrid::types::OauthBody>(
        serde_json::json!({"client_id": "id", "client_secret": SECRET, "scopes": []}),
    );
    check::<apikit_shipengine::types::ConnectAccessWorldwideRequestBody>(
        serde_json::json!({"nickname": "n", "password": SECRET, "username": "u"}),
    );
    check::<apikit_snyk::types::AcrCredentials>(
        serde_json::json!({"password": SECRET, "registryBase": "r", "username": "u"}),
    );
    check::<apikit_snyk_api_web::types::BasicAuth>(
        serde_json::json!({"password": SECRET, "username": "u"}),
    );
    // The secret newtype on its own, too.
    check::<apikit_snyk_api_web::types::Password>(serde_json::json!(SECRET));
    // The builders behind `client.op().body(..)` print what they hold.
    let builder =
        apikit_snyk::types::builder::AcrCredentials::default().password(SECRET.to_owned());
    assert!(!format!("{builder:?}").contains(SECRET));
}
