//! The `juanzong-device` binary as a script uses it: exit codes, output on standard output and
//! Chinese messages with stable codes on standard error. Only commands that need no server run.

use std::process::{Command, Output};

fn run(store: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_juanzong-device"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("JUANZONG_DEVICE_STORE")
        .env_remove("JUANZONG_DEVICE_PASSWORD")
        .output()
        .expect("run juanzong-device")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn empty_store_lists_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["lists"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).contains("本设备上还没有清单"));

    let output = run(folder.path(), &["--json", "lists"]);
    assert_eq!(output.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows, serde_json::json!([]));
}

#[test]
fn command_failure_exits_with_one() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(
        folder.path(),
        &["list", "create", "--case", "(2026)豫13执1号", "--kind", "执行实施"],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("尚未登录"), "{stderr}");
    assert!(stderr.contains("NOT_LOGGED_IN"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_arguments_exit_with_two() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["list", "create", "--case", "x", "--kind", "立案庭"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("参数错误："), "{stderr}");
    assert!(stderr.contains("团队类型“立案庭”无效"), "{stderr}");
}

#[test]
fn help_exits_with_zero() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("用法："), "{stdout}");
    assert!(stdout.contains("与服务器同步全部清单"), "{stdout}");
}

#[test]
fn photo_upload_needs_login() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["photo", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("上传服务器缺少的照片"), "{stdout}");

    let output = run(folder.path(), &["photo", "upload"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("NOT_LOGGED_IN"), "{stderr}");
}

#[test]
fn results_work_offline_and_dispute_needs_login() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["results"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).contains("还没有卷宗管理中心的结果"));

    let output = run(folder.path(), &["--json", "results"]);
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value, serde_json::Value::Null);

    let item = "0190a0b0-0000-7000-8000-000000000001";
    let output = run(folder.path(), &["dispute", item, "--reason", "被询问人拒绝签名"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("NOT_LOGGED_IN"), "{stderr}");
}
