//! The `juanzong` command line, with help and messages in Chinese.
//!
//! clap writes its help headings and errors in English; [`localize`] replaces the headings and
//! the help and version flags with Chinese ones on every subcommand, and [`describe_clap_error`]
//! puts a Chinese sentence in front of clap's own error detail.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, Args, Command, CommandFactory, FromArgMatches, Parser, Subcommand};
use sea_orm::DatabaseConnection;

use crate::auth::{password, service as auth_service};
use crate::cases::service::{self as case_service, ImportFailure};
use crate::config::{unknown_environment_variables, FlagOverrides, Settings};
use crate::error::ApiError;
use crate::org::roles::{parse_roles, role_choices};
use crate::org::service::{self as org, NewUser};
use crate::startup::Application;
use crate::{db, telemetry};

/// 卷宗同步：执行局外勤材料与卷宗管理中心的同步服务。
#[derive(Debug, Parser)]
#[command(name = "juanzong", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Commands,
}

/// Options every subcommand accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// TOML 配置文件路径（也可用环境变量 JUANZONG_CONFIG 指定）
    #[arg(long, global = true, value_name = "文件")]
    pub config: Option<PathBuf>,
    /// 数据库地址：sqlite://路径 或 postgres://用户@主机/库名；不填则使用数据目录中的 SQLite 数据库
    #[arg(long, global = true, value_name = "地址")]
    pub database_url: Option<String>,
    /// 数据目录，存放内置数据库、JWT 密钥等（默认 ./data）
    #[arg(long, global = true, value_name = "目录")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// 启动服务（首次启动时自动建库并创建管理员账号）
    Serve(ServeArgs),
    /// 执行数据库迁移后退出
    Migrate,
    /// 管理法院
    #[command(subcommand)]
    Court(CourtCommand),
    /// 管理团队
    #[command(subcommand)]
    Team(TeamCommand),
    /// 管理用户账号
    #[command(subcommand)]
    User(UserCommand),
    /// 管理手机设备（例如停用丢失的手机）
    #[command(subcommand)]
    Device(DeviceCommand),
    /// 管理执行案件
    #[command(subcommand)]
    Case(CaseCommand),
    /// 工作日日历与期限计算
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// 照片处理：在本机检查一张照片（不需要服务器）
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// 演示外勤团队与卷宗管理中心的一天：离线登记、同步、照片识别、移送期限、接收登记和统计（需先启动服务）
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 服务地址，例如 http://127.0.0.1:8080；不填则使用配置中的监听地址
    #[arg(long, value_name = "地址")]
    pub server: Option<String>,
    /// 照片目录：有 MANIFEST.tsv 时取其中的文书照片，否则按文件名顺序取图片；不填则用中文字体生成文书照片
    #[arg(long, value_name = "目录")]
    pub photos: Option<PathBuf>,
    /// 法院代字；系统中只有一个法院时可省略，没有法院时创建 豫13
    #[arg(long, value_name = "代字")]
    pub court: Option<String>,
    /// 保存三部模拟手机的离线数据和照片的目录；不填则使用临时目录，结束后删除
    #[arg(long, value_name = "目录")]
    pub work_dir: Option<PathBuf>,
    /// 等待服务器处理全部照片的最长时间（秒）
    #[arg(long, value_name = "秒", default_value_t = 600)]
    pub photo_timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    /// 对一张照片执行与服务器相同的处理：方向校正、倾斜、黑边、空白页、分辨率、模糊检查和中文 OCR
    Inspect {
        /// 照片文件（JPEG、PNG、WebP、TIFF，按内容识别格式）
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// 导入日历文件（新一年的节假日安排或本院闭院日），导入后立即生效
    Import {
        /// 日历文件（TOML 格式，见 data/calendar/README.zh-CN.md）
        #[arg(value_name = "文件")]
        file: PathBuf,
    },
    /// 按期限规则计算截止时间，供人工核对
    Deadline {
        /// 期限规则编号，例如 field_handover（外勤团队返回单位后 2 个工作日内移交）
        #[arg(long, value_name = "规则")]
        rule: String,
        /// 起算事件的北京时间，例如 "2026-09-30 15:00"
        #[arg(long, value_name = "时间")]
        from: String,
    },
    /// 列出已载入的年份和提醒
    Years,
    /// 列出期限规则
    Rules,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址和端口，例如 127.0.0.1:8080
    #[arg(long, value_name = "地址:端口")]
    pub listen: Option<String>,
    /// 以 JSON 格式输出日志
    #[arg(long)]
    pub log_json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CourtCommand {
    /// 添加法院
    Add {
        /// 法院代字，例如 豫13
        #[arg(long, value_name = "代字")]
        code: String,
        /// 法院全称
        #[arg(long, value_name = "名称")]
        name: String,
    },
    /// 列出法院
    List,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// 添加团队
    Add {
        /// 团队名称，例如 执行一团队
        #[arg(long, value_name = "名称")]
        name: String,
        /// 团队类型：执行实施团队、财产处置团队、卷宗管理中心、立案庭、前置集约中心、法辅中心
        #[arg(long, value_name = "类型")]
        kind: String,
        /// 法院代字；系统中只有一个法院时可省略
        #[arg(long, value_name = "代字")]
        court: Option<String>,
    },
    /// 列出团队
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加用户
    Add {
        /// 登录用户名（英文字母、数字、下划线）
        #[arg(long, value_name = "用户名")]
        username: String,
        /// 姓名
        #[arg(long, value_name = "姓名")]
        name: String,
        /// 所属团队名称
        #[arg(long, value_name = "团队")]
        team: Option<String>,
        /// 角色，可重复或用逗号分隔，例如 --role 执行干警 --role 书记员
        #[arg(long = "role", value_name = "角色", required = true)]
        roles: Vec<String>,
        /// 初始密码；不填则自动生成并显示一次
        #[arg(long, value_name = "密码")]
        password: Option<String>,
    },
    /// 列出用户
    List,
    /// 停用用户（其所有设备的令牌立即失效）
    Disable {
        #[arg(value_name = "用户名")]
        username: String,
    },
    /// 重新启用用户
    Enable {
        #[arg(value_name = "用户名")]
        username: String,
    },
    /// 重置密码
    ResetPassword {
        #[arg(value_name = "用户名")]
        username: String,
        /// 新密码；不填则自动生成并显示一次
        #[arg(long, value_name = "密码")]
        password: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// 列出设备
    List,
    /// 停用设备（例如手机丢失）；该设备下一次请求将被拒绝
    Revoke {
        /// 设备编号，或手机上报的设备标识
        #[arg(value_name = "设备")]
        device: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// 从 CSV 文件批量导入案件（UTF-8 或 GBK 编码；任一行有误则全部不导入）
    Import {
        /// CSV 文件，表头包含：案号、承办法官、执行团队，可选：当事人、立案日期
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 法院代字；系统中只有一个法院时可省略
        #[arg(long, value_name = "代字")]
        court: Option<String>,
    },
    /// 列出案件
    List {
        /// 只列出此团队的案件
        #[arg(long, value_name = "团队")]
        team: Option<String>,
    },
}

const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Applies Chinese headings and help/version flags to a command and all its subcommands.
pub fn localize(command: Command) -> Command {
    let is_root = command.get_name() == "juanzong";
    let mut command = command
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .mut_args(|arg| {
            if arg.get_help_heading().is_some() {
                arg
            } else if arg.is_positional() {
                arg.help_heading("参数")
            } else {
                arg.help_heading("选项")
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .help("显示帮助")
                .action(ArgAction::Help)
                .help_heading("选项"),
        );
    if is_root {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .help("显示版本")
                .action(ArgAction::Version)
                .help_heading("选项"),
        );
    }
    command.mut_subcommands(localize)
}

/// Returns a Chinese description of a clap parse error, followed by clap's own detail.
pub fn describe_clap_error(error: &clap::Error) -> String {
    let subject = error
        .get(ContextKind::InvalidArg)
        .or_else(|| error.get(ContextKind::InvalidSubcommand))
        .map(|value| value.to_string())
        .unwrap_or_default();
    let lead = match error.kind() {
        ErrorKind::UnknownArgument => format!("无法识别的参数 {subject}"),
        ErrorKind::InvalidSubcommand => format!("无法识别的命令 {subject}"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数 {subject}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!("参数 {subject} 的值无效"),
        ErrorKind::ArgumentConflict => format!("参数 {subject} 不能与其他参数同时使用"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {subject} 的值个数不对")
        }
        _ => "命令行参数有误".to_string(),
    };
    format!(
        "参数错误：{}。运行 juanzong --help 查看用法。\n详细信息：{}",
        lead.trim(),
        error.render().to_string().trim()
    )
}

/// Parses the command line and runs the command; the process exit code is returned.
pub fn main() -> ExitCode {
    let command = localize(Cli::command());
    let matches = match command.try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", describe_clap_error(&error));
            return ExitCode::from(2);
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => {
            eprintln!("{}", describe_clap_error(&error));
            return ExitCode::from(2);
        }
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("错误：无法启动异步运行时：{error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Config(message)) => {
            eprintln!("配置错误：{message}");
            ExitCode::from(2)
        }
        Err(CliError::Failed(message)) => {
            eprintln!("错误：{message}");
            ExitCode::FAILURE
        }
    }
}

/// Failure of a command, with a Chinese message; the variant sets the exit code.
#[derive(Debug)]
pub enum CliError {
    /// Bad settings: exit code 2.
    Config(String),
    /// The command itself failed: exit code 1.
    Failed(String),
}

impl From<ApiError> for CliError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Internal(cause) => CliError::Failed(format!("{cause:#}")),
            other => CliError::Failed(other.body().message),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        CliError::Failed(format!("{error:#}"))
    }
}

impl From<db::DbSetupError> for CliError {
    fn from(error: db::DbSetupError) -> Self {
        CliError::Failed(error.to_string())
    }
}

fn load_settings(global: &GlobalArgs, listen: Option<String>, log_json: bool) -> Result<Settings, CliError> {
    let flags = FlagOverrides {
        listen,
        data_dir: global.data_dir.clone(),
        database_url: global.database_url.clone(),
        log_format: log_json.then(|| "json".to_string()),
    };
    Settings::load(global.config.as_deref(), &flags).map_err(|error| CliError::Config(error.message))
}

fn warn_unknown_variables() {
    for name in unknown_environment_variables() {
        tracing::warn!(variable = %name, "unknown JUANZONG_ environment variable ignored");
        eprintln!("警告：未知的环境变量 {name} 已被忽略，请检查拼写。");
    }
}

async fn open_database(settings: &Settings) -> Result<DatabaseConnection, CliError> {
    let db = db::connect(settings).await?;
    db::migrate(&db).await?;
    Ok(db)
}

/// Runs one parsed command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Commands::Serve(args) => serve(&cli.global, args).await,
        Commands::Photo(PhotoCommand::Inspect { file, json }) => photo_inspect(&file, json).await,
        Commands::Demo(args) => demo(&cli.global, args).await,
        other => {
            let settings = load_settings(&cli.global, None, false)?;
            telemetry::init("warn", false);
            warn_unknown_variables();
            let db = open_database(&settings).await?;
            let result = run_admin_command(&db, other).await;
            db.close().await.ok();
            result
        }
    }
}

