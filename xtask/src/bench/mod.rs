//! `cargo xtask bench-codegen`: how long `codegen --check` takes for every provider, warm,
//! against a baseline measured in the same run (loading and normalizing the same specs,
//! without progenitor). Results go into the `## Codegen` section of BENCHMARKS.md.
//! Also `bench-compile`, `bench-runtime` and ([`spec_diff`]) `bench-spec-diff`: each
//! measures against a baseline in the same run and replaces its own section.

use std::path::Path;
use std::time::{Duration, Instant};

pub mod spec_diff;

use apikit_codegen::{Error, Result, normalize};

/// Median timings of one run.
#[derive(Debug)]
pub struct CodegenBench {
    /// Iterations per measurement.
    pub iterations: usize,
    /// Median of plan + check for all providers (what `codegen --check` does).
    pub check: Duration,
    /// Median of loading, merging and normalizing the same specs.
    pub baseline: Duration,
    /// Providers measured.
    pub providers: Vec<String>,
}

/// Runs both measurements `iterations` times (after one warm-up) and returns medians.
pub fn run(root: &Path, iterations: usize) -> Result<CodegenBench> {
    let providers = apikit_codegen::discover(root)?;
    let check = || -> Result<()> {
        let plan = apikit_codegen::plan(root, &providers)?;
        let drift = apikit_codegen::check(root, &plan, &providers)?;
        std::hint::black_box(drift);
        Ok(())
    };
    let baseline = || -> Result<()> {
        for p in &providers {
            for path in p.config.spec_paths(&p.dir) {
                std::hint::black_box(normalize::file(&path)?);
            }
        }
        Ok(())
    };
    check()?;
    baseline()?;
    let mut checks = vec![];
    let mut bases = vec![];
    for _ in 0..iterations.max(1) {
        let t = Instant::now();
        baseline()?;
        bases.push(t.elapsed());
        let t = Instant::now();
        check()?;
        checks.push(t.elapsed());
    }
    Ok(CodegenBench {
        iterations: iterations.max(1),
        check: median(&mut checks),
        baseline: median(&mut bases),
        providers: providers.into_iter().map(|p| p.name).collect(),
    })
}

/// The median of `v` (sorted in place).
pub fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

impl CodegenBench {
    /// The Markdown section written to BENCHMARKS.md.
    pub fn section(&self, profile: &str) -> String {
        let ratio = self.check.as_secs_f64() / self.baseline.as_secs_f64().max(1e-9);
        let verdict = if self.check < Duration::from_secs(10) {
            "met"
        } else {
            "NOT met"
        };
        format!(
            "## Codegen\n\n\
             `cargo xtask bench-codegen` (xtask built in the `{profile}` profile, dependencies at opt-level 1 as in \
             the workspace `[profile.dev.package.\"*\"]`), warm, median of {n} runs, on this project's 2-core machine. \
             Providers: {providers}.\n\n\
             | measurement | median |\n|---|---|\n\
             | `codegen --check` work: load, normalize, progenitor, format, compare with disk | {check:.3} s |\n\
             | baseline: load and normalize the same specs only | {base:.3} s |\n\
             | ratio check / baseline | {ratio:.1}x |\n\n\
             Goal: `codegen --check` under 10 s warm: **{verdict}**. The ratio shows how much of the time is \
             progenitor and formatting rather than reading specs.\n\n",
            n = self.iterations,
            providers = self.providers.join(", "),
            check = self.check.as_secs_f64(),
            base = self.baseline.as_secs_f64(),
        )
    }
}

