//! Redirects never carry a credential to another origin. Two wiremock servers on two
//! loopback ports are two origins: `a` answers with a redirect to `b`, and `b` must never
//! see the secret (in practice: never see a request at all, since such a redirect is not
//! followed).

use apikit_runtime::{
    ApiError, Config, Credential, Operation, RedirectRefusal, Redirects, Runtime,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "s3cret-k3y-2718";

fn op() -> Operation<'static> {
    Operation {
        id: "t",
        path: "/t",
    }
}

/// Sends GET `url` through the runtime; a transport error is sorted as the generated
/// clients sort it.
async fn get(client: &reqwest::Client, rt: &Runtime, url: &str) -> Result<u16, ApiError> {
    let request = client.get(url).build().unwrap();
    match rt.execute(client, request, op()).await {
        Ok(response) => Ok(response.status().as_u16()),
        Err(e) => {
            Err(ApiError::from_progenitor(progenitor_client::Error::CommunicationError(e)).await)
        }
    }
}

/// `a` redirects `/start` to `location`; `b` answers everything with 200.
async fn servers(location: impl Fn(&MockServer) -> String) -> (MockServer, MockServer) {
    let (a, b) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/start"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", location(&b)))
        .mount(&a)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&b)
        .await;
    (a, b)
}

fn shows_secret(r: &Request) -> bool {
    r.url.as_str().contains(SECRET)
        || r.headers
            .values()
            .any(|v| String::from_utf8_lossy(v.as_bytes()).contains(SECRET))
}

async fn assert_untouched(b: &MockServer) {
    let got = b.received_requests().await.unwrap();
    assert!(
        got.is_empty(),
        "the other origin was sent {} request(s); secret among them: {}",
        got.len(),
        got.iter().any(shows_secret)
    );
}

#[tokio::test]
async fn a_header_api_key_is_not_sent_to_another_origin() {
    let (a, b) = servers(|b| format!("{}/x", b.uri())).await;
    let credential = Credential::header("x-api-key", "", SECRET);
    let (client, rt) = apikit_runtime::build("t/0", Some(&credential), Config::default()).unwrap();
    let result = get(&client, &rt, &format!("{}/start?q=private", a.uri())).await;
    assert_untouched(&b).await;
    let err = result.expect_err("a cross-origin redirect is an error");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("private"),
        "{shown}"
    );
    assert_refused(
        &err,
        &format!("{}/x", b.uri()),
        RedirectRefusal::CrossOrigin,
    );
}