async fn serve(global: &GlobalArgs, args: ServeArgs) -> Result<(), CliError> {
    let settings = load_settings(global, args.listen, args.log_json)?;
    telemetry::init(&settings.log_level, settings.log_format == "json");
    warn_unknown_variables();
    tracing::info!(
        database = %settings.effective_database_url(),
        listen = %settings.listen,
        "starting juanzong"
    );

    let host = settings
        .listen
        .rsplit_once(':')
        .map(|(host, _)| host.to_string())
        .unwrap_or_else(|| "127.0.0.1".to_string());
    let database = settings.effective_database_url().redacted();
    let application = Application::build(settings).await?;
    println!("卷宗同步服务已启动：http://{host}:{}", application.port());
    println!("数据库：{database}");
    if let Some(password) = &application.initial_admin_password {
        println!("首次启动，已创建系统管理员账号：");
        println!("  用户名：{}", org::ADMIN_USERNAME);
        println!("  初始密码：{password}");
        println!("  （密码只显示这一次，请立即记录；可用 juanzong user reset-password admin 重置）");
        println!(
            "登录示例：curl -s -X POST http://{host}:{}/api/v1/auth/login -H 'Content-Type: application/json' \\\n  -d '{{\"username\":\"admin\",\"password\":\"{password}\",\"device_id\":\"my-laptop\",\"device_name\":\"管理员电脑\"}}'",
            application.port()
        );
    }
    println!("按 Ctrl+C 停止服务。");
    application.run().await?;
    Ok(())
}

