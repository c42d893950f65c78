//! `techmarket`: run the platform embedded (`up`), run one service (`serve`), migrate the
//! schema, and administer it.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use platform::config::{Config, DocumentBackendKind, SearchBackendKind};
use platform::AppState;

// Indexing allocates a token at a time; with glibc's malloc that was an eighth of its CPU
// (the search benchmark indexes 16% more documents per CPU-second with mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "techmarket",
    version,
    about = "TechMarket technology-transfer marketplace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every service and the portal in one process on SQLite with the embedded search
    /// index, migrating and loading sample data on first start.
    Up {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value = "./data")]
        data_dir: PathBuf,
        /// Do not load sample data into an empty database.
        #[arg(long)]
        no_sample: bool,
    },
    /// Run one service against the configured database (production).
    Serve {
        /// listing, matching, deal or portal
        service: String,
    },
    /// Apply pending migrations to the configured database and set up the search index (with
    /// Meilisearch: create the index, apply its settings and make sure the services' keys
    /// exist; `search.meili_api_key` must be the master key).
    Migrate,
    /// Print the services' least-privilege Meilisearch keys (created if missing, with the
    /// master key in `search.meili_api_key`): the listing service's, which may write documents,
    /// and the matching service's, which may only search.
    SearchKeys,
    /// Load the sample data into an empty database. It creates demo accounts with a published
    /// password, an operator among them: on PostgreSQL (a real deployment) only with
    /// `--demo-accounts`.
    Seed {
        /// Load the sample data and demo accounts into a PostgreSQL database (a demo site).
        #[arg(long)]
        demo_accounts: bool,
    },
    /// Write the whole database to one file while the platform keeps serving (SQLite: a
    /// consistent copy; PostgreSQL: pg_dump's custom format), with the documents when the
    /// store keeps them as files (always in the embedded mode; the file is then a tar archive
    /// of both). The search index is rebuilt on restore, so it is not in the file.
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        out: PathBuf,
        /// Back up the embedded database of `techmarket up --data-dir DIR` instead of the
        /// configured one.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Replace the database (and the documents, when the backup holds them) with a backup,
    /// apply pending migrations and rebuild the search index. Stop the platform first (on SQLite the restore refuses while `up` runs).
    Restore {
        /// A file written by `techmarket backup`.
        file: PathBuf,
        /// Restore into the embedded data directory of `techmarket up --data-dir DIR`.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Recompute the matches of every published need.
    Rematch,
    /// Embed every published listing for matching by meaning (needs `matching.embedder_url`),
    /// then recompute the matches. Add `--data-dir` for the embedded mode's database.
    EmbedBackfill {
        /// Backfill the embedded database of `techmarket up --data-dir DIR`.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Score the matcher on a labelled set (see ../shared/data/README.md).
    Eval {
        #[arg(long)]
        corpus: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        /// Rank with plain full text instead of the matcher, for comparison.
        #[arg(long)]
        baseline: Option<String>,
        /// Only the queries of this split: `tune` or `report` (default: all).
        #[arg(long)]
        split: Option<String>,
        /// Write the run (query_id, doc_id, rank) as TSV for baseline_bm25.py --run.
        #[arg(long)]
        run_out: Option<PathBuf>,
        /// The search backend to evaluate: `embedded` (a temporary index) or `meilisearch`
        /// (a throw-away index on the server at search.meili_url, with search.meili_api_key,
        /// which must be allowed to create and delete indexes).
        #[arg(long, default_value = "embedded")]
        backend: EvalBackend,
        /// Rank hybrid (lexical + vectors) with the OpenAI-compatible embedder at this URL
        /// (sets `matching.embedder_url`; the other `matching.embedder_*` keys apply).
        #[arg(long)]
        embedder_url: Option<String>,
    },
    /// Import listings from an XLSX or CSV file into an organisation (as drafts).
    Import {
        /// `achievements` or `needs`
        kind: String,
        /// The .xlsx or .csv file
        file: PathBuf,
        /// Organisation id
        #[arg(long)]
        org: uuid::Uuid,
        /// Import the valid rows and report the bad ones (default: all or nothing)
        #[arg(long)]
        valid_rows_only: bool,
    },
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// Where `techmarket eval` indexes the corpus.
#[derive(Clone, Copy, clap::ValueEnum)]
enum EvalBackend {
    Embedded,
    Meilisearch,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a platform operator account.
    CreateOperator {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Operator")]
        name: String,
        /// Read from TECHMARKET_OPERATOR_PASSWORD when not given, so it stays out of shell history.
        #[arg(long, env = "TECHMARKET_OPERATOR_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

/// A progress bar on stderr for long commands.
fn progress_bar(what: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what);
    bar
}

#[expect(
    clippy::print_stdout,
    reason = "the import report is the command's output"
)]
fn report_import(summary: &listing::domain::imports::ImportOut) {
    println!(
        "{}: {} rows, {} listings created, {} errors",
        summary.status, summary.total_rows, summary.created_count, summary.error_count
    );
    for e in &summary.errors {
        println!("  row {:>6}  {:<20} {}", e.row, e.column, e.reason);
    }
}

/// The embedded mode's database: a SQLite file in the data directory, created if missing.
fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Points the configuration at the embedded mode's data directory (created if missing): its
/// SQLite database, its search index and its documents.
fn embedded(config: &mut Config, data_dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("Failed to create data directory {}", data_dir.display()))?;
    config.database.url = sqlite_url(&data_dir.join("techmarket.db")).into();
    config.search.backend = SearchBackendKind::Embedded;
    config.search.index_dir = data_dir.join("search");
    config.documents.backend = DocumentBackendKind::Directory;
    config.documents.dir = data_dir.join("documents");
    Ok(())
}

