//! `sync-bench`: N devices × M material lists (材料清单) × K offline edits, synced over loopback
//! HTTP against a real `juanzong serve` child process.
//!
//! Phases:
//! 1. setup (not timed): a temporary data folder, `juanzong court add`, `team add` and one
//!    `user add` per device, then `juanzong serve` on 127.0.0.1 port 0; every device logs in,
//!    device 1 creates the M lists and the others receive them, so all start from the same heads;
//! 2. offline edits (not timed): each device makes K edits to each list, one commit each;
//! 3. sync (timed): all devices sync at once until each has sent everything, then, once all have,
//!    each syncs again to receive the others' edits. The clock stops when every device holds every
//!    list with the heads the server reported; one extra request per device then confirms it;
//! 4. baselines (in this process, no HTTP, no database): the same edits combined with plain
//!    automerge `merge`, and with the sync engine's `inspect`/`apply` loop.
//!
//! Invariants: only 127.0.0.1 is contacted; every loop has a fixed bound; the child server is
//! killed when [`server::ServerProcess`] is dropped, on error paths too; a PostgreSQL scratch
//! database is dropped at the end of the run whether it succeeded or not.

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;

use juanzong_sync::MaterialListDocument;

/// Password of every bench user.
const BENCH_PASSWORD: &str = "bench-pass-2026";

/// Sync rounds one session may take before the bench fails. In pass 1 a session takes extra
/// rounds while other phones keep adding changes to the same lists; 10 rounds were too few for
/// 10 phones × 20 lists.
const MAX_ROUNDS: usize = 60;

/// Sync passes over all devices before the bench gives up on convergence.
const MAX_PASSES: usize = 4;

/// Lists per request; the server rejects more than 100.
const MAX_LISTS_PER_REQUEST: usize = 100;

/// A request slower than this is counted as slow.
const SLOW_REQUEST: Duration = Duration::from_secs(1);

/// Sync N devices × M lists × K offline edits against a real juanzong server on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "sync-bench")]
struct Options {
    /// Number of phones, each logged in as its own field officer of one team.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=500))]
    devices: u32,
    /// Number of material lists of the team; every device edits every list.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=2000))]
    lists: u32,
    /// Offline edits (commits) per device per list.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10000))]
    edits: u32,
    /// PostgreSQL server URL; the bench creates a scratch database there and drops it at the end.
    /// Without it the server uses SQLite in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// The `juanzong` binary; defaults to the one next to this bench's executable.
    #[arg(long)]
    binary: Option<std::path::PathBuf>,
    /// Send sync bodies in the binary framing (application/vnd.juanzong.sync).
    #[arg(long, conflicts_with = "json")]
    binary_frames: bool,
    /// Send sync bodies as JSON (the default).
    #[arg(long)]
    json: bool,
}