async fn run_admin_command(db: &DatabaseConnection, command: Commands) -> Result<(), CliError> {
    match command {
        Commands::Serve(_) | Commands::Photo(_) | Commands::Demo(_) => unreachable!("handled by run"),
        Commands::Migrate => {
            println!("数据库迁移已完成，结构为最新版本。");
            Ok(())
        }
        Commands::Court(command) => court_command(db, command).await,
        Commands::Team(command) => team_command(db, command).await,
        Commands::User(command) => user_command(db, command).await,
        Commands::Device(command) => device_command(db, command).await,
        Commands::Case(command) => case_command(db, command).await,
        Commands::Calendar(command) => calendar_command(db, command).await,
    }
}

async fn court_command(db: &DatabaseConnection, command: CourtCommand) -> Result<(), CliError> {
    match command {
        CourtCommand::Add { code, name } => {
            let court = org::create_court(db, &code, &name).await?;
            println!("已添加法院：{}（{}）", court.name, court.code);
        }
        CourtCommand::List => {
            for court in org::list_courts(db).await? {
                println!("{}\t{}", court.code, court.name);
            }
        }
    }
    Ok(())
}

async fn team_command(db: &DatabaseConnection, command: TeamCommand) -> Result<(), CliError> {
    match command {
        TeamCommand::Add { name, kind, court } => {
            let team = org::create_team(db, court.as_deref(), &name, &kind).await?;
            println!("已添加团队：{}（编号 {}）", team.name, team.id);
        }
        TeamCommand::List => {
            for team in org::list_teams(db).await? {
                let kind = team
                    .kind
                    .parse::<crate::org::roles::TeamKind>()
                    .map(|k| k.label().to_string())
                    .unwrap_or(team.kind.clone());
                println!("{}\t{}\t{}", team.id, team.name, kind);
            }
        }
    }
    Ok(())
}

