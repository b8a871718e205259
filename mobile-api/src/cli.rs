//! The `juanzong-device` command line: a stand-in for the phone app (移动端) in tests and demos,
//! with help and messages in Chinese.
//!
//! clap writes its help headings and errors in English; [`localize`] replaces the headings and
//! the help and version flags with Chinese ones on every subcommand, and [`describe_clap_error`]
//! puts a Chinese sentence in front of clap's own detail. Exit codes: 0 success, 1 a command
//! that failed (the message and the stable code go to standard error), 2 bad arguments.

mod output;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, Args, Command, CommandFactory, FromArgMatches, Parser, Subcommand};
use uuid::Uuid;

use juanzong_sync::{ItemChanges, Originality, TeamKind};

use crate::client::{Client, ClientError, ClientOptions, ItemInput, ListInput, SyncFormat};

pub use values::{parse_date, parse_kind, parse_local_time, parse_yes_no};

/// 卷宗同步设备端：在手机之外模拟移动端，离线编辑材料清单并与服务器同步。
#[derive(Debug, Parser)]
#[command(name = "juanzong-device", version)]
pub struct Cli {
    /// 本设备的离线数据目录（也可用环境变量 JUANZONG_DEVICE_STORE 指定）
    #[arg(
        long,
        global = true,
        value_name = "目录",
        env = "JUANZONG_DEVICE_STORE",
        default_value = "juanzong-device"
    )]
    pub store: PathBuf,
    /// 以 JSON 格式输出结果，便于脚本处理
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Commands,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// 登录服务器并保存会话
    Login(LoginArgs),
    /// 退出登录（本地清单和照片保留）
    Logout,
    /// 材料清单操作
    #[command(subcommand)]
    List(ListCommand),
    /// 列出本设备上的清单及其状态
    Lists,
    /// 材料操作
    #[command(subcommand)]
    Item(ItemCommand),
    /// 照片操作
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// 与服务器同步全部清单
    Sync(SyncArgs),
    /// 显示已收到的规则提醒、到期提醒和卷宗管理中心的通知
    Feed,
    /// 显示卷宗管理中心的接收结果和待办（缺失、不规范的材料）
    Results(ResultsArgs),
    /// 对不规范材料的修改意见提出异议，由执行局长决定
    Dispute(DisputeArgs),
}

#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// 先从服务器获取最新结果（默认显示本设备上次保存的结果，无需网络）
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct DisputeArgs {
    /// 被退回材料的材料编号（见 results 命令的待办）
    pub item: Uuid,
    /// 异议理由
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// 服务器地址，例如 http://127.0.0.1:8080
    #[arg(long, value_name = "地址")]
    pub server: String,
    /// 用户名
    #[arg(long, value_name = "用户名")]
    pub username: String,
    /// 密码（也可用环境变量 JUANZONG_DEVICE_PASSWORD 提供，避免出现在命令历史中）
    #[arg(long, value_name = "密码", env = "JUANZONG_DEVICE_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// 设备名称，例如 张三的华为手机
    #[arg(long, value_name = "名称", default_value = "juanzong-device")]
    pub device_name: String,
}

#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// 新建材料清单，输出清单编号
    Create(ListCreateArgs),
    /// 显示清单内容和检查结果
    Show {
        /// 清单编号
        #[arg(value_name = "清单编号")]
        id: Uuid,
    },
    /// 标记清单为“已返回单位”并记录返回时间
    Return {
        /// 清单编号
        #[arg(long = "list", value_name = "清单编号")]
        list: Uuid,
        /// 返回单位时间（北京时间），例如 "2026-12-03 17:30"；不填则为当前时间
        #[arg(long, value_name = "时间", value_parser = parse_local_time)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// 移送清单至卷宗管理中心（移送后不能再修改）
    Submit {
        /// 清单编号
        #[arg(long = "list", value_name = "清单编号")]
        list: Uuid,
    },
}

