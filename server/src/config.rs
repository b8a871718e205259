//! Server configuration, layered: built-in defaults, then a TOML file (`--config`), then
//! `JUANZONG_` environment variables, then command-line flags. Later layers win.
//!
//! A bad value stops startup with a Chinese message that names the setting and the fix. Unknown
//! `JUANZONG_` variables are warned about, since a typo would otherwise be silently ignored.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Environment variables with the `JUANZONG_` prefix that are not settings but are read by the
/// test suite and the config loader itself, so they are not warned about.
const NON_SETTING_VARIABLES: &[&str] = &["CONFIG", "TEST_DATABASE_URL", "FIXTURES"];

/// All settings of the server. Field names are the TOML keys and, upper-cased with the
/// `JUANZONG_` prefix, the environment variable names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on.
    pub listen: String,
    /// Folder for the embedded database, the generated JWT key and blobs.
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://PATH` or `postgres://...`. Empty means SQLite in `data_dir`.
    pub database_url: Option<DatabaseUrl>,
    /// Largest number of pooled database connections.
    pub db_max_connections: u32,
    /// How long an SQLite writer waits for the write lock before failing, in milliseconds.
    ///
    /// NOTE: SQLite's busy handler is not a fair queue. Under the sync benchmark with 10 phones ×
    /// 20 lists a 10-second wait still expired for some writers (HTTP 500, "database is locked");
    /// 60 seconds avoids that at this load, and PostgreSQL is the choice for more.
    pub sqlite_busy_timeout_ms: u64,
    /// HMAC key for access tokens. Empty means a key generated on first start and kept in
    /// `jwt_secret_file`.
    pub jwt_secret: Option<Secret>,
    /// File holding the generated JWT key. Defaults to `data_dir/jwt-secret`.
    pub jwt_secret_file: Option<PathBuf>,
    /// Lifetime of an access token, in minutes.
    pub access_token_minutes: i64,
    /// Lifetime of a refresh token, in days.
    pub refresh_token_days: i64,
    /// `text` or `json`.
    pub log_format: String,
    /// A `tracing` filter such as `info` or `juanzong_server=debug,info`.
    pub log_level: String,
    /// Largest photo upload accepted, in bytes. Larger uploads get 413 before their body is read.
    pub blob_max_bytes: u64,
    /// How long a stored photo that no list refers to is kept before garbage collection removes
    /// it, in seconds.
    pub blob_gc_grace_seconds: u64,
    /// Seconds between two garbage-collection passes over blobs and unfinished uploads.
    pub blob_gc_interval_seconds: u64,
    /// How long the bytes of an unfinished upload are kept for resuming it, in seconds, counted
    /// from the last byte received.
    pub blob_partial_max_age_seconds: u64,
    /// Photo processing threads of this process, each with its own Tesseract engine. 0 leaves
    /// the processing to other server processes on the same database.
    pub photo_workers: usize,
    /// How long a worker's claim on a photo lasts, in seconds. A claim older than this, left by a
    /// stopped or crashed process, is taken over by another worker.
    pub photo_lease_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".to_string(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            db_max_connections: 10,
            sqlite_busy_timeout_ms: 60_000,
            jwt_secret: None,
            jwt_secret_file: None,
            access_token_minutes: 15,
            refresh_token_days: 30,
            log_format: "text".to_string(),
            log_level: "info".to_string(),
            blob_max_bytes: 30 * 1024 * 1024,
            blob_gc_grace_seconds: 7 * 24 * 3600,
            blob_gc_interval_seconds: 3600,
            blob_partial_max_age_seconds: 24 * 3600,
            photo_workers: 1,
            photo_lease_seconds: 300,
        }
    }
}

/// Settings given as command-line flags; `None` leaves the lower layers in force.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
}

/// A configuration problem that stops startup. The message is Chinese and names the setting.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
}

