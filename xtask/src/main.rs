//! `cargo xtask`: code generation and repository checks for apikit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::codegen;

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
    /// Write the JSON Schema of every webhook payload type to crates/apikit/schemas/.
    Schemas {
        /// Write nothing; exit 1 and list every schema file that differs.
        #[arg(long)]
        check: bool,
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
    /// Serve each spec with Prism (installed into xtask/contract/ by `npm ci`) and run one
    /// call per spec file against it; fail on any request Prism finds against the spec.
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
        #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
        format: String,
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
    /// Print the normalized OpenAPI 3.0 document that progenitor sees, as JSON.
    Normalize {
        /// A spec file (YAML or JSON).
        spec: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // spec-diff keeps 1 for "breaking changes found" (--fail-on-breaking); its errors are 2.
    let error_code = match cli.command {
        Command::SpecDiff { .. } => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            error_code
        }
    }
}

/// The providers named on the command line (all when none is), or an error naming the
/// first unknown one.
fn select(all: &[codegen::Provider], names: &[String]) -> xtask::Result<Vec<codegen::Provider>> {
    if names.is_empty() {
        return Ok(all.to_vec());
    }
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|p| &p.name == name)
                .cloned()
                .ok_or_else(|| {
                    xtask::Error::Other(format!(
                        "no provider `{name}`: expected specs/{name}/provider.toml"
                    ))
                })
        })
        .collect()
}

fn run(cli: Cli) -> xtask::Result<ExitCode> {
    let root = xtask::project_root();
    match cli.command {
        Command::Codegen { check, providers } => {
            let all = codegen::discover(&root)?;
            let selected = select(&all, &providers)?;
            let plan = codegen::plan(&root, &selected)?;
            if check {
                let mut drift = codegen::check(&root, &plan, &all)?;
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
                eprintln!("run `cargo xtask codegen` and review the diff");
                return Ok(ExitCode::FAILURE);
            }
            let orphans = codegen::orphans(&root, &all)?;
            if !orphans.is_empty() {
                let list: Vec<_> = orphans.iter().map(|p| p.display().to_string()).collect();
                return Err(xtask::Error::Other(format!(
                    "generated files without a spec: {}; delete their crate folder or restore the spec",
                    list.join(", ")
                )));
            }
            let changed = codegen::apply(&root, &plan)?;
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
        Command::Schemas { check } => {
            if check {
                let drift = xtask::schemas::check(&root)?;
                if drift.is_clean() {
                    println!(
                        "schemas --check: {} match the payload types",
                        xtask::schemas::plan().len()
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                eprint!("{drift}");
                eprintln!("run `cargo xtask schemas` and review the diff");
                return Ok(ExitCode::FAILURE);
            }
            let changed = xtask::schemas::apply(&root)?;
            for p in &changed {
                println!("wrote {}", p.display());
            }
            println!("schemas: {} file(s) changed", changed.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchCodegen { iterations } => {
            let result = xtask::bench::run(&root, iterations)?;
            let profile = if cfg!(debug_assertions) {
                "dev"
            } else {
                "release"
            };
            let section = result.section(profile);
            print!("{section}");
            xtask::bench::write_section(&root.join("BENCHMARKS.md"), &section)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchCompile { iterations } => {
            let result = xtask::bench::compile(&root, iterations)?;
            let section = result.section();
            print!("{section}");
            xtask::bench::write_section(&root.join("BENCHMARKS.md"), &section)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Add { name, spec, force } => {
            let added = xtask::add::add(&root, &name, &spec, force)?;
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
        Command::BenchRuntime => {
            let result = xtask::bench::runtime(&root)?;
            let section = result.section();
            xtask::bench::write_section(&root.join("BENCHMARKS.md"), &section)?;
            print!("{section}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Contract { providers } => {
            let chosen = select(&codegen::discover(&root)?, &providers)?;
            let problems = xtask::contract::run(&root, &chosen)?;
            if problems.is_empty() {
                println!("contract: every request matched its spec");
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &problems {
                    eprintln!("contract: {p}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
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
            use xtask::spec_diff;
            let report = match (old, new) {
                (Some(old), Some(new)) => {
                    spec_diff::diff_files(&old, &new, name.as_deref(), !no_api)?
                }
                _ => spec_diff::diff_base(&root, base.as_deref(), &providers, !no_api)?,
            };
            let format = if format == "json" {
                spec_diff::Format::Json
            } else {
                spec_diff::Format::Markdown
            };
            print!("{}", spec_diff::report::render(&report, format));
            if fail_on_breaking && report.has_breaking() {
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchSpecDiff { iterations } => {
            let result = xtask::spec_diff::bench::run(&root, iterations)?;
            let profile = if cfg!(debug_assertions) {
                "dev"
            } else {
                "release"
            };
            let section = result.section(profile);
            print!("{section}");
            xtask::bench::write_section(&root.join("BENCHMARKS.md"), &section)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Normalize { spec } => {
            let doc = xtask::normalize_file(&spec)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("JSON values serialize")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
