//! A webhook receiver for all five providers, on axum.
//!
//! ```sh
//! SNYK_SECRET=... SENDGRID_PUBLIC_KEY=... COLORME_SECRET=... PROBELY_TOKEN=... \
//! SHIPENGINE_JWKS_FILE=jwks.json \
//!   cargo run -p apikit --example webhook_server --features axum
//! ```
//!
//! Every variable is optional; missing ones fall back to demo values so the server
//! starts. It listens on 127.0.0.1:3000 (or `$PORT`).

use apikit::webhooks::axum::Verified;
use apikit::webhooks::{colorme, sendgrid, shipengine, snyk, snyk_api_web};
use axum::Router;
use axum::extract::FromRef;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

/// The verifiers, built once at start-up; each handler pulls its own via `FromRef`.
#[derive(Clone)]
struct Verifiers {
    snyk: snyk::Verifier,
    sendgrid: sendgrid::Verifier,
    shipengine: shipengine::Verifier,
    colorme: colorme::Verifier,
    probely: snyk_api_web::PathToken,
}

impl FromRef<Verifiers> for snyk::Verifier {
    fn from_ref(v: &Verifiers) -> Self {
        v.snyk.clone()
    }
}
impl FromRef<Verifiers> for sendgrid::Verifier {
    fn from_ref(v: &Verifiers) -> Self {
        v.sendgrid.clone()
    }
}
impl FromRef<Verifiers> for shipengine::Verifier {
    fn from_ref(v: &Verifiers) -> Self {
        v.shipengine.clone()
    }
}
impl FromRef<Verifiers> for colorme::Verifier {
    fn from_ref(v: &Verifiers) -> Self {
        v.colorme.clone()
    }
}
impl FromRef<Verifiers> for snyk_api_web::PathToken {
    fn from_ref(v: &Verifiers) -> Self {
        v.probely.clone()
    }
}

async fn snyk_hook(Verified(delivery): Verified<snyk::Verifier>) -> &'static str {
    // Snyk may deliver twice: `delivery.transport_id` is the idempotency key.
    match delivery.event {
        snyk::Event::Ping(p) => println!("snyk ping from webhook {}", p.webhook_id),
        snyk::Event::ProjectSnapshot(s) => println!(
            "snyk: {:?} has {} new and {} fixed issues",
            s.project.name,
            s.new_issues.len(),
            s.removed_issues.len()
        ),
        other => println!("snyk: unhandled {other:?}"),
    }
    "ok"
}

async fn sendgrid_hook(Verified(events): Verified<sendgrid::Verifier>) -> &'static str {
    for event in events {
        match event {
            sendgrid::Event::Bounce(b) => println!("bounce for {}: {:?}", b.common.email, b.reason),
            sendgrid::Event::SpamReport(s) => println!("spam report from {}", s.common.email),
            other => println!("sendgrid: {:?}", other.common().map(|c| &c.event)),
        }
    }
    "ok"
}

async fn shipengine_hook(Verified(event): Verified<shipengine::Verifier>) -> &'static str {
    if let shipengine::Event::Track(t) = event {
        let data = t.data.unwrap_or_default();
        println!(
            "tracking {:?}: {:?}",
            data.tracking_number, data.status_description
        );
    }
    "ok"
}

async fn colorme_hook(Verified(event): Verified<colorme::Verifier>) -> Response {
    match event {
        // ColorMe aborts the install unless it gets this body with a 200.
        colorme::Event::Install(i) => colorme::InstallResponse::new(format!(
            "https://app.example.com/welcome/{}",
            i.account_id
        ))
        .into_response(),
        colorme::Event::Uninstall(u) => {
            println!("{} uninstalled: {:?}", u.account_id, u.reason);
            "ok".into_response()
        }
        _ => "ok".into_response(),
    }
}

/// Not authenticated beyond the secret path segment: Snyk API & Web signs nothing.
async fn probely_hook(Verified(event): Verified<snyk_api_web::PathToken>) -> &'static str {
    println!("snyk api & web (unauthenticated hint): {event:?}");
    "ok"
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let jwks = match std::env::var("SHIPENGINE_JWKS_FILE") {
        Ok(path) => shipengine::Jwks::from_json(&std::fs::read(path)?)?,
        Err(_) => shipengine::Jwks::default(),
    };
    let verifiers = Verifiers {
        snyk: snyk::Verifier::new(env_or("SNYK_SECRET", "my-secret-string"))?,
        sendgrid: sendgrid::Verifier::new(&env_or(
            "SENDGRID_PUBLIC_KEY",
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==",
        ))?,
        shipengine: shipengine::Verifier::new(jwks),
        colorme: colorme::Verifier::new(env_or("COLORME_SECRET", "my_webhook_secret"))?,
        probely: snyk_api_web::PathToken::new(env_or(
            "PROBELY_TOKEN",
            "d69179e3b06549469817560c650be98f",
        ))?,
    };
    let app = Router::new()
        .route("/hooks/snyk", post(snyk_hook))
        .route("/hooks/sendgrid", post(sendgrid_hook))
        .route("/hooks/shipengine", post(shipengine_hook))
        .route("/hooks/colorme", post(colorme_hook))
        .route("/hooks/probely/{token}", post(probely_hook))
        .with_state(verifiers);
    let addr = format!("127.0.0.1:{}", env_or("PORT", "3000"));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{addr}");
    axum::serve(listener, app).await?;
    Ok(())
}
