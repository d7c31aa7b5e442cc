//! `cargo xtask contract`: each provider's clients against Prism serving its spec.
//!
//! Prism (npm `@stoplight/prism-cli` 5.14.2, the newest that runs on Node 20, pinned by
//! `xtask/contract/package-lock.json`) is installed into `xtask/contract/node_modules`
//! with `npm ci` the first time. One Prism per spec file listens on a free loopback port
//! in `--errors` mode, so a request that breaks the spec gets an error status; responses
//! are Prism's static ones built from the schemas (deterministic). `tests/tests/contract.rs`
//! then makes one call per spec file with the generated client (URLs in
//! `APIKIT_CONTRACT_<PROVIDER>_<FILE>`). The run fails if a test fails or any Prism log
//! reports a request validation error.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apikit_codegen::{Error, Provider, Result};

/// How long a Prism may take to start listening.
const STARTUP: Duration = Duration::from_secs(90);

/// Lines of a Prism log that mean a request broke the spec.
const VIOLATION_MARKERS: [&str; 2] = ["Request did not pass the validation rules", "[VALIDATOR] ✖"];

/// A running Prism, killed when dropped.
struct Prism {
    var: String,
    log: PathBuf,
    child: Child,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The environment variable naming the mock URL of `provider`'s spec `file`:
/// `APIKIT_CONTRACT_SENDGRID_EMAIL_ACTIVITY` for `sendgrid`, `email_activity.yaml`.
pub fn url_var(provider: &str, file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("APIKIT_CONTRACT_{provider}_{stem}")
        .replace(['-', '.'], "_")
        .to_uppercase()
}

/// Installs Prism if needed, serves every spec, runs the contract tests; returns the
/// problems found (empty when the contract holds).
pub fn run(root: &Path, providers: &[Provider]) -> Result<Vec<String>> {
    let prism = install(root)?;
    let logs = root.join("target/contract");
    std::fs::create_dir_all(&logs).map_err(Error::io(&logs))?;
    let mut servers = vec![];
    for p in providers {
        for spec in p.config.spec_paths(&p.dir) {
            let var = url_var(&p.name, &spec);
            let log = logs.join(format!("{}.log", var.to_lowercase()));
            servers.push(start(&prism, &spec, var, log)?);
        }
    }
    let mut urls = vec![];
    for (server, port) in &mut servers {
        wait_ready(server, *port)?;
        urls.push((server.var.clone(), format!("http://127.0.0.1:{port}")));
    }
    println!(
        "contract: {} Prism server(s) up; running tests/tests/contract.rs",
        urls.len()
    );
    // Each spec file has a test named after its variable, e.g. `sendgrid_webhooks`.
    let mut problems = vec![];
    let tests_file = root.join("tests/tests/contract.rs");
    let tests = std::fs::read_to_string(&tests_file).map_err(Error::io(&tests_file))?;
    let names: Vec<String> = urls.iter().map(|(var, _)| test_name(var)).collect();
    for name in &names {
        if !tests.contains(&format!("async fn {name}()")) {
            problems.push(format!(
                "{}: no contract test `{name}`",
                tests_file.display()
            ));
        }
    }
    // `--workspace` builds with the same features as the README's test command, so the
    // client crates already built by `cargo test --workspace` are reused.
    let status = Command::new(crate::cargo())
        .current_dir(root)
        .args([
            "test",
            "--workspace",
            "--test",
            "contract",
            "--",
            "--ignored",
            "--exact",
            "--nocapture",
        ])
        .args(&names)
        .envs(urls)
        .status()
        .map_err(Error::io(root))?;
    if !status.success() {
        problems.push(format!("contract tests failed ({status})"));
    }
    for (server, _) in &servers {
        let text = std::fs::read_to_string(&server.log).map_err(Error::io(&server.log))?;
        for line in text
            .lines()
            .filter(|l| VIOLATION_MARKERS.iter().any(|m| l.contains(m)))
        {
            problems.push(format!("{}: {}", server.log.display(), line.trim()));
        }
    }
    drop(servers);
    Ok(problems)
}

/// The contract test for a URL variable: `APIKIT_CONTRACT_SENDGRID_WEBHOOKS` ->
/// `sendgrid_webhooks`.
fn test_name(var: &str) -> String {
    var.trim_start_matches("APIKIT_CONTRACT_").to_lowercase()
}

/// `xtask/contract/node_modules/.bin/prism`, installed from the lockfile if missing.
fn install(root: &Path) -> Result<PathBuf> {
    let dir = root.join("xtask/contract");
    let prism = dir.join("node_modules/.bin/prism");
    if prism.is_file() {
        return Ok(prism);
    }
    println!(
        "contract: installing Prism with `npm ci` in {}",
        dir.display()
    );
    let status = Command::new("npm")
        .current_dir(&dir)
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .status()
        .map_err(|e| Error::Tool {
            tool: "npm".into(),
            message: format!("could not run npm (is Node.js installed?): {e}"),
        })?;
    if !status.success() || !prism.is_file() {
        return Err(Error::Tool {
            tool: "npm".into(),
            message: format!("`npm ci` in {} failed ({status})", dir.display()),
        });
    }
    Ok(prism)
}

fn start(prism: &Path, spec: &Path, var: String, log: PathBuf) -> Result<(Prism, u16)> {
    // A free port: bind to 0, read it, release it for Prism.
    let port = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_err(Error::io(spec))?
        .port();
    let out = std::fs::File::create(&log).map_err(Error::io(&log))?;
    let err = out.try_clone().map_err(Error::io(&log))?;
    let child = Command::new(prism)
        .args([
            "mock",
            "--errors",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| Error::Tool {
            tool: "prism".into(),
            message: format!("could not start Prism for {}: {e}", spec.display()),
        })?;
    Ok((Prism { var, log, child }, port))
}

fn wait_ready(server: &mut Prism, port: u16) -> Result<()> {
    let start = Instant::now();
    let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    while start.elapsed() < STARTUP {
        if let Ok(Some(status)) = server.child.try_wait() {
            let log = std::fs::read_to_string(&server.log).unwrap_or_default();
            return Err(Error::Tool {
                tool: "prism".into(),
                message: format!("Prism for {} exited ({status}):\n{log}", server.var),
            });
        }
        if TcpStream::connect_timeout(&addr.into(), Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(Error::Tool {
        tool: "prism".into(),
        message: format!(
            "Prism for {} did not listen on port {port} within {}s (log: {})",
            server.var,
            STARTUP.as_secs(),
            server.log.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_vars_name_provider_and_file() {
        assert_eq!(
            url_var("sendgrid", Path::new("specs/sendgrid/email_activity.yaml")),
            "APIKIT_CONTRACT_SENDGRID_EMAIL_ACTIVITY"
        );
        assert_eq!(
            url_var("snyk-api-web", Path::new("openapi.yaml")),
            "APIKIT_CONTRACT_SNYK_API_WEB_OPENAPI"
        );
        assert_eq!(
            test_name("APIKIT_CONTRACT_SNYK_API_WEB_OPENAPI"),
            "snyk_api_web_openapi"
        );
    }

    #[test]
    fn violations_are_recognized_in_prism_logs() {
        let line = "[2:08:32 PM] ›     [VALIDATOR] ✖  error     Invalid security scheme used";
        assert!(VIOLATION_MARKERS.iter().any(|m| line.contains(m)));
        let ok = "[VALIDATOR] ✔  success   The request passed the validation rules.";
        assert!(!VIOLATION_MARKERS.iter().any(|m| ok.contains(m)));
    }
}