fn main() -> std::process::ExitCode {
    let options = Options::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sync-bench: failed to start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sync-bench failed: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> anyhow::Result<()> {
    let binary = match &options.binary {
        Some(path) => path.clone(),
        None => server::sibling_binary()?,
    };
    let scratch = match &options.database_url {
        Some(url) => Some(postgres::ScratchDatabase::create(url).await?),
        None => None,
    };
    let result = run_with_database(&options, &binary, scratch.as_ref().map(|s| s.url.as_str())).await;
    if let Some(scratch) = scratch {
        if let Err(error) = scratch.drop_database().await {
            eprintln!("sync-bench: failed to drop the scratch database: {error:#}");
        }
    }
    result
}

async fn run_with_database(options: &Options, binary: &std::path::Path, database_url: Option<&str>) -> anyhow::Result<()> {
    let folder = tempfile::tempdir().context("create the temporary data folder")?;
    let result = measure(options, binary, database_url, folder.path()).await;
    if result.is_err() {
        // The log is deleted with the folder, so its errors are shown before the folder goes.
        if let Ok(log) = server::LogSummary::read(&folder.path().join("server.log")) {
            eprintln!("server log: {} warnings, {} errors", log.warnings, log.errors);
            for line in &log.samples {
                eprintln!("  {line}");
            }
        }
    }
    result
}

async fn measure(options: &Options, binary: &std::path::Path, database_url: Option<&str>, folder: &std::path::Path) -> anyhow::Result<()> {
    let shape = workload::Shape {
        devices: options.devices as usize,
        lists: options.lists as usize,
        edits: options.edits as usize,
    };
    let format = if options.binary_frames {
        transport::BodyFormat::Binary
    } else {
        transport::BodyFormat::Json
    };

    let setup = server::ServerSetup {
        binary: binary.to_path_buf(),
        data_dir: folder.join("data"),
        database_url: database_url.map(str::to_string),
    };
    let usernames: Vec<String> = (1..=shape.devices).map(|n| format!("bench{n:03}")).collect();
    setup.create_organisation(&usernames)?;
    let process = server::ServerProcess::start(&setup, &folder.join("server.log"))?;
    let transport = transport::Transport::new(&process.address, format)?;

    let mut devices = workload::log_in_all(&transport, &usernames).await?;
    workload::distribute_lists(&transport, &mut devices, shape.lists).await?;
    let base: Vec<MaterialListDocument> = devices[0].lists.iter().map(|l| l.document.clone()).collect();
    workload::edit_offline(&mut devices, shape.edits)?;
    let before_sync: Vec<workload::Device> = devices.clone();

    let clock = server::ClockTicks::read()?;
    let rss_before_kib = server::status_kib(process.pid, "VmRSS")?;
    let cpu_before = clock.cpu_seconds(process.pid)?;
    transport.stats.reset();
    let started = Instant::now();
    let passes = workload::sync_until_converged(&transport, &mut devices).await?;
    let wall = started.elapsed();
    let cpu_server = clock.cpu_seconds(process.pid)? - cpu_before;
    let traffic = transport.stats.snapshot();
    let peak_kib = server::status_kib(process.pid, "VmHWM")?;

    let final_heads = workload::confirm_convergence(&transport, &mut devices).await?;
    drop(process);
    let log = server::LogSummary::read(&folder.join("server.log"))?;

    let merge = baseline::automerge_merge(&base, &before_sync, &final_heads)?;
    // A failed engine baseline is reported beside the HTTP figures instead of discarding them.
    let engine = baseline::engine_sync(&base, &before_sync, &final_heads).map_err(|error| format!("{error:#}"));

    report::print(&report::Figures {
        shape,
        format,
        database: if database_url.is_some() { "PostgreSQL" } else { "SQLite" },
        binary: binary.to_path_buf(),
        passes,
        wall,
        cpu_server,
        traffic,
        rss_before_kib,
        peak_kib,
        merge,
        engine,
        log,
        notices: devices.iter().map(|d| d.notices).sum(),
        max_session_rounds: devices.iter().map(|d| d.max_session_rounds).max().unwrap_or(0),
    });
    Ok(())
}

mod server {
    //! The `juanzong` child process: setup commands, `serve` on 127.0.0.1 port 0, and its figures
    //! from /proc.
    //!
    //! Invariant: a started [`ServerProcess`] is killed and reaped when dropped.

    use std::io::{BufRead, BufReader};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use anyhow::Context;

    /// Log lines kept as samples by [`LogSummary::read`].
    const MAX_SAMPLES: usize = 5;

    /// Lines after an error line read as its cause chain.
    const MAX_CAUSE_LINES: usize = 8;

    /// How long the server may take to print its address.
    const START_TIMEOUT: Duration = Duration::from_secs(60);

    /// Returns the `juanzong` binary next to this executable (both live in the same target
    /// profile folder).
    pub fn sibling_binary() -> anyhow::Result<PathBuf> {
        let exe = std::env::current_exe().context("find this executable's path")?;
        let folder = exe.parent().context("this executable has no parent folder")?;
        let binary = folder.join("juanzong");
        anyhow::ensure!(
            binary.is_file(),
            "{} not found: build it with `cargo build --release -p juanzong-server --bin juanzong` \
             (or without --release for a debug bench), or pass --binary PATH",
            binary.display()
        );
        Ok(binary)
    }

    /// What every `juanzong` command of the bench is run with.
    pub struct ServerSetup {
        pub binary: PathBuf,
        pub data_dir: PathBuf,
        pub database_url: Option<String>,
    }

    impl ServerSetup {
        fn command(&self) -> Command {
            let mut command = Command::new(&self.binary);
            command.arg("--data-dir").arg(&self.data_dir);
            if let Some(url) = &self.database_url {
                command.arg("--database-url").arg(url);
            }
            command
        }

        /// Runs one administration command and fails with its output when it fails.
        fn admin(&self, args: &[&str]) -> anyhow::Result<()> {
            let output = self
                .command()
                .args(args)
                .output()
                .with_context(|| format!("run {} {}", self.binary.display(), args.join(" ")))?;
            anyhow::ensure!(
                output.status.success(),
                "`juanzong {}` failed with {}: {}{}",
                args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            Ok(())
        }

        /// Adds the court 豫13, the team 执行一团队 and one field officer (执行干警) per username.
        pub fn create_organisation(&self, usernames: &[String]) -> anyhow::Result<()> {
            std::fs::create_dir_all(&self.data_dir).context("create the data folder")?;
            self.admin(&["court", "add", "--code", "豫13", "--name", "河南省南阳市中级人民法院"])?;
            self.admin(&["team", "add", "--name", super::workload::TEAM, "--kind", "执行实施团队"])?;
            for (index, username) in usernames.iter().enumerate() {
                let name = format!("压测干警{}", index + 1);
                self.admin(&[
                    "user", "add", "--username", username, "--name", &name, "--team", super::workload::TEAM,
                    "--role", "执行干警", "--password", super::BENCH_PASSWORD,
                ])?;
            }
            Ok(())
        }
    }

    /// A running `juanzong serve`.
    pub struct ServerProcess {
        child: Child,
        pub pid: u32,
        /// `http://127.0.0.1:PORT`.
        pub address: String,
    }

    impl ServerProcess {
        /// Starts `juanzong serve --listen 127.0.0.1:0`, with its log (stderr) in `log_path`, and
        /// waits until it prints the bound address.
        pub fn start(setup: &ServerSetup, log_path: &Path) -> anyhow::Result<ServerProcess> {
            let log = std::fs::File::create(log_path).context("create the server log file")?;
            let mut child = setup
                .command()
                .args(["serve", "--listen", "127.0.0.1:0"])
                .stdout(Stdio::piped())
                .stderr(Stdio::from(log))
                .spawn()
                .with_context(|| format!("start {} serve", setup.binary.display()))?;
            let pid = child.id();
            let stdout = child.stdout.take().context("the server's stdout is not piped")?;
            // From here on a failure drops `process`, which kills the child.
            let mut process = ServerProcess {
                child,
                pid,
                address: String::new(),
            };

            let (sender, receiver) = mpsc::channel();
            // The reader keeps draining stdout after the address line so the server never blocks
            // on a full pipe; it ends when the child exits.
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(port) = parse_port(&line) {
                        let _ = sender.send(port);
                    }
                }
            });
            let port = receiver.recv_timeout(START_TIMEOUT).with_context(|| {
                format!(
                    "the server printed no address within {START_TIMEOUT:?}; see {}:\n{}",
                    log_path.display(),
                    std::fs::read_to_string(log_path).unwrap_or_default()
                )
            })?;
            process.address = format!("http://127.0.0.1:{port}");
            Ok(process)
        }
    }

    impl Drop for ServerProcess {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// Reads the port from the line `卷宗同步服务已启动：http://127.0.0.1:PORT`.
    fn parse_port(line: &str) -> Option<u16> {
        let (_, rest) = line.split_once("http://127.0.0.1:")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// Reads a `kB` field such as `VmHWM` (peak resident set) from /proc/PID/status, in KiB.
    pub fn status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
        let path = format!("/proc/{pid}/status");
        let text = std::fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
        let line = text
            .lines()
            .find(|line| line.split(':').next() == Some(field))
            .with_context(|| format!("{path} has no {field} line"))?;
        let value = line.split_whitespace().nth(1).with_context(|| format!("{path}: {field} has no value"))?;
        value.parse().with_context(|| format!("{path}: {field} value {value:?} is not a number"))
    }

    /// Clock ticks per second, the unit of the CPU times in /proc/PID/stat.
    pub struct ClockTicks(f64);

    impl ClockTicks {
        /// Reads `getconf CLK_TCK`.
        pub fn read() -> anyhow::Result<ClockTicks> {
            let output = Command::new("getconf").arg("CLK_TCK").output().context("run getconf CLK_TCK")?;
            let text = String::from_utf8_lossy(&output.stdout);
            let ticks: f64 = text.trim().parse().with_context(|| format!("getconf CLK_TCK printed {text:?}"))?;
            anyhow::ensure!(ticks > 0.0, "getconf CLK_TCK printed {ticks}");
            Ok(ClockTicks(ticks))
        }

        /// Returns the user plus system CPU time of all threads of a process so far, in seconds.
        pub fn cpu_seconds(&self, pid: u32) -> anyhow::Result<f64> {
            let path = format!("/proc/{pid}/stat");
            let text = std::fs::read_to_string(&path).with_context(|| format!("read {path}"))?;
            // The command name (field 2) may contain spaces, so fields are counted after its ')'.
            let (_, rest) = text.rsplit_once(')').with_context(|| format!("{path} has no ')'"))?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime are fields 14 and 15 of the line, so 12th and 13th after the name.
            let ticks = |index: usize| -> anyhow::Result<f64> {
                let value = fields.get(index).with_context(|| format!("{path} is too short"))?;
                value.parse::<f64>().with_context(|| format!("{path}: {value:?} is not a number"))
            };
            Ok((ticks(11)? + ticks(12)?) / self.0)
        }
    }

    /// Warnings and errors the server logged during the whole run.
    #[derive(Debug, Default)]
    pub struct LogSummary {
        pub warnings: usize,
        pub errors: usize,
        /// The first error lines, then the first warning lines, as written.
        pub samples: Vec<String>,
    }

    impl LogSummary {
        pub fn read(path: &Path) -> anyhow::Result<LogSummary> {
            let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
            let mut summary = LogSummary::default();
            let mut warning_samples = Vec::new();
            let lines: Vec<String> = text.lines().map(strip_ansi).collect();
            for (index, line) in lines.iter().enumerate() {
                let is_error = line.contains(" ERROR ");
                let is_warning = line.contains(" WARN ");
                summary.errors += usize::from(is_error);
                summary.warnings += usize::from(is_warning);
                if is_error && summary.samples.len() < MAX_SAMPLES {
                    summary.samples.push(with_cause(&lines, index));
                } else if is_warning && warning_samples.len() < MAX_SAMPLES {
                    warning_samples.push(line.clone());
                }
            }
            // Errors come first; warnings fill the remaining sample slots.
            let free = MAX_SAMPLES - summary.samples.len();
            summary.samples.extend(warning_samples.into_iter().take(free));
            Ok(summary)
        }
    }

    /// Returns an error line with the cause chain that the server's `{:?}` formatting of an
    /// `anyhow::Error` writes on the following lines, joined with " | ".
    fn with_cause(lines: &[String], index: usize) -> String {
        let mut joined = lines[index].clone();
        let following = lines[index + 1..]
            .iter()
            .take_while(|line| !line.starts_with(|c: char| c.is_ascii_digit()))
            .take(MAX_CAUSE_LINES)
            .filter(|line| !line.trim().is_empty());
        for line in following {
            joined.push_str(" | ");
            joined.push_str(line.trim());
        }
        joined
    }

    /// Removes terminal colour sequences (`ESC [ ... m`), which the server writes even to a file.
    fn strip_ansi(line: &str) -> String {
        let mut plain = String::with_capacity(line.len());
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for code in chars.by_ref() {
                    if code == 'm' {
                        break;
                    }
                }
            } else {
                plain.push(c);
            }
        }
        plain
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn colour_codes_are_removed() {
            assert_eq!(strip_ansi("\u{1b}[31mERROR\u{1b}[0m x"), "ERROR x");
        }

        #[test]
        fn cause_lines_are_joined() {
            let lines: Vec<String> = ["2026 ERROR failed", "", "Caused by:", "    busy", "2026 INFO next"]
                .iter()
                .map(|l| l.to_string())
                .collect();
            assert_eq!(with_cause(&lines, 0), "2026 ERROR failed | Caused by: | busy");
        }

        #[test]
        fn port_is_read_from_start_line() {
            assert_eq!(parse_port("卷宗同步服务已启动：http://127.0.0.1:40123"), Some(40123));
            assert_eq!(parse_port("数据库：sqlite://x"), None);
        }
    }
}

