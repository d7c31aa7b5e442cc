//! `cargo xtask`: the command line over apikit's generator (`apikit-codegen`) and
//! spec-diff (`apikit-spec-diff`) libraries, plus the Prism contract runner and the
//! benchmarks. Each subcommand is one function below; the work is in the libraries.

mod bench;
mod contract;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use apikit_codegen::{Error, Result};
use apikit_spec_diff as spec_diff;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "apikit repository tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate crates/<provider>/ from specs/<provider>/ (all providers by default).
    Codegen {
        /// Write nothing; exit 1 and list every file that differs from what the specs generate.
        #[arg(long)]
        check: bool,
        /// Only these providers (folder names under specs/).
        providers: Vec<String>,
    },
    /// Time `codegen --check` for all providers against a baseline; write BENCHMARKS.md.
    BenchCodegen {
        /// Measured runs per side (after one warm-up).
        #[arg(long, default_value_t = 5)]
        iterations: usize,
    },
    /// Add a provider: copy its spec (Swagger 2.0, OpenAPI 3.0 or 3.1; YAML or JSON) into
    /// specs/<name>/, infer provider.toml, and generate crates/<name>/.
    Add {
        /// Folder and crate name: specs/<name>/, crates/<name>/, package apikit-<name>.
        name: String,
        /// The spec file as the provider publishes it.
        spec: PathBuf,
        /// Replace an existing provider's spec, provider.toml and generated files
        /// (hand-written lib.rs and README.md are kept).
        #[arg(long)]
        force: bool,
    },
    /// Time each client crate's own debug build (dependencies built); write BENCHMARKS.md.
    BenchCompile {
        /// Measured builds per crate.
        #[arg(long, default_value_t = 2)]
        iterations: usize,
    },
    /// Measure the client runtime (overhead vs raw reqwest, streamed download memory);
    /// write BENCHMARKS.md.
    BenchRuntime,
    /// Serve each spec with Prism (installed into xtask/contract/ by `npm ci`), static and
    /// then dynamic, and call every operation against it (tests/conformance); fail on a
    /// request Prism finds against the spec or a response that does not decode.
    Contract {
        /// Only these providers (folder names under specs/).
        providers: Vec<String>,
    },
    /// Report what a spec change means for users of the generated client, breaking
    /// changes first: two files (`--old`, `--new`), or providers' specs at a git revision
    /// against the working tree. Exit 1 with --fail-on-breaking if any change breaks,
    /// 2 on errors.
    SpecDiff {
        /// The old spec file (with --new).
        #[arg(long, requires = "new", conflicts_with_all = ["base", "providers"])]
        old: Option<PathBuf>,
        /// The new spec file (with --old).
        #[arg(long, requires = "old")]
        new: Option<PathBuf>,
        /// Git revision of the old specs (default: the merge-base of HEAD and main).
        #[arg(long)]
        base: Option<String>,
        /// `markdown` (a PR comment) or `json`.
        #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
        format: ReportFormat,
        /// Exit 1 when any change is breaking.
        #[arg(long)]
        fail_on_breaking: bool,
        /// Skip the summary of the generated Rust API (which renders both sides).
        #[arg(long)]
        no_api: bool,
        /// Provider name in the report for --old/--new (default: the new file's folder).
        #[arg(long, requires = "old")]
        name: Option<String>,
        /// Only these providers (folder names under specs/); all by default.
        providers: Vec<String>,
    },
    /// Time `spec-diff` on the largest spec against a modified copy; write BENCHMARKS.md.
    BenchSpecDiff {
        /// Measured runs per side (after one warm-up).
        #[arg(long, default_value_t = 5)]
        iterations: usize,
    },
    /// Count how the generated types read (#19): types, `VariantN` names, names ending in
    /// a digit or over 40 chars, fallible string newtypes, duplicate-shape structs; a
    /// Markdown table per crate from crates/<provider>/src/generated.rs.
    ApiCensus {
        /// Also list the offending names of each crate, below the table.
        #[arg(long)]
        list: bool,
        /// Only these providers (folder names under specs/).
        providers: Vec<String>,
    },
    /// Print the normalized OpenAPI 3.0 document that progenitor sees, as JSON.
    Normalize {
        /// A spec file (YAML or JSON).
        spec: PathBuf,
        /// Print the facts normalization learned (real request media types, empty
        /// success statuses) instead of the document.
        #[arg(long)]
        facts: bool,
    },
}