impl ConfigError {
    fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl Settings {
    /// Loads the layered settings. `config_file` is the `--config` flag, falling back to
    /// `JUANZONG_CONFIG`; a named file that does not exist is an error.
    pub fn load(config_file: Option<&Path>, flags: &FlagOverrides) -> Result<Settings, ConfigError> {
        let env_file = std::env::var_os("JUANZONG_CONFIG").map(PathBuf::from);
        let config_file = config_file.map(Path::to_path_buf).or(env_file);

        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = &config_file {
            if !path.is_file() {
                return Err(ConfigError::new(format!(
                    "找不到配置文件 {}。请检查 --config 或 JUANZONG_CONFIG 指定的路径。",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let keys = setting_keys();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        figment = figment
            .merge(Env::prefixed("JUANZONG_").only(&key_refs))
            .merge(Serialized::defaults(flags));

        let settings: Settings = figment.extract().map_err(describe_figment_error)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that deserialise but cannot work, naming the setting and the fix.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.listen.parse::<SocketAddr>().is_err() {
            return Err(ConfigError::new(format!(
                "配置项 listen 的值“{}”无效：应为“地址:端口”，例如 127.0.0.1:8080 或 0.0.0.0:8080。",
                self.listen
            )));
        }
        if let Some(url) = &self.database_url {
            if !url.0.is_empty() && url.backend().is_none() {
                return Err(ConfigError::new(
                    "配置项 database_url 无效：应以 sqlite:// 或 postgres:// 开头，或留空以使用内置 SQLite 数据库。",
                ));
            }
        }
        if self.db_max_connections == 0 {
            return Err(ConfigError::new(
                "配置项 db_max_connections 无效：应为不小于 1 的整数。",
            ));
        }
        if !(1..=24 * 60).contains(&self.access_token_minutes) {
            return Err(ConfigError::new(format!(
                "配置项 access_token_minutes 的值 {} 无效：应为 1 至 1440 之间的分钟数。",
                self.access_token_minutes
            )));
        }
        if !(1..=365).contains(&self.refresh_token_days) {
            return Err(ConfigError::new(format!(
                "配置项 refresh_token_days 的值 {} 无效：应为 1 至 365 之间的天数。",
                self.refresh_token_days
            )));
        }
        if self.log_format != "text" && self.log_format != "json" {
            return Err(ConfigError::new(format!(
                "配置项 log_format 的值“{}”无效：应为 text 或 json。",
                self.log_format
            )));
        }
        self.validate_photo_settings()?;
        if let Some(secret) = &self.jwt_secret {
            if secret.expose().len() < 32 {
                return Err(ConfigError::new(
                    "配置项 jwt_secret 太短：至少需要 32 个字符。也可以删除该配置，由服务器在首次启动时生成密钥。",
                ));
            }
        }
        Ok(())
    }

    fn validate_photo_settings(&self) -> Result<(), ConfigError> {
        const MAX_BLOB_BYTES: u64 = 1024 * 1024 * 1024;
        if !(1024..=MAX_BLOB_BYTES).contains(&self.blob_max_bytes) {
            return Err(ConfigError::new(format!(
                "配置项 blob_max_bytes 的值 {} 无效：应为 1024 至 {MAX_BLOB_BYTES} 之间的字节数（默认 31457280，即 30 MB）。",
                self.blob_max_bytes
            )));
        }
        if self.photo_workers > 64 {
            return Err(ConfigError::new(format!(
                "配置项 photo_workers 的值 {} 无效：应为 0 至 64 之间的整数（每个线程各占一个 Tesseract 引擎）。",
                self.photo_workers
            )));
        }
        for (name, value) in [
            ("blob_gc_interval_seconds", self.blob_gc_interval_seconds),
            ("blob_partial_max_age_seconds", self.blob_partial_max_age_seconds),
            ("photo_lease_seconds", self.photo_lease_seconds),
        ] {
            if value == 0 {
                return Err(ConfigError::new(format!("配置项 {name} 无效：应为不小于 1 的秒数。")));
            }
        }
        Ok(())
    }

    /// Returns the folder of the blob store: `data_dir/blobs`.
    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }

    /// Returns the database URL in force: the configured one, or SQLite in the data folder.
    pub fn effective_database_url(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(url) if !url.0.is_empty() => url.clone(),
            _ => DatabaseUrl(format!(
                "sqlite://{}",
                self.data_dir.join("juanzong.db").display()
            )),
        }
    }

    /// Returns the path of the file that keeps the generated JWT key.
    pub fn jwt_secret_path(&self) -> PathBuf {
        self.jwt_secret_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("jwt-secret"))
    }
}

/// Returns the names of `JUANZONG_` variables that are neither settings nor known helpers.
pub fn unknown_environment_variables() -> Vec<String> {
    let keys = setting_keys();
    std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter_map(|name| name.strip_prefix("JUANZONG_").map(str::to_string))
        .filter(|rest| {
            let lower = rest.to_ascii_lowercase();
            !keys.contains(&lower) && !NON_SETTING_VARIABLES.contains(&rest.as_str())
        })
        .map(|rest| format!("JUANZONG_{rest}"))
        .collect()
}

/// Returns the setting names, read from the serialised defaults so the list cannot drift.
fn setting_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(Settings::default()) {
        keys.extend(map.keys().cloned());
    }
    // Optional settings serialise as null and are kept by serde_json, but list them explicitly
    // so the set stays right even if serialisation skips them in future.
    for key in ["database_url", "jwt_secret", "jwt_secret_file"] {
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
    }
    keys
}

fn describe_figment_error(error: figment::Error) -> ConfigError {
    use figment::error::Kind;

    let key = error.path.join(".");
    let source = error
        .metadata
        .as_ref()
        .map(|metadata| match &metadata.source {
            Some(source) => format!("{}（{}）", metadata.name, source),
            None => metadata.name.to_string(),
        })
        .unwrap_or_else(|| "配置".to_string());
    let message = match &error.kind {
        Kind::UnknownField(field, _) => format!(
            "配置文件中有未知的配置项 {field}（来源：{source}）。请检查拼写，或删除该项。"
        ),
        Kind::InvalidType(actual, expected) => format!(
            "配置项 {key} 的值类型无效（来源：{source}）：得到 {actual}，应为 {expected}。请改正后重新启动。"
        ),
        Kind::InvalidValue(actual, expected) => format!(
            "配置项 {key} 的值无效（来源：{source}）：得到 {actual}，应为 {expected}。请改正后重新启动。"
        ),
        Kind::Message(text) => format!(
            "配置无效（来源：{source}）：{text}。请检查配置文件的 TOML 格式。"
        ),
        other => format!("配置项 {key} 无效（来源：{source}）：{other}。请改正后重新启动。"),
    };
    ConfigError::new(message)
}

/// A secret string whose `Debug` and `Display` never show the value.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Returns the secret value. Callers must not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The database backends the server supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL whose `Debug` and `Display` hide the password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(url.into())
    }

