//! `cargo xtask contract`: every operation of each provider's client against Prism
//! serving its spec (#17).
//!
//! Prism (npm `@stoplight/prism-cli` 5.14.2, the newest that runs on Node 20, pinned by
//! `xtask/contract/package-lock.json`) is installed into `xtask/contract/node_modules`
//! with `npm ci` the first time. The run has two rounds: Prism's static responses (the
//! spec's examples, else values built from the schemas) and `--dynamic` ones from a
//! fixed seed. In each, one Prism per spec file listens on a free loopback port; a
//! request that breaks the spec gets an error status and an `sl-violations` header, and the
//! generated conformance tests (`tests/conformance/tests/<provider>/`, URLs in
//! `APIKIT_CONTRACT_<PROVIDER>_<FILE>`) call every operation twice. Each call prints one
//! report line; the run reads them into a table per provider and fails on any failure
//! `tests/conformance/exceptions.toml` does not list, on a stale exception, or on an
//! operation with no report.
//!
//! Prism serves a spec copy in which wildcard media types read as JSON (`*/*`,
//! `application/*` with a schema that is not binary) are `application/json`, as the
//! generator reads them (pass `media-types`): Prism answers a wildcard response as
//! text, failing on any object ("Cannot serialise complex objects as text", 500), and
//! refuses a JSON body declared `*/*` (415). A `date-time` whose `pattern` also allows
//! a bare date loses its `format` in the copy, as the generator reads it (a string,
//! pass `schemas`): Prism's `--dynamic` generator makes a date from the pattern and
//! then throws in `clampDateTime` looking for its time (500). Everything else Prism
//! checks as published.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apikit_codegen::render::conformance::{test_dir, url_var};
use apikit_codegen::{Error, Provider, Result};

/// How long a Prism may take to start listening.
const STARTUP: Duration = Duration::from_secs(90);

/// The seed of the `--dynamic` round, so its responses are the same on every run.
const SEED: &str = "apikit";

/// The Prism log line for a request that broke the spec.
const VIOLATION_MARKER: &str = "Request did not pass the validation rules";

/// Prism's two ways of answering.
const ROUNDS: [&str; 2] = ["static", "dynamic"];

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

/// One report line of a conformance call.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    round: String,
    provider: String,
    operation: String,
    call: String,
    verdict: String,
    request: String,
    response: String,
    detail: String,
}

impl Line {
    /// A harness report line: `apikit-conformance` and eight tab-separated fields.
    fn parse(text: &str) -> Option<Line> {
        let mut f = text.strip_prefix("apikit-conformance\t")?.splitn(8, '\t');
        let mut next = || f.next().map(str::to_owned);
        Some(Line {
            round: next()?,
            provider: next()?,
            operation: next()?,
            call: next()?,
            verdict: next()?,
            request: next()?,
            response: next()?,
            detail: next().unwrap_or_default(),
        })
    }
}

/// Counts of one provider in one round.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Tally {
    operations: usize,
    calls: usize,
    requests_valid: usize,
    responses_decoded: usize,
    excepted: usize,
    failed: usize,
}