#[derive(Debug, Args)]
pub struct ListCreateArgs {
    /// 案号，例如 (2026)豫13执123号
    #[arg(long = "case", value_name = "案号")]
    pub case_number: String,
    /// 团队类型：执行实施 或 财产处置
    #[arg(long, value_name = "类型", value_parser = parse_kind)]
    pub kind: TeamKind,
    /// 外出日期，格式 YYYY-MM-DD
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub trip_date: Option<chrono::NaiveDate>,
    /// 外出地点
    #[arg(long, value_name = "地点", default_value = "", hide_default_value = true)]
    pub place: String,
    /// 参与人员姓名，可重复
    #[arg(long = "participant", value_name = "姓名")]
    pub participants: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ItemCommand {
    /// 添加材料，输出材料编号
    Add(ItemAddArgs),
    /// 修改材料的部分字段
    Edit(ItemEditArgs),
    /// 删除材料（保留删除记录）
    Remove {
        /// 清单编号
        #[arg(long = "list", value_name = "清单编号")]
        list: Uuid,
        /// 材料编号
        #[arg(long = "item", value_name = "材料编号")]
        item: Uuid,
    },
}

#[derive(Debug, Args)]
pub struct ItemAddArgs {
    /// 清单编号
    #[arg(long = "list", value_name = "清单编号")]
    pub list: Uuid,
    /// 材料类型代码或中文名称，例如 enforcement_record 或 执行笔录（现场笔录）
    #[arg(long = "type", value_name = "类型")]
    pub material_type: String,
    /// 标题
    #[arg(long, value_name = "标题")]
    pub title: String,
    /// 页数
    #[arg(long, value_name = "页数")]
    pub pages: i64,
    /// 复印件（不填则为原件）
    #[arg(long)]
    pub copy: bool,
    /// 形成日期，格式 YYYY-MM-DD
    #[arg(long, value_name = "日期", value_parser = parse_date)]
    pub produced_on: Option<chrono::NaiveDate>,
    /// 制作人或制作单位
    #[arg(long, value_name = "姓名", default_value = "", hide_default_value = true)]
    pub produced_by: String,
    /// 备注
    #[arg(long, value_name = "文字", default_value = "", hide_default_value = true)]
    pub notes: String,
    /// 已通过移动办案系统上传
    #[arg(long)]
    pub uploaded: bool,
}

#[derive(Debug, Args)]
pub struct ItemEditArgs {
    /// 清单编号
    #[arg(long = "list", value_name = "清单编号")]
    pub list: Uuid,
    /// 材料编号
    #[arg(long = "item", value_name = "材料编号")]
    pub item: Uuid,
    /// 新的材料类型代码或中文名称
    #[arg(long = "type", value_name = "类型")]
    pub material_type: Option<String>,
    /// 新的标题
    #[arg(long, value_name = "标题")]
    pub title: Option<String>,
    /// 新的页数
    #[arg(long, value_name = "页数")]
    pub pages: Option<i64>,
    /// 改为复印件
    #[arg(long, conflicts_with = "original")]
    pub copy: bool,
    /// 改为原件
    #[arg(long)]
    pub original: bool,
    /// 新的形成日期，格式 YYYY-MM-DD
    #[arg(long, value_name = "日期", value_parser = parse_date, conflicts_with = "clear_produced_on")]
    pub produced_on: Option<chrono::NaiveDate>,
    /// 清除形成日期
    #[arg(long)]
    pub clear_produced_on: bool,
    /// 新的制作人
    #[arg(long, value_name = "姓名")]
    pub produced_by: Option<String>,
    /// 新的备注
    #[arg(long, value_name = "文字")]
    pub notes: Option<String>,
    /// 是否已通过移动办案系统上传：是 或 否
    #[arg(long, value_name = "是/否", value_parser = parse_yes_no)]
    pub uploaded: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    /// 为材料添加一张照片（按内容的 SHA-256 保存在本地）
    Attach {
        /// 清单编号
        #[arg(long = "list", value_name = "清单编号")]
        list: Uuid,
        /// 材料编号
        #[arg(long = "item", value_name = "材料编号")]
        item: Uuid,
        /// 照片文件
        #[arg(value_name = "文件")]
        file: PathBuf,
    },
    /// 上传服务器缺少的照片（先同步清单；中断的上传会从已收到的部分续传）
    Upload,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// 同步请求的格式：binary（默认，省流量）或 json
    #[arg(long, value_name = "格式", default_value = "binary", value_parser = ["binary", "json"])]
    pub format: String,
    /// 最多同步轮数
    #[arg(long, value_name = "轮数", default_value_t = 10)]
    pub max_rounds: u32,
}

const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Applies Chinese headings and help/version flags to a command and all its subcommands.
pub fn localize(command: Command) -> Command {
    let is_root = command.get_name() == "juanzong-device";
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
        "参数错误：{}。运行 juanzong-device --help 查看用法。\n详细信息：{}",
        lead.trim(),
        error.render().to_string().trim()
    )
}

/// Parses `args` (program name first) into a [`Cli`], with the Chinese help applied.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = localize(Cli::command()).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// Parses the process arguments and runs the command; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(error) => {
            if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", describe_clap_error(&error));
            return ExitCode::from(2);
        }
    };

    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("错误：无法启动异步运行时：{error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("错误：{error}（{}）", error.code());
            ExitCode::FAILURE
        }
    }
}

