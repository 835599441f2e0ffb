//! Typed settings shared by every sangkien process.
//!
//! Defaults run the standalone system with nothing installed. An optional TOML file
//! (`SANGKIEN_CONFIG=path` or `--config path`) and `SANGKIEN_<SECTION>__<KEY>` environment
//! variables override them, in that order. Unknown keys and wrong values stop the start with
//! a message naming the key, so a typo never silently falls back to a default.

use figment::{
    Figment,
    providers::{Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use std::{net::SocketAddr, path::PathBuf};

/// Writes a secret setting as `"[redacted]"` (or nothing when absent), so no serialisation of
/// the settings — the defaults handed to figment, a dump for support — ever carries one. The
/// secret itself is a [`SecretString`], whose `Debug` is redacted too.
fn redacted<S: Serializer>(secret: &Option<SecretString>, out: S) -> Result<S::Ok, S::Error> {
    match secret {
        None => out.serialize_none(),
        Some(_) => out.serialize_some("[redacted]"),
    }
}

/// [`redacted`] for a secret that is always present.
fn redacted_always<S: Serializer>(_: &SecretString, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str("[redacted]")
}

/// Every setting of every process; each process reads the sections it needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Where the gateway (standalone: the whole system) listens. `SANGKIEN_LISTEN`.
    pub listen: SocketAddr,
    /// Directory of the SQLite files and local attachments in standalone mode.
    pub data_dir: PathBuf,
    /// Run each service's database migrations at start-up.
    pub migrate_on_start: bool,
    /// Logging.
    pub log: LogSettings,
    /// Database pool settings shared by all services.
    pub database: DatabaseSettings,
    /// The event transport.
    pub events: EventSettings,
    /// Verification of access tokens.
    pub auth: AuthSettings,
    /// The intake service.
    pub intake: ServiceSettings,
    /// The appraisal service.
    pub appraisal: ServiceSettings,
    /// The decision & budget service.
    pub decision: ServiceSettings,
    /// What authors see of the appraisal of their dossier.
    pub author_view: AuthorViewSettings,
    /// The gateway.
    pub gateway: GatewaySettings,
    /// Attachment storage (the intake service's files).
    pub files: FilesSettings,
    /// Signed expiring links (attachments, minutes, decisions shared without a token).
    pub links: LinksSettings,
    /// The provincial DOST system nominations are sent to.
    pub province: ProvinceSettings,
    /// Password of the first `admin`, created when no user exists. When absent a random one
    /// is printed once at that first start. `SANGKIEN_ADMIN_PASSWORD`.
    #[serde(serialize_with = "redacted")]
    pub admin_password: Option<SecretString>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            migrate_on_start: true,
            log: LogSettings::default(),
            database: DatabaseSettings::default(),
            events: EventSettings::default(),
            auth: AuthSettings::default(),
            intake: ServiceSettings::with_port(8081),
            appraisal: ServiceSettings::with_port(8082),
            decision: ServiceSettings::with_port(8083),
            author_view: AuthorViewSettings::default(),
            gateway: GatewaySettings::default(),
            files: FilesSettings::default(),
            links: LinksSettings::default(),
            province: ProvinceSettings::default(),
            admin_password: None,
        }
    }
}

/// Log output.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// A tracing filter (`info`, `sangkien_kit=debug,info`). `RUST_LOG` wins when set.
    pub level: String,
    /// `auto` (pretty in a terminal, JSON otherwise), `pretty` or `json`.
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: LogFormat::Auto,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Pretty when standard error (where logs go) is a terminal, JSON otherwise.
    Auto,
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Database pool settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// Seconds to wait for a connection before failing.
    pub connect_timeout_secs: u64,
    /// Largest pool per service (SQLite files use fewer writers anyway).
    pub max_connections: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 5,
            max_connections: 10,
        }
    }
}

/// Which transport carries events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// In the same process, persisted in a SQLite queue file; standalone only.
    InProcess,
    /// RabbitMQ over AMQP 0-9-1.
    Amqp,
}

/// The event transport.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventSettings {
    /// `in_process` (standalone default) or `amqp`.
    pub transport: TransportKind,
    /// RabbitMQ URL for `amqp`.
    pub amqp_url: String,
    /// Name of the topic exchange; queue, dead-letter exchange and dead-letter queue names
    /// derive from it, so one setting isolates a test run or a tenant group.
    pub exchange: String,
    /// Deliveries of one event before it goes to the dead-letter queue.
    pub delivery_limit: u32,
    /// Unacknowledged deliveries a consumer holds at once.
    pub prefetch: u16,
    /// How often the outbox relay looks for unsent events even without a wake-up.
    pub poll_interval_ms: u64,
    /// Longest pause between reconnection attempts while the broker is down.
    pub max_backoff_ms: u64,
    /// Database of the in-process queue; defaults to `<data_dir>/events.db`.
    pub queue_database_url: Option<String>,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            transport: TransportKind::InProcess,
            amqp_url: "amqp://guest:guest@127.0.0.1:5672/%2f".into(),
            exchange: "sangkien.events".into(),
            delivery_limit: 5,
            prefetch: 32,
            poll_interval_ms: 1000,
            max_backoff_ms: 5000,
            queue_database_url: None,
        }
    }
}