mod postgres {
    //! A scratch PostgreSQL database for one run, created next to the database the URL names.

    use anyhow::Context;
    use sea_orm::{ConnectionTrait, Database};

    pub struct ScratchDatabase {
        server_url: String,
        name: String,
        /// URL of the scratch database, passed to the server.
        pub url: String,
    }

    impl ScratchDatabase {
        pub async fn create(server_url: &str) -> anyhow::Result<ScratchDatabase> {
            let mut url = reqwest::Url::parse(server_url).context("--database-url is not a URL")?;
            anyhow::ensure!(
                matches!(url.scheme(), "postgres" | "postgresql"),
                "--database-url must be a postgres:// URL; without it the bench uses SQLite"
            );
            anyhow::ensure!(
                matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "::1" | "[::1]") | None),
                "--database-url must point to this machine (127.0.0.1); the bench sends only loopback traffic"
            );
            let name = format!("jz_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(server_url).await.context("connect to --database-url")?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .with_context(|| format!("create database {name}"))?;
            admin.close().await.ok();
            url.set_path(&name);
            Ok(ScratchDatabase {
                server_url: server_url.to_string(),
                name,
                url: url.to_string(),
            })
        }

        pub async fn drop_database(self) -> anyhow::Result<()> {
            let admin = Database::connect(self.server_url.as_str()).await.context("connect to --database-url")?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
                .await
                .with_context(|| format!("drop database {}", self.name))?;
            admin.close().await.ok();
            Ok(())
        }
    }
}