/// Installs Prism if needed, runs both rounds; returns the report table (Markdown) and
/// the problems found (empty when every operation conforms).
pub fn run(root: &Path, providers: &[Provider]) -> Result<(String, Vec<String>)> {
    let prism = install(root)?;
    let logs = root.join("target/contract");
    std::fs::create_dir_all(&logs).map_err(Error::io(&logs))?;
    // The spec each Prism serves, the same in both rounds.
    let mut served = BTreeMap::new();
    for p in providers {
        for spec in p.config.spec_paths(&p.dir) {
            let copy = logs.join(format!("{}.json", url_var(&p.name, &spec).to_lowercase()));
            let path = prism_copy(&spec, &copy)?;
            served.insert(spec, path);
        }
    }
    let mut problems = vec![];
    let mut lines = vec![];
    for round in ROUNDS {
        let (found, round_problems) = run_round(root, &prism, &logs, providers, &served, round)?;
        lines.extend(found);
        problems.extend(round_problems);
    }
    // Every operation reported both calls in both rounds.
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for p in providers {
        let operations = generated_tests(root, &p.name)?;
        for round in ROUNDS {
            let seen: Vec<&Line> = lines
                .iter()
                .filter(|l| l.round == round && l.provider == p.name)
                .collect();
            for op in &operations {
                let calls = seen.iter().filter(|l| &l.operation == op).count();
                if calls != 2 {
                    problems.push(format!(
                        "{}/{op} ({round}): {calls} report line(s), expected 2 (did the test crash?)",
                        p.name
                    ));
                }
            }
            let t = tallies
                .entry((p.name.clone(), round.to_owned()))
                .or_default();
            t.operations = operations.len();
            for l in seen {
                t.calls += 1;
                t.requests_valid += usize::from(l.request == "ok");
                t.responses_decoded += usize::from(l.response == "ok");
                t.excepted += usize::from(l.verdict == "excepted");
                t.failed += usize::from(l.verdict == "fail" || l.verdict == "stale");
            }
        }
    }
    for l in &lines {
        match l.verdict.as_str() {
            "fail" => problems.push(format!(
                "{}/{} {} call ({}): {}",
                l.provider, l.operation, l.call, l.round, l.detail
            )),
            "stale" => problems.push(format!(
                "{}/{} {} call ({}): passes, but tests/conformance/exceptions.toml lists it",
                l.provider, l.operation, l.call, l.round
            )),
            _ => {}
        }
    }
    Ok((table(&tallies), problems))
}

/// The Markdown table of the tallies.
fn table(tallies: &BTreeMap<(String, String), Tally>) -> String {
    let mut s = String::from(
        "| provider | Prism | operations | calls | requests valid | responses decoded | excepted | failed |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut total: BTreeMap<&str, Tally> = BTreeMap::new();
    for ((provider, round), t) in tallies {
        s.push_str(&format!(
            "| {provider} | {round} | {} | {} | {} | {} | {} | {} |\n",
            t.operations, t.calls, t.requests_valid, t.responses_decoded, t.excepted, t.failed
        ));
        let sum = total.entry(round).or_default();
        sum.operations += t.operations;
        sum.calls += t.calls;
        sum.requests_valid += t.requests_valid;
        sum.responses_decoded += t.responses_decoded;
        sum.excepted += t.excepted;
        sum.failed += t.failed;
    }
    for (round, t) in total {
        s.push_str(&format!(
            "| **total** | {round} | {} | {} | {} | {} | {} | {} |\n",
            t.operations, t.calls, t.requests_valid, t.responses_decoded, t.excepted, t.failed
        ));
    }
    s
}

/// The operations (test names) of a provider's generated conformance tests.
fn generated_tests(root: &Path, provider: &str) -> Result<Vec<String>> {
    let path = root.join(test_dir(provider)).join("operations.rs");
    let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
    Ok(text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("async fn "))
        .filter_map(|l| l.split('(').next())
        .map(str::to_owned)
        .collect())
}