async fn user_command(db: &DatabaseConnection, command: UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Add {
            username,
            name,
            team,
            roles,
            password: given,
        } => {
            let roles = parse_roles(&roles.join(",")).map_err(|bad| {
                CliError::Failed(format!("角色“{bad}”无效，可选：{}。", role_choices()))
            })?;
            let generated = given.is_none();
            let password = given.unwrap_or_else(password::generate);
            let user = org::create_user(
                db,
                NewUser {
                    username,
                    display_name: name,
                    team,
                    roles,
                    password: password.clone(),
                },
            )
            .await?;
            println!("已添加用户：{}（{}）", user.username, user.display_name);
            if generated {
                println!("初始密码：{password}（只显示这一次）");
            }
        }
        UserCommand::List => {
            for user in org::list_users(db).await? {
                let roles: Vec<&str> = user.roles.iter().map(|r| r.label()).collect();
                println!(
                    "{}\t{}\t{}\t{}{}",
                    user.username,
                    user.display_name,
                    user.team_name.unwrap_or_else(|| "-".to_string()),
                    roles.join("、"),
                    if user.disabled { "\t（已停用）" } else { "" }
                );
            }
        }
        UserCommand::Disable { username } => {
            org::set_disabled(db, &username, true).await?;
            println!("已停用用户 {username}。");
        }
        UserCommand::Enable { username } => {
            org::set_disabled(db, &username, false).await?;
            println!("已重新启用用户 {username}。");
        }
        UserCommand::ResetPassword {
            username,
            password: given,
        } => {
            let generated = given.is_none();
            let password = given.unwrap_or_else(password::generate);
            org::reset_password(db, &username, &password).await?;
            println!("已重置用户 {username} 的密码。");
            if generated {
                println!("新密码：{password}（只显示这一次）");
            }
        }
    }
    Ok(())
}