/// `--format` of spec-diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// A pull-request comment.
    Markdown,
    /// `{"changes": [...]}`.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // spec-diff keeps 1 for "breaking changes found" (--fail-on-breaking); its errors are 2.
    let error_code = match cli.command {
        Command::SpecDiff { .. } => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    };
    let root = project_root();
    let result = match cli.command {
        Command::Codegen { check, providers } => codegen(&root, check, &providers),
        Command::BenchCodegen { iterations } => bench_codegen(&root, iterations),
        Command::Add { name, spec, force } => add(&root, &name, &spec, force),
        Command::BenchCompile { iterations } => bench_compile(&root, iterations),
        Command::BenchRuntime => bench_runtime(&root),
        Command::Contract { providers } => contract(&root, &providers),
        Command::SpecDiff {
            old,
            new,
            base,
            format,
            fail_on_breaking,
            no_api,
            name,
            providers,
        } => {
            let sides = match (old, new) {
                (Some(old), Some(new)) => Sides::Files { old, new, name },
                _ => Sides::Base { base, providers },
            };
            spec_diff(&root, sides, format, fail_on_breaking, !no_api)
        }
        Command::BenchSpecDiff { iterations } => bench_spec_diff(&root, iterations),
        Command::Normalize { spec, facts } => normalize(&spec, facts),
        Command::ApiCensus { list, providers } => api_census(&root, list, &providers),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            error_code
        }
    }
}

/// The cargo that runs this xtask (`$CARGO`), for the tasks that run cargo again.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The repository root (the folder holding `specs/` and `crates/`): the nearest ancestor
/// of the current directory with an `xtask/` folder and a `Cargo.toml`, so a clone
/// anywhere works; else the root this xtask was built from.
fn project_root() -> PathBuf {
    let cwd = std::env::current_dir().ok();
    let found = cwd.as_deref().and_then(|cwd| {
        cwd.ancestors()
            .find(|d| d.join("xtask").is_dir() && d.join("Cargo.toml").is_file())
    });
    found.map(Path::to_owned).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives one level below the root")
            .to_owned()
    })
}