/// Replaces (or appends) the `## <title>` section of a Markdown file.
pub fn write_section(file: &Path, section: &str) -> Result<()> {
    let title = section.lines().next().unwrap_or_default();
    let old = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n\n".to_owned(),
        Err(e) => return Err(Error::io(file)(e)),
    };
    let new = match old.find(&format!("{title}\n")) {
        Some(start) => {
            let rest = &old[start + title.len()..];
            let end = rest
                .find("\n## ")
                .map(|i| start + title.len() + i + 1)
                .unwrap_or(old.len());
            format!("{}{section}{}", &old[..start], &old[end..])
        }
        None => format!(
            "{}{}{section}",
            old,
            if old.ends_with("\n\n") { "" } else { "\n" }
        ),
    };
    std::fs::write(file, new).map_err(Error::io(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_section_replaces_only_its_own_section() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("B.md");
        std::fs::write(
            &f,
            "# Benchmarks\n\n## Webhooks\n\nw1\n\n## Codegen\n\nold\n\n## Later\n\nl\n",
        )
        .unwrap();
        write_section(&f, "## Codegen\n\nnew\n\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "# Benchmarks\n\n## Webhooks\n\nw1\n\n## Codegen\n\nnew\n\n## Later\n\nl\n"
        );
        let g = dir.path().join("C.md");
        write_section(&g, "## Codegen\n\nx\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&g).unwrap(),
            "# Benchmarks\n\n## Codegen\n\nx\n"
        );
    }
}

/// `cargo xtask bench-compile`: each client crate's own debug build time with its
/// dependencies already built (`cargo clean -p <crate>`, then `cargo build -p <crate>`
/// is timed), against `apikit-runtime` rebuilt the same way in the same run as the
/// baseline. Results go into the `## Compile time` section.
#[derive(Debug)]
pub struct CompileBench {
    /// (package, median seconds) for the baseline first, then every client crate.
    pub rows: Vec<(String, f64)>,
    /// Runs per crate.
    pub iterations: usize,
}