/// `err` is the typed redirect refusal, naming `location`.
fn assert_refused(err: &ApiError, location: &str, why: RedirectRefusal) {
    match err {
        ApiError::Redirect {
            status,
            location: got,
            reason,
        } => {
            assert_eq!(*status, 302);
            assert_eq!(got, location);
            assert_eq!(*reason, why);
        }
        other => panic!("expected ApiError::Redirect, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_bearer_token_is_not_sent_to_another_origin() {
    let (a, b) = servers(|b| format!("{}/x", b.uri())).await;
    let credential = Credential::header("Authorization", "Bearer", SECRET);
    let (client, rt) = apikit_runtime::build("t/0", Some(&credential), Config::default()).unwrap();
    let result = get(&client, &rt, &format!("{}/start", a.uri())).await;
    assert_untouched(&b).await;
    let location = format!("{}/x", b.uri());
    assert_refused(
        &result.unwrap_err(),
        &location,
        RedirectRefusal::CrossOrigin,
    );
}

#[tokio::test]
async fn a_query_key_echoed_in_the_location_is_not_sent_to_another_origin() {
    let (a, b) = servers(|b| format!("{}/x?api_key={SECRET}", b.uri())).await;
    let (client, rt) = apikit_runtime::build("t/0", None, Config::default()).unwrap();
    let result = get(&client, &rt, &format!("{}/start?api_key={SECRET}", a.uri())).await;
    assert_untouched(&b).await;
    let err = result.expect_err("a cross-origin redirect is an error");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert_refused(
        &err,
        &format!("{}/x", b.uri()),
        RedirectRefusal::CrossOrigin,
    );
}

#[tokio::test]
async fn a_query_credential_goes_on_every_request_and_not_to_another_origin() {
    let (a, b) = servers(|b| format!("{}/x?api_key={SECRET}&page=2", b.uri())).await;
    let credential = Credential::query("api_key", SECRET);
    let config = Config::default().retry(apikit_runtime::RetryPolicy::none());
    let (client, rt) = apikit_runtime::build("t/0", Some(&credential), config).unwrap();
    let result = get(&client, &rt, &format!("{}/start?page=1", a.uri())).await;
    let sent = a.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].url.query(),
        Some(format!("page=1&api_key={SECRET}").as_str())
    );
    assert_untouched(&b).await;
    let err = result.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert_refused(
        &err,
        &format!("{}/x", b.uri()),
        RedirectRefusal::CrossOrigin,
    );

    // Raw transport errors and responses, as progenitor hands them on, keep it out too.
    let request = client.get("http://127.0.0.1:1/closed").build().unwrap();
    let e = rt.execute(&client, request, op()).await.unwrap_err();
    assert!(!format!("{e} {e:?}").contains(SECRET), "{e:?}");
    let request = client.get(format!("{}/x", b.uri())).build().unwrap();
    let response = rt.execute(&client, request, op()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(!format!("{response:?}").contains(SECRET), "{response:?}");
    let seen = b.received_requests().await.unwrap();
    assert!(
        shows_secret(&seen[0]),
        "the request itself carried the credential"
    );
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_the_key_and_no_referer() {
    let (a, b) = servers(|b| format!("{}/x", b.uri())).await;
    Mock::given(method("GET"))
        .and(path("/moved"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/here"))
        .mount(&a)
        .await;
    Mock::given(method("GET"))
        .and(path("/here"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&a)
        .await;
    let credential = Credential::header("x-api-key", "", SECRET);
    let (client, rt) = apikit_runtime::build("t/0", Some(&credential), Config::default()).unwrap();
    let status = get(&client, &rt, &format!("{}/moved?q=private", a.uri())).await;
    assert_eq!(status.unwrap(), 200);
    let here = a.received_requests().await.unwrap();
    let here = here
        .iter()
        .find(|r| r.url.path() == "/here")
        .expect("followed");
    assert_eq!(here.headers["x-api-key"], SECRET);
    assert!(
        here.headers.get("referer").is_none(),
        "{:?}",
        here.headers.get("referer")
    );
    assert_untouched(&b).await;

    // Off: not even a same-origin redirect is followed.
    let config = Config::default().redirects(Redirects::None);
    let (client, rt) = apikit_runtime::build("t/0", Some(&credential), config).unwrap();
    let err = get(&client, &rt, &format!("{}/moved", a.uri()))
        .await
        .unwrap_err();
    assert_refused(
        &err,
        &format!("{}/here", a.uri()),
        RedirectRefusal::Disabled,
    );
    let config = Config::default().redirects(Redirects::SameOrigin(0));
    let (client, rt) = apikit_runtime::build("t/0", Some(&credential), config).unwrap();
    let err = get(&client, &rt, &format!("{}/moved", a.uri()))
        .await
        .unwrap_err();
    assert_refused(&err, &format!("{}/here", a.uri()), RedirectRefusal::TooMany);
}

#[tokio::test]
async fn transport_errors_name_the_url_without_query_or_user_info() {
    let config = Config::default().retry(apikit_runtime::RetryPolicy::none());
    let (client, rt) = apikit_runtime::build("t/0", None, config).unwrap();
    let url = format!("http://user:pw-{SECRET}@127.0.0.1:1/x?token={SECRET}#f-{SECRET}");
    let err = get(&client, &rt, &url).await.unwrap_err();
    assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        shown.contains("127.0.0.1:1/x"),
        "the URL is still named: {shown}"
    );
}