/// Runs one parsed command, printing its result to standard output.
pub async fn run(cli: Cli) -> Result<(), ClientError> {
    let mut options = ClientOptions::default();
    if let Commands::Sync(args) = &cli.command {
        options.limits.max_rounds = args.max_rounds;
        if args.format == "json" {
            options.sync_format = SyncFormat::Json;
        }
    }
    let client = Client::open(&cli.store, options)?;
    let json = cli.json;

    match cli.command {
        Commands::Login(args) => {
            let user = client
                .login(&args.server, &args.username, &args.password, &args.device_name)
                .await?;
            output::logged_in(&user, json);
        }
        Commands::Logout => {
            client.logout().await?;
            output::message("已退出登录；本地清单和照片仍保留在此设备上。", json);
        }
        Commands::List(command) => list_command(&client, command, json)?,
        Commands::Lists => output::lists(&client.lists()?, json),
        Commands::Item(command) => item_command(&client, command, json)?,
        Commands::Photo(PhotoCommand::Attach { list, item, file }) => {
            let hash = client.attach_photo(list, item, &file)?;
            output::photo_attached(&hash, json);
        }
        Commands::Photo(PhotoCommand::Upload) => {
            let report = client.upload_photos().await?;
            output::photos_uploaded(&report, json);
            if !report.failed.is_empty() {
                return Err(ClientError::UploadsFailed(report.failed.len()));
            }
        }
        Commands::Sync(_) => output::sync_report(&client.sync().await?, json),
        Commands::Feed => output::notices(&client.notices()?, json),
        Commands::Results(args) => {
            let results = if args.refresh {
                Some(client.refresh_center_results().await?)
            } else {
                client.center_results()?
            };
            output::center_results(results.as_ref(), json);
        }
        Commands::Dispute(args) => {
            let dispute = raise_dispute(&client, args).await?;
            output::dispute(&dispute, json);
        }
    }
    Ok(())
}

/// Raises a dispute over the rejected item's task, which names the register entry. The dispute id
/// is derived from the entry and item, so running the command again sends the same dispute.
async fn raise_dispute(client: &Client, args: DisputeArgs) -> Result<crate::center::DisputeView, ClientError> {
    let results = match client.center_results()? {
        Some(results) => results,
        None => client.refresh_center_results().await?,
    };
    let Some(task) = results.tasks.iter().find(|task| task.item_id == args.item) else {
        return Err(ClientError::TaskNotFound(args.item));
    };
    let key = format!("{}:{}", task.entry_id, task.item_id);
    let dispute_id = Uuid::new_v5(&Uuid::NAMESPACE_OID, key.as_bytes());
    client.raise_dispute(dispute_id, task.entry_id, task.item_id, &args.reason).await
}

fn list_command(client: &Client, command: ListCommand, json: bool) -> Result<(), ClientError> {
    match command {
        ListCommand::Create(args) => {
            let list_id = client.create_list(ListInput {
                case_number: args.case_number,
                kind: args.kind,
                trip_date: args.trip_date,
                trip_place: args.place,
                participants: args.participants,
            })?;
            output::created("清单", list_id, json);
        }
        ListCommand::Show { id } => {
            let list = client.list(id)?;
            let violations = client.check(id)?;
            let server = client.store().server_detail(id)?;
            output::list(&list, &violations, server.as_ref(), json);
        }
        ListCommand::Return { list, at } => {
            let at = at.unwrap_or_else(chrono::Utc::now);
            client.mark_returned(list, at)?;
            output::message(
                &format!("清单已标记为已返回单位，返回时间 {}。", values::format_local(at)),
                json,
            );
        }
        ListCommand::Submit { list } => {
            client.hand_over(list)?;
            output::message("清单已移送至卷宗管理中心，同步后生效；此后不能再修改。", json);
        }
    }
    Ok(())
}

fn item_command(client: &Client, command: ItemCommand, json: bool) -> Result<(), ClientError> {
    match command {
        ItemCommand::Add(args) => {
            let originality = if args.copy {
                Originality::Copy
            } else {
                Originality::Original
            };
            let item_id = client.add_item(
                args.list,
                ItemInput {
                    material_type: args.material_type,
                    title: args.title,
                    page_count: args.pages,
                    originality,
                    produced_on: args.produced_on,
                    produced_by: args.produced_by,
                    notes: args.notes,
                    uploaded_via_mobile_system: args.uploaded,
                },
            )?;
            output::created("材料", item_id, json);
        }
        ItemCommand::Edit(args) => {
            let list = args.list;
            let item = args.item;
            client.edit_item(list, item, item_changes(args))?;
            output::message("材料已修改。", json);
        }
        ItemCommand::Remove { list, item } => {
            client.remove_item(list, item)?;
            output::message("材料已删除。", json);
        }
    }
    Ok(())
}

/// Turns the edit options into [`ItemChanges`]; options not given leave their field alone.
pub fn item_changes(args: ItemEditArgs) -> ItemChanges {
    let originality = match (args.copy, args.original) {
        (true, _) => Some(Originality::Copy),
        (false, true) => Some(Originality::Original),
        (false, false) => None,
    };
    let produced_on = if args.clear_produced_on {
        Some(None)
    } else {
        args.produced_on.map(Some)
    };
    ItemChanges {
        material_type: args.material_type,
        title: args.title,
        page_count: args.pages,
        originality,
        produced_on,
        produced_by: args.produced_by,
        notes: args.notes,
        uploaded_via_mobile_system: args.uploaded,
    }
}

#[cfg(test)]
mod tests;