mod transport {
    //! `POST /api/v1/sync` in JSON or binary framing, with byte and latency counters.
    //!
    //! Counted bytes are HTTP bodies only, without headers. A request that fails with a transport
    //! error or a 5xx status is retried, at most [`MAX_ATTEMPTS`] times in all, and each retry is
    //! counted.

    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use anyhow::Context;
    use juanzong_mobile_api::sync::{frame, SyncRequest, SyncResponse, BINARY_CONTENT_TYPE};

    /// Attempts per request, the first one included.
    const MAX_ATTEMPTS: u32 = 3;
    /// Time limit of one HTTP request.
    const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum BodyFormat {
        Json,
        Binary,
    }

    impl BodyFormat {
        pub fn label(self) -> &'static str {
            match self {
                BodyFormat::Json => "JSON",
                BodyFormat::Binary => "binary frames",
            }
        }
    }

    /// Counters of the sync requests since the last [`TrafficStats::reset`].
    #[derive(Debug, Default)]
    pub struct TrafficStats {
        requests: AtomicU64,
        bytes_sent: AtomicU64,
        bytes_received: AtomicU64,
        retries: AtomicU64,
        failures: Mutex<Vec<String>>,
        latencies: Mutex<Vec<Duration>>,
    }

    /// A copy of [`TrafficStats`].
    #[derive(Debug, Clone, Default)]
    pub struct Traffic {
        pub requests: u64,
        pub bytes_sent: u64,
        pub bytes_received: u64,
        pub retries: u64,
        /// Status or error of every failed attempt.
        pub failures: Vec<String>,
        /// Latency of every successful request, sorted.
        pub latencies: Vec<Duration>,
    }

    impl TrafficStats {
        pub fn reset(&self) {
            self.requests.store(0, Ordering::SeqCst);
            self.bytes_sent.store(0, Ordering::SeqCst);
            self.bytes_received.store(0, Ordering::SeqCst);
            self.retries.store(0, Ordering::SeqCst);
            if let Ok(mut failures) = self.failures.lock() {
                failures.clear();
            }
            if let Ok(mut latencies) = self.latencies.lock() {
                latencies.clear();
            }
        }

        pub fn snapshot(&self) -> Traffic {
            let mut latencies = self.latencies.lock().map(|l| l.clone()).unwrap_or_default();
            latencies.sort();
            Traffic {
                requests: self.requests.load(Ordering::SeqCst),
                bytes_sent: self.bytes_sent.load(Ordering::SeqCst),
                bytes_received: self.bytes_received.load(Ordering::SeqCst),
                retries: self.retries.load(Ordering::SeqCst),
                failures: self.failures.lock().map(|f| f.clone()).unwrap_or_default(),
                latencies,
            }
        }

        fn record_failure(&self, failure: String) {
            if let Ok(mut failures) = self.failures.lock() {
                failures.push(failure);
            }
        }
    }

    /// Formats an error with its sources, since reqwest's own message omits the cause.
    fn error_chain(error: &dyn std::error::Error) -> String {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }

    #[derive(Clone)]
    pub struct Transport {
        client: reqwest::Client,
        address: String,
        format: BodyFormat,
        pub stats: Arc<TrafficStats>,
    }

    impl Transport {
        pub fn new(address: &str, format: BodyFormat) -> anyhow::Result<Transport> {
            let client = reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .no_proxy()
                .build()
                .context("build the HTTP client")?;
            Ok(Transport {
                client,
                address: address.to_string(),
                format,
                stats: Arc::new(TrafficStats::default()),
            })
        }

        pub fn url(&self, path: &str) -> String {
            format!("{}{}", self.address, path)
        }

        pub fn client(&self) -> &reqwest::Client {
            &self.client
        }

        /// Sends one sync round and decodes the reply.
        pub async fn sync(&self, token: &str, request: &SyncRequest) -> anyhow::Result<SyncResponse> {
            let (body, content_type) = match self.format {
                BodyFormat::Json => (serde_json::to_vec(request)?, "application/json"),
                BodyFormat::Binary => (frame::encode_request(request), BINARY_CONTENT_TYPE),
            };
            let mut last_failure = String::new();
            for attempt in 1..=MAX_ATTEMPTS {
                if attempt > 1 {
                    self.stats.retries.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                }
                self.stats.requests.fetch_add(1, Ordering::SeqCst);
                self.stats.bytes_sent.fetch_add(body.len() as u64, Ordering::SeqCst);
                let started = Instant::now();
                let sent = self
                    .client
                    .post(self.url("/api/v1/sync"))
                    .bearer_auth(token)
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(body.clone())
                    .send()
                    .await;
                let response = match sent {
                    Ok(response) => response,
                    Err(error) => {
                        last_failure = format!("transport error: {}", error_chain(&error));
                        self.stats.record_failure(last_failure.clone());
                        continue;
                    }
                };
                let status = response.status();
                let bytes = response.bytes().await.context("read the sync response body")?;
                self.stats.bytes_received.fetch_add(bytes.len() as u64, Ordering::SeqCst);
                if status.is_server_error() {
                    last_failure = format!("HTTP {status}: {}", String::from_utf8_lossy(&bytes));
                    self.stats.record_failure(last_failure.clone());
                    continue;
                }
                anyhow::ensure!(status.is_success(), "sync failed with HTTP {status}: {}", String::from_utf8_lossy(&bytes));
                if let Ok(mut latencies) = self.stats.latencies.lock() {
                    latencies.push(started.elapsed());
                }
                return match self.format {
                    BodyFormat::Json => serde_json::from_slice(&bytes).context("decode the JSON sync response"),
                    BodyFormat::Binary => frame::decode_response(&bytes).context("decode the binary sync response"),
                };
            }
            anyhow::bail!("sync failed after {MAX_ATTEMPTS} attempts; last: {last_failure}")
        }
    }
}

