use chrono::{TimeZone, Utc};

use super::*;

fn parse_ok(args: &[&str]) -> Cli {
    let mut all = vec!["juanzong-device"];
    all.extend_from_slice(args);
    match parse(all) {
        Ok(cli) => cli,
        Err(error) => panic!("{args:?}: {}", error.render()),
    }
}

fn parse_error(args: &[&str]) -> clap::Error {
    let mut all = vec!["juanzong-device"];
    all.extend_from_slice(args);
    parse(all).expect_err("arguments must be rejected")
}

#[test]
fn login_takes_server_and_credentials() {
    let cli = parse_ok(&[
        "--store", "/tmp/phone-a", "login", "--server", "http://127.0.0.1:8080",
        "--username", "zhang", "--password", "secret", "--device-name", "张三的手机",
    ]);
    assert_eq!(cli.store, PathBuf::from("/tmp/phone-a"));
    let Commands::Login(args) = cli.command else { panic!("not login") };
    assert_eq!(args.server, "http://127.0.0.1:8080");
    assert_eq!(args.username, "zhang");
    assert_eq!(args.password, "secret");
    assert_eq!(args.device_name, "张三的手机");
}

#[test]
fn list_create_collects_participants() {
    let cli = parse_ok(&[
        "list", "create", "--case", "(2026)豫13执123号", "--kind", "执行实施",
        "--trip-date", "2026-12-02", "--place", "宛城区", "--participant", "张警官",
        "--participant", "李警官", "--store", "s",
    ]);
    assert_eq!(cli.store, PathBuf::from("s"));
    let Commands::List(ListCommand::Create(args)) = cli.command else { panic!("not create") };
    assert_eq!(args.kind, TeamKind::Enforcement);
    assert_eq!(args.trip_date, chrono::NaiveDate::from_ymd_opt(2026, 12, 2));
    assert_eq!(args.participants, vec!["张警官".to_string(), "李警官".to_string()]);
}

#[test]
fn return_time_is_beijing_time() {
    let list = Uuid::new_v4().to_string();
    let cli = parse_ok(&["list", "return", "--list", &list, "--at", "2026-12-03 17:30"]);
    let Commands::List(ListCommand::Return { at, .. }) = cli.command else { panic!("not return") };
    assert_eq!(at, Some(Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap()));

    let cli = parse_ok(&["list", "return", "--list", &list]);
    let Commands::List(ListCommand::Return { at, .. }) = cli.command else { panic!("not return") };
    assert_eq!(at, None);
}

#[test]
fn item_edit_maps_to_changes() {
    let list = Uuid::new_v4().to_string();
    let item = Uuid::new_v4().to_string();
    let cli = parse_ok(&[
        "item", "edit", "--list", &list, "--item", &item, "--pages", "7", "--copy",
        "--clear-produced-on", "--uploaded", "是",
    ]);
    let Commands::Item(ItemCommand::Edit(args)) = cli.command else { panic!("not edit") };
    let changes = item_changes(args);
    assert_eq!(changes.page_count, Some(7));
    assert_eq!(changes.originality, Some(Originality::Copy));
    assert_eq!(changes.produced_on, Some(None));
    assert_eq!(changes.uploaded_via_mobile_system, Some(true));
    assert_eq!(changes.title, None);
    assert_eq!(changes.material_type, None);
}

#[test]
fn item_add_flags() {
    let list = Uuid::new_v4().to_string();
    let cli = parse_ok(&[
        "--json", "item", "add", "--list", &list, "--type", "enforcement_record",
        "--title", "执行笔录-张某", "--pages", "3", "--copy", "--uploaded",
    ]);
    assert!(cli.json);
    let Commands::Item(ItemCommand::Add(args)) = cli.command else { panic!("not add") };
    assert_eq!(args.pages, 3);
    assert!(args.copy);
    assert!(args.uploaded);
    assert_eq!(args.produced_on, None);
}

#[test]
fn bad_values_are_argument_errors() {
    let list = Uuid::new_v4().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["list", "create", "--case", "x", "--kind", "立案庭"],
        vec!["list", "return", "--list", &list, "--at", "明天"],
        vec!["list", "show", "not-a-uuid"],
        vec!["item", "add", "--list", &list, "--type", "t", "--title", "t", "--pages", "三"],
        vec!["sync", "--format", "xml"],
        vec!["frobnicate"],
        vec![],
    ];
    for args in cases {
        let error = parse_error(&args);
        assert!(
            !matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion),
            "{args:?}"
        );
        assert!(describe_clap_error(&error).starts_with("参数错误："), "{args:?}");
    }
}

#[test]
fn help_is_chinese() {
    let error = parse_error(&["item", "add", "--help"]);
    assert_eq!(error.kind(), ErrorKind::DisplayHelp);
    let text = error.render().to_string();
    assert!(text.contains("用法："), "{text}");
    assert!(text.contains("选项"), "{text}");
    assert!(text.contains("显示帮助"), "{text}");
    assert!(!text.contains("Usage:"), "{text}");
    assert!(!text.contains("Options:"), "{text}");
}

#[test]
fn value_parsers() {
    assert_eq!(parse_kind("财产处置团队").unwrap(), TeamKind::AssetDisposal);
    assert_eq!(parse_kind("enforcement").unwrap(), TeamKind::Enforcement);
    assert!(parse_kind("执行").is_err());
    assert!(parse_date("2026-13-01").is_err());
    assert_eq!(
        parse_local_time("2026-12-03T17:30:00+08:00").unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap()
    );
    assert_eq!(
        parse_local_time("2026-01-01 00:10:05").unwrap(),
        Utc.with_ymd_and_hms(2025, 12, 31, 16, 10, 5).unwrap()
    );
    assert_eq!(values::format_local(Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap()), "2026-12-03 17:30");
    assert!(!parse_yes_no("否").unwrap());
    assert!(parse_yes_no("maybe").is_err());
}