/// One round: Prism in `round` mode for every spec file, then the tests.
fn run_round(
    root: &Path,
    prism: &Path,
    logs: &Path,
    providers: &[Provider],
    served: &BTreeMap<PathBuf, PathBuf>,
    round: &str,
) -> Result<(Vec<Line>, Vec<String>)> {
    let mut servers = vec![];
    for p in providers {
        for spec in p.config.spec_paths(&p.dir) {
            let var = url_var(&p.name, &spec);
            let log = logs.join(format!("{round}-{}.log", var.to_lowercase()));
            let file = served.get(&spec).unwrap_or(&spec);
            servers.push(start(prism, file, var, log, round)?);
        }
    }
    let mut urls = vec![];
    for (server, port) in &mut servers {
        wait_ready(server, *port)?;
        urls.push((server.var.clone(), format!("http://127.0.0.1:{port}")));
    }
    println!(
        "contract: {round} round, {} Prism server(s) up; running tests/conformance",
        urls.len()
    );
    let report = logs.join(format!("{round}-report.tsv"));
    match std::fs::remove_file(&report) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::io(&report)(e));
        }
        _ => {}
    }
    let mut command = Command::new(crate::cargo());
    command
        .current_dir(root)
        .args(["test", "--workspace", "--no-fail-fast"])
        .env("APIKIT_CONFORMANCE_PRISM", round)
        .env("APIKIT_CONFORMANCE_REPORT", &report)
        // The report lines and the panic message say what failed; traces only add noise.
        .env("RUST_BACKTRACE", "0")
        .envs(urls);
    // `--workspace` builds with the same features as the README's test command, so the
    // client crates already built by `cargo test --workspace` are reused.
    for p in providers {
        command.args(["--test", &p.name.replace('-', "_")]);
    }
    // The report lines go to the file; the test names and panics on stdout stay there.
    let status = command
        .args(["--", "--ignored"])
        .status()
        .map_err(Error::io(root))?;
    let text = match std::fs::read_to_string(&report) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&report)(e)),
    };
    let lines: Vec<Line> = text.lines().filter_map(Line::parse).collect();
    let mut problems = vec![];
    if !status.success() {
        problems.push(format!("conformance tests ({round}) failed ({status})"));
    }
    // Each call's own verdict comes from Prism's answer to it (status and
    // `sl-violations`); the logs cannot say which concurrent call a line belongs to, so
    // they only give a count to compare by eye.
    let mut logged = 0;
    for (server, _) in &servers {
        let text = std::fs::read_to_string(&server.log).map_err(Error::io(&server.log))?;
        logged += text
            .lines()
            .filter(|l| l.contains(VIOLATION_MARKER))
            .count();
    }
    let judged = lines.iter().filter(|l| l.request == "failed").count();
    println!(
        "contract: {round} round: Prism logged {logged} invalid request(s); the harness judged {judged} call(s) invalid (some never reach Prism)"
    );
    drop(servers);
    Ok((lines, problems))
}

/// The spec Prism serves: `spec` itself, or, when [`for_prism`] changes anything, a
/// copy of it at `copy` (see the module doc).
fn prism_copy(spec: &Path, copy: &Path) -> Result<PathBuf> {
    let mut doc = apikit_codegen::spec::load(spec)?;
    if for_prism(&mut doc) == 0 {
        return Ok(spec.to_owned());
    }
    let text = serde_json::to_string(&doc).map_err(|e| Error::Other(e.to_string()))?;
    std::fs::write(copy, text).map_err(Error::io(copy))?;
    Ok(copy.to_owned())
}

/// Applies both rewrites of the module doc to every object of `v`; returns how many
/// nodes it changed.
fn for_prism(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(map) => {
            let mut changed = json_wildcards(map);
            // A `date-time` whose `pattern` allows a bare date: a string, without format.
            if apikit_codegen::normalize::date_time_allows_a_date(map) {
                map.remove("format");
                changed += 1;
            }
            changed + map.values_mut().map(for_prism).sum::<usize>()
        }
        serde_json::Value::Array(items) => items.iter_mut().map(for_prism).sum(),
        _ => 0,
    }
}