/// One public key accepted for access tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeySetting {
    /// Key id (`kid` in the token header).
    pub kid: String,
    /// Ed25519 public key, PEM (`-----BEGIN PUBLIC KEY-----`).
    pub pem: String,
}

/// Verification of access tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// Required `iss`.
    pub issuer: String,
    /// Required `aud`.
    pub audience: String,
    /// Keys given in configuration.
    pub public_keys: Vec<PublicKeySetting>,
    /// Where to fetch further keys (the gateway's `/.well-known/jwks.json`); fetched again
    /// when a token names an unknown `kid`, so key rotation needs no restart.
    pub jwks_url: Option<String>,
    /// Seconds of clock skew tolerated on `exp`.
    pub leeway_secs: u64,
    /// Seconds the keys fetched from `jwks_url` are trusted before being fetched again; a
    /// key the gateway no longer publishes is refused at the latest this long after.
    pub jwks_cache_secs: u64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuer: "sangkien".into(),
            audience: "sangkien".into(),
            public_keys: Vec::new(),
            jwks_url: None,
            leeway_secs: 30,
            jwks_cache_secs: 300,
        }
    }
}

/// What an author sees of the appraisal: never the individual sheets; the conclusion always;
/// the average score and grade only when the recognising body chooses to show them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthorViewSettings {
    /// Show the average score and grade with the conclusion.
    pub show_average: bool,
}

impl Default for AuthorViewSettings {
    fn default() -> Self {
        Self { show_average: true }
    }
}

/// Settings of one service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceSettings {
    /// Database URL; defaults to `sqlite://<data_dir>/<service>.db?mode=rwc`.
    pub database_url: Option<String>,
    /// Where the service's own binary listens (distributed mode). Standalone picks a free
    /// loopback port.
    pub listen: SocketAddr,
    /// Where the gateway reaches the service (distributed mode).
    pub url: String,
    /// Largest request body in bytes (uploads have their own limits).
    pub max_body_bytes: usize,
}

impl ServiceSettings {
    fn with_port(port: u16) -> Self {
        Self {
            database_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], port)),
            url: format!("http://127.0.0.1:{port}"),
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self::with_port(0)
    }
}

/// A private key the gateway signs access tokens with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKeySetting {
    /// Key id (`kid`).
    pub kid: String,
    /// Ed25519 private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    #[serde(serialize_with = "redacted_always")]
    pub pem: SecretString,
}

/// A larger body limit for the routes whose path matches a pattern.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyLimitSetting {
    /// Route pattern (`/api/v1/intake/dossiers/{id}/attachments`, `**` for any tail).
    pub pattern: String,
    /// Largest body in bytes.
    pub max_bytes: u64,
}

/// Settings of the gateway.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewaySettings {
    /// Database URL of the identity store; defaults to `sqlite://<data_dir>/gateway.db?mode=rwc`.
    pub database_url: Option<String>,
    /// Seconds to wait for a service to start answering.
    pub upstream_timeout_secs: u64,
    /// Seconds to wait for a service to accept a connection.
    pub upstream_connect_timeout_secs: u64,
    /// Signing keys, current first, then previous ones still published. When empty the
    /// gateway keeps a generated key in its database (standalone).
    pub signing_keys: Vec<SigningKeySetting>,
    /// Lifetime of access tokens.
    pub access_token_ttl_secs: u64,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl_secs: u64,
    /// Origins allowed by CORS (web and mobile front ends); none by default.
    pub cors_origins: Vec<String>,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Requests per minute per signed-in user.
    pub rate_per_user_per_minute: u32,
    /// Requests per minute per client address.
    pub rate_per_address_per_minute: u32,
    /// Failed sign-ins per account from one address (×4 per account from all addresses, ×20
    /// per address over all accounts) within `login_window_secs`.
    pub login_failures_per_account: u32,
    /// The window of sign-in failures.
    pub login_window_secs: u64,
    /// Largest body of any route not listed in `body_limits`.
    pub max_body_bytes: u64,
    /// Larger limits for upload routes.
    pub body_limits: Vec<BodyLimitSetting>,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            database_url: None,
            upstream_timeout_secs: 30,
            upstream_connect_timeout_secs: 3,
            signing_keys: Vec::new(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            rate_per_user_per_minute: 1200,
            rate_per_address_per_minute: 2400,
            login_failures_per_account: 5,
            login_window_secs: 900,
            max_body_bytes: 1024 * 1024,
            body_limits: vec![BodyLimitSetting {
                pattern: "/api/v1/intake/dossiers/{id}/attachments".into(),
                max_bytes: 100 * 1024 * 1024,
            }],
        }
    }
}