/// Times `cargo build -p` of every provider crate (and the baseline) `iterations` times.
pub fn compile(root: &Path, iterations: usize) -> Result<CompileBench> {
    let mut packages = vec!["apikit-runtime".to_owned()];
    for p in apikit_codegen::discover(root)? {
        packages.push(p.config.crate_name.clone());
    }
    let cargo = |args: &[&str]| -> Result<()> {
        let status = std::process::Command::new(crate::cargo())
            .args(args)
            .current_dir(root)
            .status()
            .map_err(|e| Error::Other(format!("cannot run cargo: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::Other(format!("cargo {} failed", args.join(" "))))
        }
    };
    let build = |package: &str| cargo(&["build", "--quiet", "-p", package]);
    let mut rows = vec![];
    for package in &packages {
        build(package)?; // dependencies built, not timed
        let mut times = vec![];
        for _ in 0..iterations.max(1) {
            // `cargo clean -p` drops the crate's artifacts and incremental cache, so the
            // timed build compiles the whole crate, not just what an edit invalidated.
            cargo(&["clean", "--quiet", "-p", package])?;
            let t = Instant::now();
            build(package)?;
            times.push(t.elapsed());
        }
        rows.push((package.clone(), median(&mut times).as_secs_f64()));
    }
    Ok(CompileBench {
        rows,
        iterations: iterations.max(1),
    })
}

impl CompileBench {
    /// The `## Compile time` section of BENCHMARKS.md.
    pub fn section(&self) -> String {
        let base = self.rows.first().map_or(1.0, |r| r.1);
        let mut s = format!(
            "## Compile time\n\n`cargo xtask bench-compile`: each crate's own debug build from scratch (`cargo clean -p <crate>`, then `cargo build -p <crate>` timed; dependencies already built), median of {} runs, with the workspace's `[profile.dev]` (`debug = \"line-tables-only\"`), on this project's 2-core machine. Baseline: `apikit-runtime`, rebuilt the same way in the same run. Goal: under 45 s for the biggest crate.\n\n| crate | own build | ratio to baseline | goal |\n|---|---|---|---|\n",
            self.iterations
        );
        for (package, secs) in &self.rows {
            let goal = if *secs < 45.0 { "met" } else { "**missed**" };
            s.push_str(&format!(
                "| `{package}` | {secs:.1} s | {:.1}x | {goal} |\n",
                secs / base
            ));
        }
        s.push('\n');
        s
    }
}

/// What `cargo xtask bench-runtime` measured (the JSON line `benches/runtime` prints).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RuntimeBench {
    /// Requests timed per side.
    pub requests: u64,
    /// Median latency of a raw `reqwest` call without timeouts, in microseconds.
    pub plain_median_us: f64,
    /// Median latency of a raw `reqwest` call with the client's timeouts, in
    /// microseconds: the baseline.
    pub raw_median_us: f64,
    /// Median latency of the generated client's call, in microseconds.
    pub client_median_us: f64,
    /// `client_median_us / raw_median_us`.
    pub ratio: f64,
    /// Bytes streamed by the download.
    pub download_bytes: u64,
    /// Peak RSS before the download, KiB.
    pub peak_rss_before_kib: u64,
    /// Peak RSS after the download, KiB.
    pub peak_rss_after_kib: u64,
    /// The ratios of all runs, in order (the fields above are the median run's).
    #[serde(default)]
    pub ratios: Vec<f64>,
}

/// Runs of `benches/runtime`; the run with the median ratio is reported.
pub const RUNTIME_RUNS: usize = 3;

/// Builds and runs `benches/runtime` in release mode [`RUNTIME_RUNS`] times and returns
/// the run with the median overhead ratio, with every run's ratio.
pub fn runtime(root: &Path) -> Result<RuntimeBench> {
    let cargo = crate::cargo();
    let mut runs = vec![];
    for _ in 0..RUNTIME_RUNS {
        let out = std::process::Command::new(&cargo)
            .current_dir(root)
            .args(["run", "--release", "-q", "-p", "apikit-bench-runtime"])
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(Error::io(root))?;
        if !out.status.success() {
            return Err(Error::Other(format!(
                "benches/runtime failed ({})",
                out.status
            )));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or_default();
        let run: RuntimeBench = serde_json::from_str(line)
            .map_err(|e| Error::Other(format!("benches/runtime printed `{line}`: {e}")))?;
        runs.push(run);
    }
    let ratios: Vec<f64> = runs.iter().map(|r| r.ratio).collect();
    runs.sort_by(|a, b| a.ratio.total_cmp(&b.ratio));
    let mut median = runs.swap_remove(runs.len() / 2);
    median.ratios = ratios;
    Ok(median)
}

impl RuntimeBench {
    /// The `## Client runtime` section of BENCHMARKS.md.
    pub fn section(&self) -> String {
        let mib = |kib: u64| kib as f64 / 1024.0;
        let verdict = |ok: bool| if ok { "met" } else { "**missed**" };
        let ratios: Vec<String> = self.ratios.iter().map(|r| format!("{r:.3}x")).collect();
        format!(
            "## Client runtime\n\n`cargo xtask bench-runtime`: release build of `benches/runtime`, {} runs, the run with the median ratio shown; this project's 2-core machine. Server: a minimal HTTP/1.1 server on loopback in the same process. Both sides send the same bytes (the generated client's user agent included), one call of each kind in turn.\n\n\
             | measurement | result | goal | |\n|---|---|---|---|\n\
             | per-request overhead: generated client (`apikit-shorten-rest` `get_alias`: builder, hooks, retry runtime, span, typed decode) vs raw `reqwest` (same connect/read timeouts) + `serde_json` into the same type; median of {} calls each | {:.1} µs vs {:.1} µs: **{:.3}x** (all runs: {}) | <= 1.05x | {} |\n\
             | for reference: raw `reqwest` without timeouts | {:.1} µs | | |\n\
             | peak RSS of the process after streaming {} MiB through `download_file` + `write_to` into a sink | {:.1} MiB (before the download: {:.1} MiB) | < 30 MiB | {} |\n\n",
            RUNTIME_RUNS,
            self.requests,
            self.client_median_us,
            self.raw_median_us,
            self.ratio,
            ratios.join(", "),
            verdict(self.ratio <= 1.05),
            self.plain_median_us,
            self.download_bytes / (1024 * 1024),
            mib(self.peak_rss_after_kib),
            mib(self.peak_rss_before_kib),
            verdict(mib(self.peak_rss_after_kib) < 30.0),
        )
    }
}