/// Renames the keys of the object's `content` that are wildcards read as JSON to
/// `application/json` (unless the map has that key already); returns how many.
fn json_wildcards(map: &mut serde_json::Map<String, serde_json::Value>) -> usize {
    let Some(serde_json::Value::Object(content)) = map.get_mut("content") else {
        return 0;
    };
    let wild: Vec<String> = content
        .iter()
        .filter(|(media, m)| {
            media.trim().ends_with("/*")
                && apikit_codegen::normalize::canonical_media_type(media, m.get("schema"))
                    == "application/json"
        })
        .map(|(media, _)| media.clone())
        .collect();
    let mut renamed = 0;
    for media in wild {
        if !content.contains_key("application/json")
            && let Some(m) = content.remove(&media)
        {
            content.insert("application/json".into(), m);
            renamed += 1;
        }
    }
    renamed
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

fn start(
    prism: &Path,
    spec: &Path,
    var: String,
    log: PathBuf,
    round: &str,
) -> Result<(Prism, u16)> {
    // A free port: bind to 0, read it, release it for Prism.
    let port = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_err(Error::io(spec))?
        .port();
    let out = std::fs::File::create(&log).map_err(Error::io(&log))?;
    let err = out.try_clone().map_err(Error::io(&log))?;
    let mut command = Command::new(prism);
    // Without `--errors`: Prism still answers an invalid request with an error status
    // and lists what it found in the `sl-violations` header, and it returns its
    // generated responses even where they break a `pattern` (its placeholder
    // `"string"`), which a client must decode anyway.
    command.args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()]);
    if round == "dynamic" {
        command.args(["--dynamic", "--seed", SEED]);
    }
    let child = command
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
    fn wildcard_media_types_read_as_json_become_json_for_prism() {
        let mut doc = serde_json::json!({"paths": {"/a": {"get": {
            "requestBody": {"content": {"*/*": {"schema": {"type": "object"}}}},
            "responses": {
                "200": {"content": {"*/*": {"schema": {"type": "object"}}}},
                "201": {"content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
                "202": {"content": {"text/plain": {}}}
            }
        }}}});
        assert_eq!(for_prism(&mut doc), 2);
        let op = &doc["paths"]["/a"]["get"];
        assert!(op["requestBody"]["content"]["application/json"].is_object());
        assert!(op["responses"]["200"]["content"]["application/json"].is_object());
        assert!(
            op["responses"]["201"]["content"]["*/*"].is_object(),
            "binary stays"
        );
        assert!(op["responses"]["202"]["content"]["text/plain"].is_object());
    }

    #[test]
    fn date_times_whose_pattern_allows_a_date_lose_the_format_for_prism() {
        let mut doc = serde_json::json!({"components": {"schemas": {
            "date": {"type": "string", "format": "date-time", "pattern": "^\\d{4}-\\d{2}-\\d{2}(T.*)?$"},
            "stamp": {"type": "string", "format": "date-time"}
        }}});
        assert_eq!(for_prism(&mut doc), 1);
        assert!(doc["components"]["schemas"]["date"].get("format").is_none());
        assert_eq!(doc["components"]["schemas"]["stamp"]["format"], "date-time");
    }

    #[test]
    fn report_lines_are_read_and_others_are_not() {
        let line = Line::parse(
            "apikit-conformance\tstatic\tsnyk\tlist_orgs\tall\tfail\tfailed\t-\tHTTP 422\tsplit",
        )
        .unwrap();
        assert_eq!(
            (
                line.round.as_str(),
                line.provider.as_str(),
                line.operation.as_str()
            ),
            ("static", "snyk", "list_orgs")
        );
        assert_eq!((line.call.as_str(), line.verdict.as_str()), ("all", "fail"));
        assert_eq!(
            line.detail, "HTTP 422\tsplit",
            "the detail keeps its own tabs"
        );
        assert_eq!(Line::parse("test list_orgs ... ok"), None);
        assert_eq!(Line::parse("apikit-conformance\tstatic\tsnyk"), None);
    }

    #[test]
    fn the_table_sums_each_round() {
        let mut tallies = BTreeMap::new();
        let t = Tally {
            operations: 2,
            calls: 4,
            requests_valid: 3,
            responses_decoded: 2,
            excepted: 1,
            failed: 1,
        };
        tallies.insert(("a".to_owned(), "static".to_owned()), t.clone());
        tallies.insert(("b".to_owned(), "static".to_owned()), t);
        let table = table(&tallies);
        assert!(
            table.contains("| a | static | 2 | 4 | 3 | 2 | 1 | 1 |"),
            "{table}"
        );
        assert!(
            table.contains("| **total** | static | 4 | 8 | 6 | 4 | 2 | 2 |"),
            "{table}"
        );
    }
}