/// Attachment storage: where uploaded files go and how large they may be.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilesSettings {
    /// Where files are stored. Absent: the local directory `<data_dir>/files`. A
    /// `file:///absolute/path` URL names another local directory (a mounted volume shared by
    /// the intake replicas); `s3://bucket/prefix` an S3-compatible bucket (distributed), with
    /// the `s3_*` settings below. Any other scheme is refused at start-up.
    pub store_url: Option<String>,
    /// S3 endpoint for a compatible store (MinIO, Ceph, a provincial cloud); AWS when absent.
    pub s3_endpoint: Option<String>,
    /// S3 region.
    pub s3_region: String,
    /// S3 access key id; else `AWS_ACCESS_KEY_ID`.
    pub s3_access_key_id: Option<String>,
    /// S3 secret key; else `AWS_SECRET_ACCESS_KEY`.
    #[serde(serialize_with = "redacted")]
    pub s3_secret_access_key: Option<SecretString>,
    /// Allow a plain-HTTP endpoint (a store on the same private network).
    pub s3_allow_http: bool,
    /// Largest single file in bytes (50 MiB). The gateway's `body_limits` entry for the
    /// attachments route must allow at least this much.
    pub max_file_bytes: u64,
    /// Largest total of the files one dossier holds, in bytes (200 MiB).
    pub max_dossier_bytes: u64,
}

impl Default for FilesSettings {
    fn default() -> Self {
        Self {
            store_url: None,
            s3_endpoint: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_allow_http: false,
            max_file_bytes: 50 * 1024 * 1024,
            max_dossier_bytes: 200 * 1024 * 1024,
        }
    }
}

/// Signed expiring links: what lets the provincial DOST system download a dossier's files,
/// the minutes and the decision without an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksSettings {
    /// The HMAC-SHA256 secret shared by intake, appraisal and decision. Standalone keeps a
    /// generated one in `<data_dir>/links.secret` when absent; the distributed binaries refuse
    /// to start without it. At least 32 characters.
    #[serde(serialize_with = "redacted")]
    pub secret: Option<SecretString>,
    /// The public base URL of the gateway, put in front of the links sent out
    /// (`https://sangkien.vinhtuong.gov.vn`).
    pub public_url: String,
    /// How long a link sent to the province stays valid (14 days).
    pub ttl_secs: u64,
}

impl Default for LinksSettings {
    fn default() -> Self {
        Self {
            secret: None,
            public_url: "http://127.0.0.1:8080".into(),
            ttl_secs: 14 * 24 * 3600,
        }
    }
}

/// The provincial DOST system (Sở KH&CN) that typical initiatives are nominated to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProvinceSettings {
    /// Its base URL (`https://sangkien.sokhcn.vinhphuc.gov.vn/api`); nominations wait unsent
    /// while absent. Packages go to `<base_url>/nominations`.
    pub base_url: Option<String>,
    /// The bearer token the province gave the recognising body, sent as `Authorization`.
    #[serde(serialize_with = "redacted")]
    pub token: Option<SecretString>,
    /// Seconds to wait for the province's answer to one sending.
    pub timeout_secs: u64,
    /// The pause after the first failed sending; it doubles after each further failure.
    pub backoff_base_secs: u64,
    /// The longest pause between two sendings.
    pub backoff_max_secs: u64,
    /// How often the sender looks for nominations due (real time, in milliseconds).
    pub poll_interval_ms: u64,
}

impl Default for ProvinceSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            token: None,
            timeout_secs: 30,
            backoff_base_secs: 60,
            backoff_max_secs: 6 * 3600,
            poll_interval_ms: 5000,
        }
    }
}

/// Where attachments are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilesLocation {
    /// A local directory.
    Local(PathBuf),
    /// An S3-compatible bucket, with a key prefix (possibly empty).
    S3 {
        /// Bucket name.
        bucket: String,
        /// Key prefix, without leading or trailing slash.
        prefix: String,
    },
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct SettingsError(String);

impl Settings {
    /// Loads settings: defaults, then the TOML file (`path`, else `SANGKIEN_CONFIG`), then
    /// `SANGKIEN_*` variables from the process environment.
    pub fn load(path: Option<PathBuf>) -> Result<Self, SettingsError> {
        let path = path.or_else(|| std::env::var_os("SANGKIEN_CONFIG").map(PathBuf::from));
        Self::figment(path)
    }