mod workload {
    //! The devices, their offline edits, and the sync sessions that bring them together.
    //!
    //! A session follows the phone's protocol: rebuild each list's state from its encoded form,
    //! then send rounds (one request carrying every list with something to send) until no list
    //! has anything to send.

    use std::collections::HashMap;

    use anyhow::Context;
    use chrono::{DateTime, Duration as ChronoDuration, TimeZone, Utc};
    use serde_json::json;
    use uuid::Uuid;

    use juanzong_mobile_api::auth::TokenPair;
    use juanzong_mobile_api::sync::{DocumentMessage, SyncRequest};
    use juanzong_sync::engine::{self, PeerState};
    use juanzong_sync::model::{Originality, TeamKind, Trip};
    use juanzong_sync::{ActorId, CaseNumber, Editor, ItemChanges, MaterialListDocument, NewItem, NewList};

    use super::transport::Transport;
    use super::{MAX_LISTS_PER_REQUEST, MAX_PASSES, MAX_ROUNDS};

    /// Name of the one team every bench device belongs to.
    pub const TEAM: &str = "执行一团队";

    /// Material types an added item cycles through; all are in the built-in catalogue.
    const MATERIAL_TYPES: [&str; 4] = ["seizure_ruling", "seizure_record", "service_receipt", "enforcement_notice"];

    #[derive(Debug, Clone, Copy)]
    pub struct Shape {
        pub devices: usize,
        pub lists: usize,
        pub edits: usize,
    }

    /// One list on one device.
    #[derive(Debug, Clone)]
    pub struct DeviceList {
        pub list_id: Uuid,
        pub document: MaterialListDocument,
        pub state: PeerState,
        /// Server heads (hex) from the latest reply for this list.
        pub server_heads: Vec<String>,
    }

    /// One phone.
    #[derive(Debug, Clone)]
    pub struct Device {
        pub username: String,
        pub token: String,
        pub team_id: String,
        pub lists: Vec<DeviceList>,
        /// Rule notices received, which would mean the server undid an edit.
        pub notices: usize,
        /// Rounds of the longest session so far.
        pub max_session_rounds: usize,
    }

    /// Logs every device in, one user per device.
    pub async fn log_in_all(transport: &Transport, usernames: &[String]) -> anyhow::Result<Vec<Device>> {
        let mut devices = Vec::with_capacity(usernames.len());
        for username in usernames {
            let response = transport
                .client()
                .post(transport.url("/api/v1/auth/login"))
                .json(&json!({
                    "username": username,
                    "password": super::BENCH_PASSWORD,
                    "device_id": format!("{username}-phone"),
                    "device_name": format!("{username} 压测手机"),
                }))
                .send()
                .await
                .with_context(|| format!("log in {username}"))?;
            let status = response.status();
            let body = response.text().await?;
            anyhow::ensure!(status.is_success(), "login of {username} failed with {status}: {body}");
            let tokens: TokenPair = serde_json::from_str(&body).context("decode the login response")?;
            let team_id = tokens.user.team_id.clone().with_context(|| format!("{username} has no team"))?;
            devices.push(Device {
                username: username.clone(),
                token: tokens.access_token,
                team_id,
                lists: Vec::new(),
                notices: 0,
                max_session_rounds: 0,
            });
        }
        Ok(devices)
    }

    fn editor(user: &str, at: DateTime<Utc>) -> Editor {
        Editor { user: user.to_string(), at }
    }