/// `codegen [--check] [provider...]`.
fn codegen(root: &Path, check: bool, providers: &[String]) -> Result<ExitCode> {
    let all = apikit_codegen::discover(root)?;
    let selected = apikit_codegen::select(&all, providers)?;
    let plan = apikit_codegen::plan(root, &selected)?;
    if check {
        let mut drift = apikit_codegen::check(root, &plan, &all)?;
        if !providers.is_empty() {
            drift.orphaned.clear();
        }
        if drift.is_clean() {
            println!(
                "codegen --check: {} provider(s) match their specs",
                selected.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprint!("{drift}");
        eprint!("{}", apikit_codegen::files::diff(root, &plan, &drift, 3)?);
        eprintln!("run `cargo xtask codegen` and review the diff");
        return Ok(ExitCode::FAILURE);
    }
    let orphans = apikit_codegen::files::orphans(root, &all)?;
    if !orphans.is_empty() {
        let list: Vec<_> = orphans.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Other(format!(
            "generated files without a spec: {}; delete their crate folder or restore the spec",
            list.join(", ")
        )));
    }
    let changed = apikit_codegen::apply(root, &plan)?;
    for p in &changed {
        println!("wrote {}", p.display());
    }
    println!(
        "codegen: {} provider(s), {} file(s) changed",
        selected.len(),
        changed.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `add <name> <spec> [--force]`.
fn add(root: &Path, name: &str, spec: &Path, force: bool) -> Result<ExitCode> {
    let added = apikit_codegen::add::add(root, name, spec, force)?;
    for p in &added.written {
        println!("wrote {}", p.display());
    }
    for note in &added.notes {
        eprintln!("note: {note}");
    }
    println!(
        "added provider `{name}`: check it with `cargo check -p apikit-{name}` and review specs/{name}/provider.toml"
    );
    Ok(ExitCode::SUCCESS)
}

/// The build profile this xtask runs in, for benchmark reports.
fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    }
}

/// Prints a benchmark section and replaces it in BENCHMARKS.md.
fn report_bench(root: &Path, section: &str) -> Result<ExitCode> {
    print!("{section}");
    bench::write_section(&root.join("BENCHMARKS.md"), section)?;
    Ok(ExitCode::SUCCESS)
}

/// `bench-codegen`.
fn bench_codegen(root: &Path, iterations: usize) -> Result<ExitCode> {
    let result = bench::run(root, iterations)?;
    report_bench(root, &result.section(profile()))
}

/// `bench-compile`.
fn bench_compile(root: &Path, iterations: usize) -> Result<ExitCode> {
    let result = bench::compile(root, iterations)?;
    report_bench(root, &result.section())
}

/// `bench-runtime`.
fn bench_runtime(root: &Path) -> Result<ExitCode> {
    let result = bench::runtime(root)?;
    report_bench(root, &result.section())
}

/// `bench-spec-diff`.
fn bench_spec_diff(root: &Path, iterations: usize) -> Result<ExitCode> {
    let result = bench::spec_diff::run(root, iterations)?;
    report_bench(root, &result.section(profile()))
}

/// `contract [provider...]`.
fn contract(root: &Path, providers: &[String]) -> Result<ExitCode> {
    let chosen = apikit_codegen::select(&apikit_codegen::discover(root)?, providers)?;
    let (table, problems) = contract::run(root, &chosen)?;
    let report = root.join("target/contract/conformance.md");
    std::fs::write(&report, &table).map_err(apikit_codegen::Error::io(&report))?;
    println!("{table}\ncontract: table written to {}", report.display());
    if problems.is_empty() {
        println!("contract: every operation conforms in both rounds");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("contract: {p}");
    }
    eprintln!("contract: {} problem(s)", problems.len());
    Ok(ExitCode::FAILURE)
}

/// What spec-diff compares.
enum Sides {
    /// `--old F --new F [--name N]`.
    Files {
        old: PathBuf,
        new: PathBuf,
        name: Option<String>,
    },
    /// `[--base REV] [provider...]`.
    Base {
        base: Option<String>,
        providers: Vec<String>,
    },
}

/// `spec-diff`.
fn spec_diff(
    root: &Path,
    sides: Sides,
    format: ReportFormat,
    fail_on_breaking: bool,
    with_api: bool,
) -> Result<ExitCode> {
    let report = match sides {
        Sides::Files { old, new, name } => {
            spec_diff::diff_files(&old, &new, name.as_deref(), with_api)?
        }
        Sides::Base { base, providers } => {
            spec_diff::diff_base(root, base.as_deref(), &providers, with_api)?
        }
    };
    let format = match format {
        ReportFormat::Markdown => spec_diff::Format::Markdown,
        ReportFormat::Json => spec_diff::Format::Json,
    };
    print!("{}", spec_diff::report::render(&report, format));
    if fail_on_breaking && report.has_breaking() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `normalize <spec> [--facts]`.
fn normalize(spec: &Path, facts: bool) -> Result<ExitCode> {
    let normalized = apikit_codegen::normalize::file(spec)?;
    let json = if facts {
        serde_json::to_string_pretty(&normalized.facts)
    } else {
        serde_json::to_string_pretty(&normalized.doc)
    };
    println!("{}", json.expect("JSON values serialize"));
    Ok(ExitCode::SUCCESS)
}

/// `api-census [--list] [provider...]`.
fn api_census(root: &Path, list: bool, providers: &[String]) -> Result<ExitCode> {
    let chosen = apikit_codegen::select(&apikit_codegen::discover(root)?, providers)?;
    let rows = apikit_codegen::census::crates(root, &chosen)?;
    print!(
        "{}",
        apikit_codegen::census::table(rows.iter().map(|(n, c)| (n.as_str(), c)))
    );
    if list {
        for (name, census) in &rows {
            print!("\n{}", census.listing(name));
        }
    }
    Ok(ExitCode::SUCCESS)
}