    /// Loads settings from the given variables instead of the process environment; tests
    /// use it to check overrides without touching global state.
    pub fn load_from_vars(
        path: Option<PathBuf>,
        vars: &[(&str, &str)],
    ) -> Result<Self, SettingsError> {
        let pairs: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let figment = Figment::from(Serialized::defaults(Settings::default()));
        let figment = match path {
            Some(p) => figment.merge(Toml::file_exact(p)),
            None => figment,
        };
        let mut settings: Settings = pairs
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("SANGKIEN_")
                    .filter(|k| *k != "CONFIG")
                    .map(|k| (k.to_ascii_lowercase().replace("__", "."), v.clone()))
            })
            .fold(figment, |f, (k, v)| {
                f.merge(Serialized::global(&k, parse_env_value(&v)))
            })
            .extract_lossy()
            .map_err(|e| SettingsError(describe(e)))?;
        settings.check()?;
        settings.normalise();
        Ok(settings)
    }

    fn figment(path: Option<PathBuf>) -> Result<Self, SettingsError> {
        let vars: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("SANGKIEN_"))
            .collect();
        let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Self::load_from_vars(path, &refs)
    }

    /// Checks what types alone cannot.
    fn check(&self) -> Result<(), SettingsError> {
        let mut problems = Vec::new();
        if self.events.delivery_limit == 0 {
            problems.push("events.delivery_limit must be at least 1".to_owned());
        }
        if self.events.prefetch == 0 {
            problems.push("events.prefetch must be at least 1".to_owned());
        }
        if self.events.exchange.trim().is_empty() {
            problems.push("events.exchange must not be empty".to_owned());
        }
        if self.database.max_connections == 0 {
            problems.push("database.max_connections must be at least 1".to_owned());
        }
        for (name, svc) in [
            ("intake", &self.intake),
            ("appraisal", &self.appraisal),
            ("decision", &self.decision),
        ] {
            if let Some(url) = &svc.database_url
                && !(url.starts_with("sqlite:") || url.starts_with("postgres"))
            {
                problems.push(format!(
                    "{name}.database_url must start with sqlite: or postgres://"
                ));
            }
            if url::Url::parse(&svc.url).is_err() {
                problems.push(format!("{name}.url is not a URL: {}", svc.url));
            }
        }
        if let Some(u) = &self.auth.jwks_url
            && url::Url::parse(u).is_err()
        {
            problems.push(format!("auth.jwks_url is not a URL: {u}"));
        }
        if let Err(e) = self.files_location() {
            problems.push(e.0);
        }
        if self.files.max_file_bytes == 0 {
            problems.push("files.max_file_bytes must be at least 1".to_owned());
        }
        if self.files.max_dossier_bytes == 0 {
            problems.push("files.max_dossier_bytes must be at least 1".to_owned());
        }
        if self
            .links
            .secret
            .as_ref()
            .is_some_and(|s| s.expose_secret().len() < 32)
        {
            problems.push("links.secret must be at least 32 characters".to_owned());
        }
        if url::Url::parse(&self.links.public_url).is_err() {
            problems.push(format!(
                "links.public_url is not a URL: {}",
                self.links.public_url
            ));
        }
        if let Some(u) = &self.province.base_url
            && url::Url::parse(u).is_err()
        {
            problems.push(format!("province.base_url is not a URL: {u}"));
        }
        if self.province.backoff_base_secs == 0
            || self.province.backoff_max_secs < self.province.backoff_base_secs
        {
            problems.push(
                "province.backoff_base_secs must be at least 1 and at most province.backoff_max_secs"
                    .to_owned(),
            );
        }
        if self.province.poll_interval_ms == 0 || self.province.timeout_secs == 0 {
            problems.push(
                "province.poll_interval_ms and province.timeout_secs must be at least 1".to_owned(),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError(problems.join("; ")))
        }
    }

    fn normalise(&mut self) {
        if self.events.queue_database_url.is_none() {
            self.events.queue_database_url = Some(self.sqlite_url("events"));
        }
    }

    /// The SQLite URL of `name` under the data directory.
    pub fn sqlite_url(&self, name: &str) -> String {
        format!(
            "sqlite://{}/{name}.db?mode=rwc",
            self.data_dir.display().to_string().trim_end_matches('/')
        )
    }

    /// The local directory attachments are stored in: `files.store_url` when it is a
    /// `file:///absolute/path` URL, else `<data_dir>/files`. Any other URL is an error, since
    /// S3-compatible stores are not built in this version.
    pub fn files_dir(&self) -> Result<PathBuf, SettingsError> {
        match self.files_location()? {
            FilesLocation::Local(dir) => Ok(dir),
            FilesLocation::S3 { .. } => Err(SettingsError(
                "files.store_url names an S3 bucket, not a local directory".into(),
            )),
        }
    }

    /// Where attachments are kept: `<data_dir>/files`, a `file:///` directory or an
    /// `s3://bucket/prefix`.
    pub fn files_location(&self) -> Result<FilesLocation, SettingsError> {
        let Some(raw) = &self.files.store_url else {
            return Ok(FilesLocation::Local(self.data_dir.join("files")));
        };
        let refused = |why: &str| {
            SettingsError(format!(
                "files.store_url {why}: {raw} (use file:///absolute/path or s3://bucket/prefix)"
            ))
        };
        let url = url::Url::parse(raw).map_err(|_| refused("is not a URL"))?;
        match url.scheme() {
            "file" => url
                .to_file_path()
                .map(FilesLocation::Local)
                .map_err(|()| refused("is not an absolute local path")),
            "s3" => {
                let bucket = url.host_str().unwrap_or_default().to_owned();
                if bucket.is_empty() {
                    return Err(refused("names no bucket"));
                }
                Ok(FilesLocation::S3 {
                    bucket,
                    prefix: url.path().trim_matches('/').to_owned(),
                })
            }
            _ => Err(refused("has an unsupported scheme")),
        }
    }

    /// The database URL of a service: its own setting or its SQLite file.
    pub fn database_url(&self, service: &str) -> String {
        let configured = match service {
            "intake" => self.intake.database_url.clone(),
            "appraisal" => self.appraisal.database_url.clone(),
            "decision" => self.decision.database_url.clone(),
            "gateway" => self.gateway.database_url.clone(),
            _ => None,
        };
        configured.unwrap_or_else(|| self.sqlite_url(service))
    }
}