    /// Returns the full URL, password included. Callers must not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Returns the backend named by the URL scheme, or `None` for an unsupported scheme.
    pub fn backend(&self) -> Option<Backend> {
        if self.0.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if self.0.starts_with("postgres://") || self.0.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// Returns the URL with any password replaced by `***`, for logs and messages.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return self.0.clone();
        };
        let Some((credentials, host)) = rest.split_once('@') else {
            return self.0.clone();
        };
        match credentials.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_debug_hides_password() {
        let url = DatabaseUrl::new("postgres://court:s3cret@db.example:5432/juanzong");
        assert_eq!(url.redacted(), "postgres://court:***@db.example:5432/juanzong");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.backend(), Some(Backend::Postgres));
    }

    #[test]
    fn secret_debug_hides_value() {
        let secret = Secret::new("0123456789abcdef0123456789abcdef");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
    }

    #[test]
    fn validate_names_bad_listen_address() {
        let settings = Settings {
            listen: "localhost".into(),
            ..Settings::default()
        };
        let error = settings.validate().unwrap_err();
        assert!(error.message.contains("listen"), "{}", error.message);
    }

    #[test]
    fn validate_rejects_short_jwt_secret() {
        let settings = Settings {
            jwt_secret: Some(Secret::new("short")),
            ..Settings::default()
        };
        let error = settings.validate().unwrap_err();
        assert!(error.message.contains("jwt_secret"), "{}", error.message);
    }

    #[test]
    fn default_database_is_sqlite_in_data_dir() {
        let settings = Settings::default();
        assert_eq!(
            settings.effective_database_url().expose(),
            "sqlite://./data/juanzong.db"
        );
    }

    #[test]
    fn validate_rejects_too_many_photo_workers() {
        let settings = Settings {
            photo_workers: 65,
            ..Settings::default()
        };
        let error = settings.validate().unwrap_err();
        assert!(error.message.contains("photo_workers"), "{}", error.message);
    }

    #[test]
    fn validate_rejects_zero_lease() {
        let settings = Settings {
            photo_lease_seconds: 0,
            ..Settings::default()
        };
        let error = settings.validate().unwrap_err();
        assert!(error.message.contains("photo_lease_seconds"), "{}", error.message);
    }

    #[test]
    fn setting_keys_cover_optional_fields() {
        let keys = setting_keys();
        for key in ["listen", "database_url", "jwt_secret", "log_format"] {
            assert!(keys.iter().any(|k| k == key), "missing {key}");
        }
    }
}