async fn device_command(db: &DatabaseConnection, command: DeviceCommand) -> Result<(), CliError> {
    match command {
        DeviceCommand::List => {
            for device in auth_service::list_devices(db).await? {
                let status = if device.revoked_at.is_some() { "已停用" } else { "正常" };
                println!(
                    "{}\t{}\t{}\t{}",
                    device.id, device.device_key, device.name, status
                );
            }
        }
        DeviceCommand::Revoke { device } => {
            let revoked = auth_service::revoke_device(db, &device).await?;
            println!("已停用设备：{}（{}）", revoked.name, revoked.id);
        }
    }
    Ok(())
}

async fn case_command(db: &DatabaseConnection, command: CaseCommand) -> Result<(), CliError> {
    match command {
        CaseCommand::Import { file, court } => {
            let bytes = std::fs::read(&file).map_err(|error| {
                CliError::Failed(format!("无法读取文件 {}：{error}", file.display()))
            })?;
            match case_service::import_csv(db, &bytes, court.as_deref()).await {
                Ok(report) => {
                    println!(
                        "导入完成（{} 编码）：新增 {} 件，已存在 {} 件。",
                        report.encoding, report.imported, report.already_present
                    );
                    Ok(())
                }
                Err(ImportFailure::File(error)) => Err(CliError::Failed(error.to_string())),
                Err(ImportFailure::Rows(errors)) => {
                    let mut message = format!("有 {} 行数据有误，未导入任何案件：", errors.len());
                    for error in errors {
                        message.push_str(&format!("\n  第 {} 行：{}", error.line, error.reason));
                    }
                    Err(CliError::Failed(message))
                }
                Err(ImportFailure::Api(error)) => Err(error.into()),
            }
        }
        CaseCommand::List { team } => {
            let team_id = match team {
                Some(name) => Some(org::find_team(db, &name).await?.id),
                None => None,
            };
            for case in case_service::list(db, team_id.as_deref()).await? {
                println!("{}\t{}\t{}", case.case_number, case.judge_name, case.team_name);
            }
            Ok(())
        }
    }
}

async fn calendar_command(db: &DatabaseConnection, command: CalendarCommand) -> Result<(), CliError> {
    use crate::deadlines::calendar_store;
    use crate::routes::calendar::{calendar_warnings, compute_deadline};

    match command {
        CalendarCommand::Import { file } => {
            let content = std::fs::read_to_string(&file).map_err(|error| {
                CliError::Failed(format!("无法读取文件 {}：{error}", file.display()))
            })?;
            let name = file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            let report = calendar_store::import(db, &name, &content, "命令行").await?;
            println!("已导入日历文件 {name}：{}", report.summary_zh());
            let calendar = calendar_store::load(db).await?;
            let recorded = crate::deadlines::handover::backfill(db, &calendar, chrono::Utc::now()).await?;
            if recorded > 0 {
                println!("已为 {recorded} 份此前缺少日历年份的材料清单计算移送期限。");
            }
        }
        CalendarCommand::Deadline { rule, from } => {
            let answer = compute_deadline(db, &rule, &from).await?;
            println!("规则：{}（{}）", answer.rule_name, answer.rule_id);
            println!("起算：{from}（北京时间）");
            println!("截止：{}", answer.due_text);
        }
        CalendarCommand::Years => {
            let calendar = calendar_store::load(db).await?;
            let years: Vec<String> = calendar.loaded_years().iter().map(|y| y.to_string()).collect();
            println!("已载入的年份：{}", years.join("、"));
            for warning in calendar_warnings(&calendar) {
                println!("提醒（{}）：{}", warning.code, warning.message);
            }
        }
        CalendarCommand::Rules => {
            let rules = juanzong_calendar::DeadlineRules::default_rules()
                .map_err(|error| CliError::Failed(error.to_string()))?;
            for rule in rules.iter() {
                println!("{}\t{}\t{}", rule.id, rule.name, rule.period.describe_zh());
            }
        }
    }
    Ok(())
}