/// An environment value as figment should see it: arrays and tables (`[a, b]`) parsed, any
/// other value kept as text, which figment converts to a number or boolean when the setting
/// is one (so a password of digits stays a string).
fn parse_env_value(v: &str) -> figment::value::Value {
    let t = v.trim();
    match t.parse::<figment::value::Value>() {
        Ok(parsed) if t.starts_with('[') || t.starts_with('{') => parsed,
        _ => figment::value::Value::from(v.to_owned()),
    }
}

fn describe(e: figment::Error) -> String {
    e.into_iter()
        .map(|e| {
            let path = e.path.join(".");
            if path.is_empty() {
                e.kind.to_string()
            } else {
                format!("`{path}`: {}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One setting as `--help` shows it. The table below is the one list of settings with their
/// defaults and meaning, next to the types it describes; a test checks that it names every
/// key of [`Settings`] and that each plain default it shows is the real one, so the help
/// text cannot drift from the code.
#[derive(Debug, Clone, Copy)]
pub struct SettingDoc {
    /// The TOML key, dotted (`events.delivery_limit`).
    pub key: &'static str,
    /// The default as a person reads it.
    pub default: &'static str,
    /// What it does.
    pub meaning: &'static str,
}

impl SettingDoc {
    /// The environment variable that sets it: `SANGKIEN_` and the key upper-cased with `__`
    /// between sections, as [`Settings::load`] reads it.
    pub fn env(&self) -> String {
        format!(
            "SANGKIEN_{}",
            self.key.to_ascii_uppercase().replace('.', "__")
        )
    }
}

const fn doc(key: &'static str, default: &'static str, meaning: &'static str) -> SettingDoc {
    SettingDoc {
        key,
        default,
        meaning,
    }
}

/// Every setting of [`Settings`], in the order of the types.
pub const SETTINGS: &[SettingDoc] = &[
    doc(
        "listen",
        "127.0.0.1:8080",
        "where the gateway (standalone: everything) listens",
    ),
    doc("data_dir", "./data", "SQLite files and local files"),
    doc("migrate_on_start", "true", "run migrations at start"),
    doc("log.level", "info", "log filter (RUST_LOG wins when set)"),
    doc(
        "log.format",
        "auto",
        "auto (pretty on a terminal, JSON otherwise), pretty or json; logs go to standard error",
    ),
    doc(
        "database.connect_timeout_secs",
        "5",
        "fail fast when a database is down",
    ),
    doc("database.max_connections", "10", "pool size per service"),
    doc("events.transport", "in_process", "in_process or amqp"),
    doc(
        "events.amqp_url",
        "amqp://guest:guest@127.0.0.1:5672/%2f",
        "RabbitMQ",
    ),
    doc(
        "events.exchange",
        "sangkien.events",
        "topic exchange; queue names derive from it",
    ),
    doc(
        "events.delivery_limit",
        "5",
        "deliveries before the dead-letter queue",
    ),
    doc(
        "events.prefetch",
        "32",
        "unacknowledged deliveries per consumer",
    ),
    doc(
        "events.poll_interval_ms",
        "1000",
        "outbox polling besides waking on commit",
    ),
    doc(
        "events.max_backoff_ms",
        "5000",
        "longest pause while the broker is down",
    ),
    doc(
        "events.queue_database_url",
        "<data_dir>/events.db",
        "in-process queue file",
    ),
    doc("auth.issuer", "sangkien", "required iss of access tokens"),
    doc("auth.audience", "sangkien", "required aud of access tokens"),
    doc(
        "auth.public_keys",
        "none",
        "[[auth.public_keys]] kid, pem (Ed25519), usually in the TOML file",
    ),
    doc(
        "auth.jwks_url",
        "none",
        "JWKS fetched again on an unknown kid",
    ),
    doc("auth.leeway_secs", "30", "clock skew allowed on exp"),
    doc(
        "auth.jwks_cache_secs",
        "300",
        "keys from jwks_url are fetched again after this",
    ),
    doc(
        "intake.database_url",
        "sqlite://<data_dir>/intake.db?mode=rwc",
        "sqlite: or postgres://",
    ),
    doc(
        "intake.listen",
        "127.0.0.1:8081",
        "the intake binary's address (distributed)",
    ),
    doc(
        "intake.url",
        "http://127.0.0.1:8081",
        "where the gateway reaches intake (distributed)",
    ),
    doc("intake.max_body_bytes", "1048576", "largest JSON body"),
    doc(
        "appraisal.database_url",
        "sqlite://<data_dir>/appraisal.db?mode=rwc",
        "sqlite: or postgres://",
    ),
    doc(
        "appraisal.listen",
        "127.0.0.1:8082",
        "the appraisal binary's address (distributed)",
    ),
    doc(
        "appraisal.url",
        "http://127.0.0.1:8082",
        "where the gateway reaches appraisal (distributed)",
    ),
    doc("appraisal.max_body_bytes", "1048576", "largest JSON body"),
    doc(
        "decision.database_url",
        "sqlite://<data_dir>/decision.db?mode=rwc",
        "sqlite: or postgres://",
    ),
    doc(
        "decision.listen",
        "127.0.0.1:8083",
        "the decision binary's address (distributed)",
    ),
    doc(
        "decision.url",
        "http://127.0.0.1:8083",
        "where the gateway reaches decision (distributed)",
    ),
    doc("decision.max_body_bytes", "1048576", "largest JSON body"),
    doc(
        "author_view.show_average",
        "true",
        "authors see the average score and grade with the conclusion",
    ),
    doc(
        "gateway.database_url",
        "sqlite://<data_dir>/gateway.db?mode=rwc",
        "the identity store",
    ),
    doc("gateway.upstream_timeout_secs", "30", "then 504"),
    doc("gateway.upstream_connect_timeout_secs", "3", "then 503"),
    doc(
        "gateway.signing_keys",
        "generated, kept in the identity store",
        "[[gateway.signing_keys]] kid, pem (Ed25519 PKCS#8), current first",
    ),
    doc("gateway.access_token_ttl_secs", "900", "access-token life"),
    doc(
        "gateway.refresh_token_ttl_secs",
        "2592000",
        "refresh-token life (30 days)",
    ),
    doc(
        "gateway.cors_origins",
        "none",
        "origins of the web and mobile front ends",
    ),
    doc(
        "gateway.trusted_proxies",
        "none",
        "proxies whose X-Forwarded-For is believed",
    ),
    doc(
        "gateway.rate_per_user_per_minute",
        "1200",
        "then 429 with Retry-After",
    ),
    doc("gateway.rate_per_address_per_minute", "2400", "then 429"),
    doc(
        "gateway.login_failures_per_account",
        "5",
        "failed sign-ins per account (x4 per address) in login_window_secs",
    ),
    doc(
        "gateway.login_window_secs",
        "900",
        "the window of sign-in failures",
    ),
    doc(
        "gateway.max_body_bytes",
        "1048576",
        "body limit of routes not in body_limits",
    ),
    doc(
        "gateway.body_limits",
        "attachments upload: 100 MiB",
        "[{ pattern, max_bytes }]; keep it at least files.max_file_bytes",
    ),
    doc(
        "files.store_url",
        "<data_dir>/files",
        "file:///abs/path or s3://bucket/prefix",
    ),
    doc("files.s3_endpoint", "none (AWS)", "an S3-compatible store"),
    doc("files.s3_region", "us-east-1", "S3 region"),
    doc(
        "files.s3_access_key_id",
        "none (AWS_ACCESS_KEY_ID)",
        "S3 credentials",
    ),
    doc(
        "files.s3_secret_access_key",
        "none (AWS_SECRET_ACCESS_KEY)",
        "S3 credentials",
    ),
    doc(
        "files.s3_allow_http",
        "false",
        "allow a plain-HTTP endpoint on a private network",
    ),
    doc(
        "files.max_file_bytes",
        "52428800",
        "largest attachment (50 MiB)",
    ),
    doc(
        "files.max_dossier_bytes",
        "209715200",
        "all attachments of one dossier (200 MiB)",
    ),
    doc(
        "links.secret",
        "standalone: generated in <data_dir>/links.secret; distributed: required",
        "HMAC secret of signed links, at least 32 characters",
    ),
    doc(
        "links.public_url",
        "http://127.0.0.1:8080",
        "the gateway's public base URL in links sent out",
    ),
    doc(
        "links.ttl_secs",
        "1209600",
        "how long links sent to the province stay valid (14 days)",
    ),
    doc(
        "province.base_url",
        "none",
        "the provincial DOST system; nominations wait unsent while absent",
    ),
    doc(
        "province.token",
        "none",
        "bearer token the province gave the body",
    ),
    doc("province.timeout_secs", "30", "one sending's timeout"),
    doc(
        "province.backoff_base_secs",
        "60",
        "pause after the first failed sending, doubled after each",
    ),
    doc("province.backoff_max_secs", "21600", "the longest pause"),
    doc(
        "province.poll_interval_ms",
        "5000",
        "how often the sender looks for nominations due",
    ),
    doc(
        "admin_password",
        "none (random, printed once)",
        "the first admin's password (first start only), at least 10 characters",
    ),
];

/// The settings section of a binary's `--help`: the settings whose key is one of `prefixes`
/// or lies under one (`"events"` takes every `events.*`; no prefix takes all), with their
/// environment variable and default, so a person learns what the binary reads without
/// opening the code.
pub fn settings_help(prefixes: &[&str]) -> String {
    let mut out = String::from(
        "Settings (defaults; a TOML file from --config or SANGKIEN_CONFIG overrides them, \
         and environment variables override the file):\n",
    );
    for s in SETTINGS.iter().filter(|s| {
        prefixes.is_empty()
            || prefixes
                .iter()
                .any(|p| s.key == *p || s.key.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
    }) {
        out.push_str(&format!(
            "  {}\n      {}  [default: {}]\n      {}\n",
            s.key,
            s.env(),
            s.default,
            s.meaning
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_settings_file_loads_and_names_every_section() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/sangkien.example.toml");
        let s = Settings::load_from_vars(Some(path), &[]).unwrap();
        assert_eq!(s.gateway.body_limits.len(), 1);
        assert_eq!(s.auth.jwks_cache_secs, 300);
        assert_eq!(s.files.max_file_bytes, 50 * 1024 * 1024);
        assert!(s.admin_password.is_none());
    }

    #[test]
    fn defaults_run_standalone_on_port_8080_with_sqlite_and_in_process_events() {
        let s = Settings::load_from_vars(None, &[]).unwrap();
        assert_eq!(s.listen.port(), 8080);
        assert_eq!(s.events.transport, TransportKind::InProcess);
        assert_eq!(
            s.database_url("intake"),
            "sqlite://./data/intake.db?mode=rwc"
        );
        assert_eq!(
            s.events.queue_database_url.as_deref(),
            Some("sqlite://./data/events.db?mode=rwc")
        );
    }

    #[test]
    fn environment_overrides_nested_keys() {
        let s = Settings::load_from_vars(
            None,
            &[
                ("SANGKIEN_LISTEN", "0.0.0.0:9000"),
                ("SANGKIEN_EVENTS__TRANSPORT", "amqp"),
                ("SANGKIEN_EVENTS__DELIVERY_LIMIT", "3"),
                ("SANGKIEN_INTAKE__DATABASE_URL", "postgres://u@h/intake"),
                ("SANGKIEN_MIGRATE_ON_START", "false"),
            ],
        )
        .unwrap();
        assert_eq!(s.listen.port(), 9000);
        assert_eq!(s.events.transport, TransportKind::Amqp);
        assert_eq!(s.events.delivery_limit, 3);
        assert_eq!(s.database_url("intake"), "postgres://u@h/intake");
        assert!(!s.migrate_on_start);
    }

    #[test]
    fn unknown_setting_is_refused_with_its_name() {
        let err = Settings::load_from_vars(None, &[("SANGKIEN_EVENTS__EXCHANEG", "x")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("exchaneg"), "{err}");
    }

    #[test]
    fn wrong_value_is_refused_with_its_key() {
        let err = Settings::load_from_vars(None, &[("SANGKIEN_LISTEN", "not-an-address")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("listen"), "{err}");
        let err = Settings::load_from_vars(None, &[("SANGKIEN_EVENTS__DELIVERY_LIMIT", "0")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("delivery_limit"), "{err}");
    }

    #[test]
    fn file_limits_default_to_50_and_200_mib_and_the_environment_overrides_them() {
        let s = Settings::load_from_vars(None, &[]).unwrap();
        assert_eq!(s.files.max_file_bytes, 50 * 1024 * 1024);
        assert_eq!(s.files.max_dossier_bytes, 200 * 1024 * 1024);
        assert!(s.files.store_url.is_none());
        assert_eq!(s.files_dir().unwrap(), PathBuf::from("./data/files"));

        let s =
            Settings::load_from_vars(None, &[("SANGKIEN_FILES__MAX_FILE_BYTES", "1000")]).unwrap();
        assert_eq!(s.files.max_file_bytes, 1000);
        assert_eq!(s.files.max_dossier_bytes, 200 * 1024 * 1024);
    }

    #[test]
    fn file_store_url_takes_an_absolute_file_url_and_refuses_other_schemes() {
        let s = Settings::load_from_vars(
            None,
            &[("SANGKIEN_FILES__STORE_URL", "file:///srv/sangkien/files")],
        )
        .unwrap();
        assert_eq!(s.files_dir().unwrap(), PathBuf::from("/srv/sangkien/files"));
        let s3 = Settings::load_from_vars(
            None,
            &[(
                "SANGKIEN_FILES__STORE_URL",
                "s3://sangkien-files/vinh-phuc/",
            )],
        )
        .unwrap();
        assert_eq!(
            s3.files_location().unwrap(),
            FilesLocation::S3 {
                bucket: "sangkien-files".into(),
                prefix: "vinh-phuc".into()
            }
        );
        for url in [
            "ftp://bucket/files",
            "relative/dir",
            "file://host/x",
            "s3:///x",
        ] {
            let err = Settings::load_from_vars(None, &[("SANGKIEN_FILES__STORE_URL", url)])
                .unwrap_err()
                .to_string();
            assert!(err.contains("files.store_url"), "{url}: {err}");
        }
    }

    #[test]
    fn toml_file_is_read_and_environment_wins_over_it() {
        let dir = std::env::temp_dir().join(format!("sk-settings-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sangkien.toml");
        std::fs::write(
            &file,
            "data_dir = \"/var/lib/sangkien\"\n[events]\nprefetch = 7\nexchange = \"from-file\"\n",
        )
        .unwrap();
        let s =
            Settings::load_from_vars(Some(file.clone()), &[("SANGKIEN_EVENTS__EXCHANGE", "env")])
                .unwrap();
        assert_eq!(s.events.prefetch, 7);
        assert_eq!(s.events.exchange, "env");
        assert_eq!(
            s.database_url("decision"),
            "sqlite:///var/lib/sangkien/decision.db?mode=rwc"
        );
        std::fs::write(&file, "[events]\nunknown_key = 1\n").unwrap();
        assert!(Settings::load_from_vars(Some(file), &[]).is_err());
        let missing = dir.join("absent.toml");
        assert!(Settings::load_from_vars(Some(missing), &[]).is_err());
    }
}

#[cfg(test)]
mod nomination_settings_tests {
    use super::*;

    #[test]
    fn links_and_province_settings_have_defaults_and_are_checked() {
        let s = Settings::load_from_vars(None, &[]).unwrap();
        assert!(s.links.secret.is_none());
        assert_eq!(s.links.ttl_secs, 14 * 24 * 3600);
        assert!(s.province.base_url.is_none());
        assert_eq!(s.province.backoff_base_secs, 60);
        let s = Settings::load_from_vars(
            None,
            &[
                (
                    "SANGKIEN_LINKS__SECRET",
                    "a-links-secret-of-at-least-32-chars",
                ),
                ("SANGKIEN_PROVINCE__BASE_URL", "https://skhcn.example/api"),
                ("SANGKIEN_PROVINCE__BACKOFF_MAX_SECS", "600"),
            ],
        )
        .unwrap();
        assert_eq!(s.province.backoff_max_secs, 600);
        for (key, value, named) in [
            ("SANGKIEN_LINKS__SECRET", "short", "links.secret"),
            (
                "SANGKIEN_PROVINCE__BASE_URL",
                "not a url",
                "province.base_url",
            ),
            (
                "SANGKIEN_PROVINCE__BACKOFF_BASE_SECS",
                "0",
                "backoff_base_secs",
            ),
        ] {
            let err = Settings::load_from_vars(None, &[(key, value)])
                .unwrap_err()
                .to_string();
            assert!(err.contains(named), "{key}: {err}");
        }
    }
}

#[cfg(test)]
mod string_tests {
    use super::*;

    #[test]
    fn numeric_looking_values_still_fill_string_settings() {
        let s = Settings::load_from_vars(
            None,
            &[
                ("SANGKIEN_ADMIN_PASSWORD", "123456"),
                ("SANGKIEN_EVENTS__EXCHANGE", "2026"),
            ],
        )
        .unwrap();
        assert_eq!(
            s.admin_password.as_ref().map(|p| p.expose_secret()),
            Some("123456")
        );
        assert_eq!(s.events.exchange, "2026");
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    fn leaves(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(&key, v, out);
                }
            }
            other => out.push((prefix.to_owned(), other.clone())),
        }
    }

    #[test]
    fn secret_settings_are_never_printed_nor_serialised() {
        let mut s = Settings {
            admin_password: Some("mat-khau-quan-tri-bi-mat".into()),
            ..Settings::default()
        };
        s.links.secret = Some("bi-mat-lien-ket-0123456789abcdefghij".into());
        s.province.token = Some("the-cua-so-khcn-bi-mat".into());
        s.files.s3_secret_access_key = Some("khoa-s3-bi-mat".into());
        s.gateway.signing_keys = vec![SigningKeySetting {
            kid: "k1".into(),
            pem: "-----BEGIN PRIVATE KEY-----bi-mat".into(),
        }];
        let debug = format!("{s:?}");
        let json = serde_json::to_string(&s).unwrap();
        for secret in [
            "mat-khau",
            "bi-mat-lien-ket",
            "the-cua-so",
            "khoa-s3",
            "PRIVATE KEY",
        ] {
            assert!(!debug.contains(secret), "{secret} in Debug");
            assert!(!json.contains(secret), "{secret} serialised");
        }
        assert!(json.contains("[redacted]"));
    }

    #[test]
    fn the_settings_table_names_every_setting_with_its_real_default() {
        let mut keys = Vec::new();
        leaves(
            "",
            &serde_json::to_value(Settings::default()).unwrap(),
            &mut keys,
        );
        let documented: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        for (key, value) in &keys {
            let doc = SETTINGS
                .iter()
                .find(|s| s.key == key)
                .unwrap_or_else(|| panic!("{key} is missing from SETTINGS"));
            let shown = match value {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            if let Some(shown) = shown {
                assert_eq!(doc.default, shown, "default of {key}");
            }
        }
        for key in documented {
            assert!(
                keys.iter().any(|(k, _)| k == key),
                "{key} in SETTINGS is not a setting"
            );
        }
    }

    #[test]
    fn settings_help_shows_the_environment_variable_and_default_of_the_sections_asked() {
        let help = settings_help(&["listen", "events"]);
        assert!(
            help.contains("SANGKIEN_EVENTS__DELIVERY_LIMIT  [default: 5]"),
            "{help}"
        );
        assert!(
            help.contains("SANGKIEN_LISTEN  [default: 127.0.0.1:8080]"),
            "{help}"
        );
        assert!(!help.contains("SANGKIEN_GATEWAY__"), "{help}");
        assert!(!help.contains("log.level"), "{help}");
    }
}