/// The folder the documents are kept in, when the store keeps them as files: backups carry
/// them (S3 keeps its own).
fn documents_folder(config: &Config) -> Option<&std::path::Path> {
    (config.documents.backend == DocumentBackendKind::Directory)
        .then_some(config.documents.dir.as_path())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load().context("Invalid configuration")?;
    // The matching service's own keys are checked with the rest, before any command runs.
    let matching_settings = matching::settings::MatchingConfig::from_config(&config)
        .context("Invalid configuration")?;
    platform::telemetry::init(&config.telemetry);
    match cli.command {
        Command::Up {
            addr,
            data_dir,
            no_sample,
        } => {
            embedded(&mut config, &data_dir)?;
            // Held while serving: a restore (or a second `up`) on this directory is refused.
            let _lock = techmarket::backup::DataDirLock::acquire(&data_dir)
                .context("Is TechMarket already running on this data directory?")?;
            config.server.addr = addr;
            up(config, no_sample).await
        }
        Command::Backup { out, data_dir } => {
            if let Some(dir) = data_dir {
                embedded(&mut config, &dir)?;
            }
            let written =
                techmarket::backup::backup(&config.database, documents_folder(&config), &out)
                    .await?;
            tracing::info!(file = %out.display(), ?written, "backup written");
            Ok(())
        }
        Command::Restore { file, data_dir } => {
            if let Some(dir) = data_dir {
                embedded(&mut config, &dir)?;
            }
            let restored =
                techmarket::backup::restore(&config.database, documents_folder(&config), &file)
                    .await?;
            let db = platform::db::connect(&config.database, "restore").await?;
            let applied = techmarket::migrate(&db).await?;
            let search = techmarket::open_search(&config).await?;
            let indexed = listing::domain::index::reindex(&db, search.as_ref(), |_, _| {}).await?;
            tracing::info!(
                restored = ?restored.outcome,
                applied,
                indexed,
                "database restored, search index rebuilt"
            );
            Ok(())
        }
        Command::Serve { service } => serve(config, &service).await,
        Command::Migrate => {
            let db = platform::db::connect(&config.database, "migrate").await?;
            let applied = techmarket::migrate(&db).await?;
            tracing::info!(applied, "schema is up to date");
            // With an embedder, the Meilisearch index declares where vectors go.
            let vectors = techmarket::vector_space(&config)?.map(|v| v.dimensions);
            if platform::state::setup_search(&config.search, vectors)
                .await?
                .is_some()
            {
                tracing::info!(
                    prefix = %config.search.index_prefix,
                    "search index and service keys are set up (`techmarket search-keys` prints the keys)"
                );
            }
            Ok(())
        }
        Command::SearchKeys => {
            let vectors = techmarket::vector_space(&config)?.map(|v| v.dimensions);
            let Some(keys) = platform::state::setup_search(&config.search, vectors).await? else {
                anyhow::bail!(
                    "the embedded search index has no keys: search-keys is for search.backend = \"meilisearch\""
                );
            };
            print_search_keys(&keys);
            Ok(())
        }
        Command::Seed { demo_accounts } => {
            use secrecy::ExposeSecret;
            // The sample data's operator logs in with the password printed in the README: in a
            // production database that is an open door. The embedded SQLite file is a
            // newcomer's own machine; anything else must ask for it by name.
            if !demo_accounts && !config.database.url.expose_secret().starts_with("sqlite:") {
                anyhow::bail!(
                    "refusing to load sample data into a PostgreSQL database: it creates demo accounts, \
                     an operator among them, whose password `{}` is published in the README. Pass \
                     --demo-accounts if this is a demo deployment; create real operators with \
                     `techmarket admin create-operator`",
                    techmarket::sample::DEMO_PASSWORD
                );
            }
            let db = platform::db::connect(&config.database, "seed").await?;
            techmarket::check_schema(&db).await?;
            if techmarket::sample::load_if_empty(&db).await? {
                tracing::info!("sample data loaded");
            } else {
                tracing::warn!("the database already has organisations; sample data not loaded");
            }
            Ok(())
        }
        Command::Reindex => {
            let db = platform::db::connect(&config.database, "reindex").await?;
            techmarket::check_schema(&db).await?;
            let search = techmarket::open_search(&config).await?;
            let bar = progress_bar("indexing");
            let done = listing::domain::index::reindex(&db, search.as_ref(), |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish_with_message(format!("{done} listings indexed"));
            Ok(())
        }
        Command::Rematch => {
            let db = platform::db::connect(&config.database, "rematch").await?;
            techmarket::check_schema(&db).await?;
            let search = techmarket::open_search(&config).await?;
            let bar = progress_bar("matching");
            let semantic =
                matching::embedding::jobs::Semantic::from_config(&config, &matching_settings)?
                    .map(|s| s.with_search(&search, &db));
            let done = matching::domain::recompute::rematch_all(
                &db,
                search.as_ref(),
                &matching_settings,
                config.email.enabled,
                semantic.as_ref(),
                |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            )
            .await?;
            bar.finish_with_message(format!(
                "{} new, {} updated, {} retired",
                done.created, done.updated, done.retired
            ));
            Ok(())
        }
        Command::EmbedBackfill { data_dir } => {
            if let Some(dir) = data_dir {
                embedded(&mut config, &dir)?;
            }
            let bar = progress_bar("embedding");
            let summary = techmarket::embed_backfill::run(&config, &bar).await?;
            bar.finish_and_clear();
            techmarket::embed_backfill::report(&summary);
            Ok(())
        }
        Command::Eval {
            corpus,
            queries,
            baseline,
            split,
            run_out,
            backend,
            embedder_url,
        } => {
            if let Some(url) = embedder_url {
                config.matching.set("embedder_url", url);
            }
            techmarket::run_eval(
                &config,
                &corpus,
                &queries,
                baseline.as_deref(),
                split.as_deref(),
                run_out.as_deref(),
                match backend {
                    EvalBackend::Embedded => SearchBackendKind::Embedded,
                    EvalBackend::Meilisearch => SearchBackendKind::Meilisearch,
                },
            )
            .await
        }
        Command::Import {
            kind,
            file,
            org,
            valid_rows_only,
        } => {
            let db = platform::db::connect(&config.database, "import").await?;
            techmarket::check_schema(&db).await?;
            let summary = techmarket::import_file(
                &db,
                &kind,
                &file,
                org,
                valid_rows_only,
                progress_bar("validating"),
            )
            .await?;
            report_import(&summary);
            if summary.status == wire::ImportStatus::Succeeded {
                Ok(())
            } else {
                anyhow::bail!("import failed: {}", summary.failure.unwrap_or_default())
            }
        }
        Command::Admin {
            command:
                AdminCommand::CreateOperator {
                    email,
                    name,
                    password,
                },
        } => {
            let db = platform::db::connect(&config.database, "admin").await?;
            techmarket::check_schema(&db).await?;
            let user = listing::domain::accounts::create_operator(&db, &email, &name, &password)
                .await
                .map_err(|e| anyhow::anyhow!("Failed to create operator: {e}"))?;
            tracing::info!(user.id = %user.id, email = %user.email, "operator created");
            Ok(())
        }
    }
}

async fn up(config: Config, no_sample: bool) -> anyhow::Result<()> {
    let db = platform::db::connect(&config.database, "embedded").await?;
    let applied = techmarket::migrate(&db).await?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    // `up` holds the data directory's lock: no other worker can be running these jobs.
    let released = platform::jobs::release_all_leases(&db).await?;
    if released > 0 {
        tracing::warn!(
            released,
            "jobs left running by an earlier stop are queued again"
        );
    }
    let search = techmarket::open_search_rebuilding(&config, &db).await?;
    if !no_sample && techmarket::sample::load_if_empty(&db).await? {
        tracing::info!(
            "sample data loaded (fictional organisations, labelled 示例/sample); indexing"
        );
        listing::domain::index::reindex(&db, search.as_ref(), |_, _| {}).await?;
        // Matches are computed in the background by the job queue.
        techmarket::enqueue_rematch(&db).await?;
    }
    listing::schedule_periodic_jobs(&db).await?;
    matching::schedule_periodic_jobs(&db).await?;
    deal::schedule_periodic_jobs(&db).await?;
    let addr = config.server.addr;
    let documents = platform::state::open_documents(&config.documents)?;
    let state = techmarket::with_meaning(AppState::new(db, config, search, documents))?;
    let (app, _) = techmarket::embedded_app(state.clone());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("Failed to listen on {addr}"))?;
    let url = format!("http://{}", listener.local_addr()?);
    // Listen for signals before telling anyone the URL: a stop right after start is clean.
    let shutdown = platform::serve::shutdown_signal();
    print_banner(&url)?;
    platform::serve::run(listener, app, state, techmarket::all_jobs(), shutdown).await
}