    fn base_time() -> anyhow::Result<DateTime<Utc>> {
        Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).single().context("invalid base time")
    }

    /// Device 1 creates the lists and syncs them; every other device then receives them.
    pub async fn distribute_lists(transport: &Transport, devices: &mut [Device], lists: usize) -> anyhow::Result<()> {
        let at = base_time()?;
        let (first, others) = devices.split_first_mut().context("no devices")?;
        for index in 0..lists {
            let list_id = Uuid::new_v4();
            let new_list = NewList {
                list_id,
                case_number: CaseNumber::parse(&format!("(2026)豫13执{}号", index + 1))?,
                team_id: first.team_id.clone(),
                kind: TeamKind::Enforcement,
                trip: Trip::default(),
            };
            let document = MaterialListDocument::create(ActorId::random(), new_list, &editor(&first.username, at))?;
            first.lists.push(DeviceList { list_id, document, state: PeerState::new(), server_heads: Vec::new() });
        }
        session(transport, first).await?;

        let list_ids: Vec<Uuid> = first.lists.iter().map(|l| l.list_id).collect();
        for device in others.iter_mut() {
            device.lists = list_ids
                .iter()
                .map(|&list_id| DeviceList {
                    list_id,
                    document: MaterialListDocument::empty(ActorId::random()),
                    state: PeerState::new(),
                    server_heads: Vec::new(),
                })
                .collect();
            session(transport, device).await?;
        }
        anyhow::ensure!(converged(devices), "devices disagree after receiving the new lists");
        Ok(())
    }

    /// Makes `edits` commits per device per list: every fourth adds an item, the others change
    /// the page count, title or notes of the device's latest item.
    pub fn edit_offline(devices: &mut [Device], edits: usize) -> anyhow::Result<()> {
        let start = base_time()? + ChronoDuration::hours(1);
        for (device_index, device) in devices.iter_mut().enumerate() {
            for (list_index, list) in device.lists.iter_mut().enumerate() {
                let mut latest_item = None;
                for edit in 0..edits {
                    let stamp = editor(&device.username, start + ChronoDuration::seconds(edit as i64));
                    let label = format!("设备{}-清单{}-第{}项", device_index + 1, list_index + 1, edit + 1);
                    match (edit % 4, latest_item) {
                        (1, Some(id)) => {
                            let changes = ItemChanges { page_count: Some(2 + (edit % 7) as i64), ..ItemChanges::default() };
                            list.document.edit_item(id, changes, &stamp)?;
                        }
                        (2, Some(id)) => {
                            let changes = ItemChanges { title: Some(format!("{label}（改）")), ..ItemChanges::default() };
                            list.document.edit_item(id, changes, &stamp)?;
                        }
                        (3, Some(id)) => {
                            let changes = ItemChanges { notes: Some(format!("备注 {label}")), ..ItemChanges::default() };
                            list.document.edit_item(id, changes, &stamp)?;
                        }
                        _ => {
                            let item = new_item(MATERIAL_TYPES[edit / 4 % MATERIAL_TYPES.len()], &label);
                            latest_item = Some(item.id);
                            list.document.add_item(item, &stamp)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn new_item(material_type: &str, title: &str) -> NewItem {
        NewItem {
            id: Uuid::new_v4(),
            material_type: material_type.to_string(),
            title: title.to_string(),
            page_count: 1,
            originality: Originality::Original,
            produced_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            produced_by: "压测干警".to_string(),
            notes: String::new(),
            uploaded_via_mobile_system: false,
        }
    }

    /// Runs one session of one device: rounds until no list has anything to send.
    pub async fn session(transport: &Transport, device: &mut Device) -> anyhow::Result<()> {
        // A new session starts from the encoded state, as a phone does after a restart.
        for list in device.lists.iter_mut() {
            list.state = PeerState::decode(&list.state.encode())?;
        }
        let positions: HashMap<Uuid, usize> = device.lists.iter().enumerate().map(|(i, l)| (l.list_id, i)).collect();
        for round in 0..MAX_ROUNDS {
            device.max_session_rounds = device.max_session_rounds.max(round);
            let documents: Vec<DocumentMessage> = device
                .lists
                .iter_mut()
                .filter_map(|list| {
                    engine::client_generate(&mut list.document, &mut list.state)
                        .map(|message| DocumentMessage { list_id: list.list_id, message: Some(message) })
                })
                .collect();
            if documents.is_empty() {
                return Ok(());
            }
            for batch in documents.chunks(MAX_LISTS_PER_REQUEST) {
                let request = SyncRequest { documents: batch.to_vec() };
                let response = transport.sync(&device.token, &request).await?;
                for reply in response.documents {
                    let position = *positions.get(&reply.list_id).context("reply for a list not in the request")?;
                    if let Some(error) = reply.error {
                        anyhow::bail!("list {} refused: {} {}", reply.list_id, error.code, error.message);
                    }
                    device.notices += reply.notices.len();
                    let list = &mut device.lists[position];
                    if let Some(message) = &reply.message {
                        engine::client_receive(&mut list.document, &mut list.state, message)?;
                    }
                    list.server_heads = reply.heads;
                }
            }
        }
        anyhow::bail!("{}: sync did not finish within {MAX_ROUNDS} rounds", device.username)
    }

    /// Returns the heads of a document as sorted hex strings, the form the server reports.
    pub fn hex_heads(document: &mut MaterialListDocument) -> Vec<String> {
        let mut heads: Vec<String> = document.heads().iter().map(|h| h.to_string()).collect();
        heads.sort();
        heads
    }

    /// Tells whether every device holds every list with the same heads, equal to the server heads
    /// it was last told.
    fn converged(devices: &mut [Device]) -> bool {
        let Some(reference) = devices.first_mut().map(|d| {
            d.lists.iter_mut().map(|l| hex_heads(&mut l.document)).collect::<Vec<_>>()
        }) else {
            return true;
        };
        devices.iter_mut().all(|device| {
            device.lists.iter_mut().zip(&reference).all(|(list, expected)| {
                let mut server = list.server_heads.clone();
                server.sort();
                hex_heads(&mut list.document) == *expected && server == *expected
            })
        })
    }

    /// Syncs all devices at once, pass after pass, until [`converged`]; returns the passes taken.
    /// A pass starts only after every device finished the previous one, because a device can hold
    /// the others' edits only once they are all on the server.
    pub async fn sync_until_converged(transport: &Transport, devices: &mut Vec<Device>) -> anyhow::Result<usize> {
        for pass in 1..=MAX_PASSES {
            let mut tasks = Vec::with_capacity(devices.len());
            for mut device in devices.drain(..) {
                let transport = transport.clone();
                tasks.push(tokio::spawn(async move {
                    let result = session(&transport, &mut device).await;
                    (device, result)
                }));
            }
            let mut failure = None;
            for task in tasks {
                let (device, result) = task.await.context("a device task panicked")?;
                if let Err(error) = result {
                    failure.get_or_insert(error.context(format!("{} in pass {pass}", device.username)));
                }
                devices.push(device);
            }
            if let Some(error) = failure {
                return Err(error);
            }
            if pass > 1 && converged(devices) {
                return Ok(pass);
            }
        }
        anyhow::bail!("devices did not converge within {MAX_PASSES} passes")
    }

    /// Asks the server for its heads of every list, once per device (no message, so nothing is
    /// changed), checks each device holds them, and returns them per list.
    pub async fn confirm_convergence(transport: &Transport, devices: &mut [Device]) -> anyhow::Result<Vec<Vec<String>>> {
        let mut agreed: Option<Vec<Vec<String>>> = None;
        for device in devices.iter_mut() {
            let mut heads_by_list = HashMap::new();
            let ids: Vec<Uuid> = device.lists.iter().map(|l| l.list_id).collect();
            for batch in ids.chunks(MAX_LISTS_PER_REQUEST) {
                let request = SyncRequest {
                    documents: batch.iter().map(|&list_id| DocumentMessage { list_id, message: None }).collect(),
                };
                for reply in transport.sync(&device.token, &request).await?.documents {
                    let mut heads = reply.heads;
                    heads.sort();
                    heads_by_list.insert(reply.list_id, heads);
                }
            }
            let mut server_heads = Vec::with_capacity(device.lists.len());
            for list in device.lists.iter_mut() {
                let heads = heads_by_list.remove(&list.list_id).context("the server did not reply for a list")?;
                anyhow::ensure!(
                    hex_heads(&mut list.document) == heads,
                    "{}: list {} differs from the server after the sync phase",
                    device.username,
                    list.list_id
                );
                server_heads.push(heads);
            }
            match &agreed {
                Some(expected) => anyhow::ensure!(*expected == server_heads, "the server reported different heads to different devices"),
                None => agreed = Some(server_heads),
            }
        }
        agreed.context("no devices")
    }
}

mod baseline {
    //! The same edits combined in this process, without HTTP or a database.
    //!
    //! Both start from the documents as they were right before the timed sync phase: the common
    //! base every device had after setup, and each device's edited copy.

    use std::time::{Duration, Instant};

    use anyhow::Context;
    use automerge::AutoCommit;
    use chrono::Utc;

    use juanzong_sync::engine::{self, Access, PeerState, ServerContext};
    use juanzong_sync::validation::Role;
    use juanzong_sync::MaterialListDocument;

    use super::workload::{hex_heads, Device};
    use super::MAX_ROUNDS;

    /// Time of the in-process combination.
    #[derive(Debug, Clone, Copy)]
    pub struct Baseline {
        /// The timed part only (see each function).
        pub timed: Duration,
    }

    /// Merges every device's edited copy of each list into the base with `AutoCommit::merge`.
    /// Timed: the merges only; loading the documents from their saved bytes is not. Fails unless
    /// every merged list ends with the heads the server ended with.
    pub fn automerge_merge(
        base: &[MaterialListDocument],
        devices: &[Device],
        final_heads: &[Vec<String>],
    ) -> anyhow::Result<Baseline> {
        let mut timed = Duration::ZERO;
        for (index, base_document) in base.iter().enumerate() {
            let mut merged = AutoCommit::load(&base_document.clone().save()).context("load the base document")?;
            let mut copies = Vec::with_capacity(devices.len());
            for device in devices {
                let list = device.lists.get(index).context("device lacks a list")?;
                copies.push(AutoCommit::load(&list.document.clone().save()).context("load a device document")?);
            }

            let started = Instant::now();
            for copy in copies.iter_mut() {
                merged.merge(copy).context("merge a device document")?;
            }
            timed += started.elapsed();

            let mut heads: Vec<String> = merged.get_heads().iter().map(|h| h.to_string()).collect();
            heads.sort();
            anyhow::ensure!(heads == final_heads[index], "automerge merge of list {index} ends with other heads than the server");
        }
        Ok(Baseline { timed })
    }

    /// Runs the phone/server sync protocol in memory: per list, each device runs one session
    /// against an in-memory server document, then each device runs a second session to receive the
    /// others' edits. The server side keeps one stored state per device that starts at the base
    /// heads, as the real server's does after setup. Timed: the server's `inspect` and `apply`
    /// calls only. Fails unless every list ends with the heads the server ended with.
    pub fn engine_sync(base: &[MaterialListDocument], devices: &[Device], final_heads: &[Vec<String>]) -> anyhow::Result<Baseline> {
        let mut timed = Duration::ZERO;
        for (index, base_document) in base.iter().enumerate() {
            let mut base_copy = base_document.clone();
            let mut server = MaterialListDocument::load(&base_copy.save(), engine::server_actor())?;
            let mut shared = automerge::sync::State::new();
            shared.shared_heads = base_copy.heads();
            shared.shared_heads.sort();
            let mut stored: Vec<Vec<u8>> = vec![shared.encode(); devices.len()];
            let mut copies = Vec::with_capacity(devices.len());
            for device in devices {
                let list = device.lists.get(index).context("device lacks a list")?;
                copies.push((list.document.clone(), list.state.clone()));
            }
            let context = ServerContext {
                list_id: devices.first().and_then(|d| d.lists.get(index)).map(|l| l.list_id).context("no devices")?,
                role: Role::Field,
                access: Access::ReadWrite,
                team_id: None,
                now: Utc::now(),
            };

            for _pass in 0..2 {
                for (copy, stored_state) in copies.iter_mut().zip(stored.iter_mut()) {
                    timed += session(&mut server, stored_state, &mut copy.0, &mut copy.1, &context)?;
                }
            }

            for (copy, _) in copies.iter_mut() {
                anyhow::ensure!(hex_heads(copy) == final_heads[index], "engine sync of list {index} ends with other heads than the server");
            }
        }
        Ok(Baseline { timed })
    }

    /// One session of one device against the in-memory server; returns the server's time.
    fn session(
        server: &mut MaterialListDocument,
        stored: &mut Vec<u8>,
        device: &mut MaterialListDocument,
        state: &mut PeerState,
        context: &ServerContext,
    ) -> anyhow::Result<Duration> {
        *state = PeerState::decode(&state.encode())?;
        let mut timed = Duration::ZERO;
        for _ in 0..MAX_ROUNDS {
            let Some(message) = engine::client_generate(device, state) else {
                return Ok(timed);
            };
            let started = Instant::now();
            let inspected = engine::inspect(&message)?;
            let outcome = engine::apply(server, stored, inspected, context)?;
            timed += started.elapsed();
            *stored = outcome.peer_state;
            if let Some(reply) = outcome.reply {
                engine::client_receive(device, state, &reply)?;
            }
        }
        anyhow::bail!("in-process sync did not finish within {MAX_ROUNDS} rounds")
    }
}

mod report {
    //! The printed figures and the machine they were measured on.

    use std::path::PathBuf;
    use std::time::Duration;

    use super::baseline::Baseline;
    use super::server::LogSummary;
    use super::transport::{BodyFormat, Traffic};
    use super::workload::Shape;
    use super::SLOW_REQUEST;

    pub struct Figures {
        pub shape: Shape,
        pub format: BodyFormat,
        pub database: &'static str,
        pub binary: PathBuf,
        pub passes: usize,
        pub wall: Duration,
        pub cpu_server: f64,
        pub traffic: Traffic,
        pub rss_before_kib: u64,
        pub peak_kib: u64,
        pub merge: Baseline,
        pub engine: Result<Baseline, String>,
        pub log: LogSummary,
        pub notices: usize,
        pub max_session_rounds: usize,
    }

    fn cpu_model() -> String {
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, model)| model.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".to_string())
    }

    fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
        sorted[index.min(sorted.len() - 1)]
    }

    fn ms(duration: Duration) -> f64 {
        duration.as_secs_f64() * 1000.0
    }

    pub fn print(figures: &Figures) {
        let Shape { devices, lists, edits } = figures.shape;
        let total_edits = (devices * lists * edits) as f64;
        let seconds = figures.wall.as_secs_f64();
        let traffic = &figures.traffic;
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
        let slow = traffic.latencies.iter().filter(|l| **l > SLOW_REQUEST).count();

        println!("sync-bench: {devices} devices x {lists} lists x {edits} edits = {total_edits} edits");
        println!("  machine                 {cores} cores, {}", cpu_model());
        println!("  server binary           {}", figures.binary.display());
        println!("  database                {}", figures.database);
        println!("  body format             {}", figures.format.label());
        println!("  sync passes             {} (longest session {} rounds)", figures.passes, figures.max_session_rounds);
        println!("  sync wall time          {seconds:.3} s");
        println!("  lists converged/s       {:.1} device-lists/s ({:.2} lists/s)", (devices * lists) as f64 / seconds, lists as f64 / seconds);
        println!("  requests                {} ({} retries, {} failed attempts)", traffic.requests, traffic.retries, traffic.failures.len());
        println!(
            "  request latency         p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, {slow} over {} ms",
            ms(percentile(&traffic.latencies, 0.5)),
            ms(percentile(&traffic.latencies, 0.95)),
            ms(percentile(&traffic.latencies, 1.0)),
            SLOW_REQUEST.as_millis()
        );
        println!("  bytes sent per edit     {:.1} B ({} B request bodies)", traffic.bytes_sent as f64 / total_edits, traffic.bytes_sent);
        println!("  bytes received per edit {:.1} B ({} B response bodies)", traffic.bytes_received as f64 / total_edits, traffic.bytes_received);
        println!("  server RSS before sync  {:.1} MiB", figures.rss_before_kib as f64 / 1024.0);
        println!("  server peak RSS (VmHWM) {:.1} MiB", figures.peak_kib as f64 / 1024.0);
        println!("  server CPU during sync  {:.3} s", figures.cpu_server);
        println!("  automerge merge         {:.3} ms (in process)", ms(figures.merge.timed));
        match &figures.engine {
            Ok(engine) => {
                println!("  engine inspect+apply    {:.3} ms (in process)", ms(engine.timed));
                println!("  server CPU / engine     {:.1}x", figures.cpu_server / engine.timed.as_secs_f64());
            }
            Err(error) => println!("  engine inspect+apply    failed: {error}"),
        }
        println!("  server CPU / merge      {:.0}x", figures.cpu_server / figures.merge.timed.as_secs_f64());
        println!("  rule notices            {}", figures.notices);
        println!("  server log              {} warnings, {} errors", figures.log.warnings, figures.log.errors);
        for line in &figures.log.samples {
            println!("    {line}");
        }
        for failure in traffic.failures.iter().take(5) {
            println!("  failed attempt: {failure}");
        }
    }
}