/// Runs the photo pipeline on one file and prints what it found.
async fn photo_inspect(file: &std::path::Path, json: bool) -> Result<(), CliError> {
    use juanzong_photo::{inspect, Limits, OcrEngine};
    use juanzong_sync::CaseNumber;

    let bytes = std::fs::read(file)
        .map_err(|error| CliError::Failed(format!("无法读取文件 {}：{error}", file.display())))?;
    let inspection = tokio::task::spawn_blocking(move || {
        let mut engine = OcrEngine::new()?;
        inspect(&bytes, &Limits::default(), &mut engine)
    })
    .await
    .map_err(|error| CliError::Failed(format!("照片处理线程异常：{error}")))?
    .map_err(|error| CliError::Failed(format!("{}（{}）", error.message_zh(), error.code())))?;

    let case_numbers: Vec<String> = CaseNumber::find_all(&inspection.ocr.text)
        .iter()
        .map(CaseNumber::normal_form)
        .collect();
    if json {
        let mut value = serde_json::to_value(&inspection)
            .map_err(|error| CliError::Failed(format!("无法输出 JSON：{error}")))?;
        value["case_numbers"] = serde_json::json!(case_numbers);
        println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(());
    }

    let upright = &inspection.upright;
    let checks = &inspection.checks;
    let mark = |flagged: bool| if flagged { "（不合格）" } else { "" };
    println!("文件：{}", file.display());
    println!("格式：{:?}，SHA-256：{}", inspection.format, inspection.sha256);
    println!(
        "尺寸：原图 {}×{}，校正后 {}×{}",
        inspection.original_width, inspection.original_height, inspection.working_width, inspection.working_height
    );
    match upright.exif_orientation {
        Some(value) => println!("EXIF 方向：{value}"),
        None => println!("EXIF 方向：无"),
    }
    println!("检测到的旋转：顺时针 {} 度", upright.detected_rotation.degrees());
    println!("倾斜角度：{:.2} 度{}", checks.skew_degrees.value, mark(checks.skew_degrees.flagged));
    println!("黑边比例：{:.3}{}", checks.black_border.value, mark(checks.black_border.flagged));
    println!("空白页指标：{:.3}{}", checks.blank.value, mark(checks.blank.flagged));
    println!("按 A4 估算的分辨率：{:.0} dpi{}", checks.effective_dpi.value, mark(checks.effective_dpi.flagged));
    println!("清晰度指标：{:.1}{}", checks.blur.value, mark(checks.blur.flagged));
    let flags: Vec<&str> = checks.flags.iter().map(|flag| flag.label_zh()).collect();
    println!("问题：{}", if flags.is_empty() { "无".to_string() } else { flags.join("、") });
    println!("OCR 平均置信度：{}", inspection.ocr.mean_confidence);
    println!("识别出的案号：{}", if case_numbers.is_empty() { "无".to_string() } else { case_numbers.join("、") });
    println!("OCR 文字：\n{}", inspection.ocr.text);
    Ok(())
}

/// Prepares the demo's organisation on the database, then runs the scenario against the server
/// over HTTP.
async fn demo(global: &GlobalArgs, args: DemoArgs) -> Result<(), CliError> {
    use juanzong_demo::{run, DemoOptions, PhotoSource};

    let settings = load_settings(global, None, false)?;
    telemetry::init("warn", false);
    warn_unknown_variables();
    crate::demo::require_existing_database(&settings.effective_database_url())
        .map_err(|error| CliError::Failed(format!("{error}（{}）", error.code())))?;
    let db = open_database(&settings).await?;
    let prepared = crate::demo::prepare(&db, args.court.as_deref()).await;
    db.close().await.ok();
    let (accounts, setting) = prepared?;

    let server_url = args.server.unwrap_or_else(|| format!("http://{}", settings.listen));
    let photos = match args.photos {
        Some(folder) => PhotoSource::Folder(folder),
        None => PhotoSource::Generate,
    };
    println!("卷宗同步演示：外勤团队与卷宗管理中心的一天");
    let options = DemoOptions {
        server_url,
        accounts: accounts.clone(),
        setting,
        photos,
        work_dir: args.work_dir,
        photo_timeout: std::time::Duration::from_secs(args.photo_timeout),
    };
    let mut stdout = std::io::stdout();
    run(options, &mut stdout)
        .await
        .map_err(|error| CliError::Failed(format!("演示中断：{error}（{}）", error.code())))?;

    println!("\n演示账号（本次运行重置的密码，可用于按 README 手动操作）：");
    for account in [
        &accounts.officer_a,
        &accounts.officer_b,
        &accounts.disposal_officer,
        &accounts.center_intake,
        &accounts.data_manager,
    ] {
        println!("  {}（{}）密码：{}", account.username, account.display_name, account.password);
    }
    Ok(())
}