#[expect(
    clippy::print_stdout,
    reason = "the URL and demo logins are for the person at the terminal"
)]
fn print_banner(url: &str) -> anyhow::Result<()> {
    println!("TechMarket is running at {url}/");
    println!("  API reference: {url}/api/docs/");
    println!(
        "  Demo accounts (sample data), password `{}`:",
        techmarket::sample::DEMO_PASSWORD
    );
    for account in techmarket::sample::demo_accounts()? {
        println!("    {:<40} {}", account.email, account.role);
    }
    println!("Press Ctrl-C to stop.");
    Ok(())
}

async fn serve(config: Config, service: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        techmarket::SERVICES.contains(&service),
        "unknown service `{service}`: expected one of {}",
        techmarket::SERVICES.join(", ")
    );
    let addr = config.server.addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("Failed to listen on {addr}"))?;
    tracing::info!(service, addr = %listener.local_addr()?, "listening");
    techmarket::serve_service(
        config,
        service,
        listener,
        platform::serve::shutdown_signal(),
    )
    .await
}

#[expect(
    clippy::print_stdout,
    reason = "the keys are the command's output, for the operator to hand to the services"
)]
fn print_search_keys(keys: &search::meili::ServiceKeys) {
    println!("listing  TECHMARKET_SEARCH__MEILI_API_KEY={}", keys.writer);
    println!(
        "matching TECHMARKET_SEARCH__MEILI_API_KEY={}",
        keys.search_only
    );
}
