//! The `juanzong` binary itself: Chinese help, startup refused for a bad setting, warnings for
//! unknown variables, and the administrative commands on a fresh SQLite database.

use std::path::Path;
use std::process::{Command, Output};

fn juanzong(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_juanzong"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("JUANZONG_DATABASE_URL")
        .env_remove("JUANZONG_CONFIG")
        .output()
        .expect("run juanzong")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_is_chinese() {
    let folder = tempfile::tempdir().unwrap();
    let output = juanzong(folder.path(), &["--help"]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    for expected in ["用法：", "命令", "选项", "启动服务", "显示帮助", "管理执行案件"] {
        assert!(help.contains(expected), "missing {expected} in:\n{help}");
    }
    assert!(!help.contains("Usage:"), "{help}");

    let output = juanzong(folder.path(), &["case", "import", "--help"]);
    let help = text(&output.stdout);
    assert!(help.contains("参数"), "{help}");
    assert!(help.contains("GBK"), "{help}");
}

#[test]
fn unknown_argument_is_explained_in_chinese() {
    let folder = tempfile::tempdir().unwrap();
    let output = juanzong(folder.path(), &["serve", "--frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let error = text(&output.stderr);
    assert!(error.contains("无法识别的参数"), "{error}");
    assert!(error.contains("--frobnicate"), "{error}");
}

#[test]
fn bad_setting_stops_startup() {
    let folder = tempfile::tempdir().unwrap();
    let config = folder.path().join("bad.toml");
    std::fs::write(&config, "refresh_token_days = 0\n").unwrap();
    let output = juanzong(folder.path(), &["serve", "--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let error = text(&output.stderr);
    assert!(error.contains("refresh_token_days"), "{error}");
    assert!(error.contains("配置错误"), "{error}");

    let output = Command::new(env!("CARGO_BIN_EXE_juanzong"))
        .args(["serve", "--data-dir"])
        .arg(folder.path())
        .env("JUANZONG_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("listen"));
}

#[test]
fn unknown_variable_is_warned_about() {
    let folder = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_juanzong"))
        .args(["court", "list", "--data-dir"])
        .arg(folder.path())
        .env("JUANZONG_LISTN", "127.0.0.1:1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("JUANZONG_LISTN"));
}

#[test]
fn administrative_commands_work_end_to_end() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path();
    let run = |args: &[&str]| {
        let output = juanzong(data, args);
        assert!(
            output.status.success(),
            "{args:?} failed: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    };

    run(&["migrate"]);
    assert!(run(&["court", "add", "--code", "豫13", "--name", "南阳市中级人民法院"]).contains("豫13"));
    run(&["team", "add", "--name", "执行一团队", "--kind", "执行实施团队"]);
    let added = run(&[
        "user", "add", "--username", "zhang", "--name", "张警官", "--team", "执行一团队",
        "--role", "执行干警",
    ]);
    assert!(added.contains("初始密码"), "{added}");
    let users = run(&["user", "list"]);
    assert!(users.contains("zhang"), "{users}");
    assert!(users.contains("执行干警"), "{users}");

    run(&["user", "disable", "zhang"]);
    assert!(run(&["user", "list"]).contains("已停用"));
    let reset = run(&["user", "reset-password", "zhang"]);
    assert!(reset.contains("新密码"), "{reset}");

    let csv = data.join("cases.csv");
    let (gbk, _, _) = encoding_rs::GB18030.encode("案号,承办法官,执行团队\n(2026)豫13执7号,刘法官,执行一团队\n");
    std::fs::write(&csv, &gbk).unwrap();
    let imported = run(&["case", "import", csv.to_str().unwrap()]);
    assert!(imported.contains("GBK"), "{imported}");
    assert!(imported.contains("新增 1 件"), "{imported}");
    assert!(run(&["case", "list"]).contains("（2026）豫13执7号"));

    std::fs::write(&csv, "案号,承办法官,执行团队\n(2026)豫13执8号,刘法官,执行一团队\n(2026)豫13执9号,,执行一团队\n").unwrap();
    let output = juanzong(data, &["case", "import", csv.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let error = text(&output.stderr);
    assert!(error.contains("第 3 行"), "{error}");
    assert!(!run(&["case", "list"]).contains("执8号"), "nothing may be imported");

    let output = juanzong(data, &["user", "add", "--username", "x", "--name", "某", "--role", "厨师"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("厨师"));
}

#[test]
fn sigint_stops_the_server_gracefully() {
    use std::io::Read;
    use std::time::{Duration, Instant};

    let folder = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_juanzong"))
        .args(["serve", "--data-dir"])
        .arg(folder.path())
        .env("JUANZONG_LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("JUANZONG_DATABASE_URL")
        .env_remove("JUANZONG_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start juanzong serve");

    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "server did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());

    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(stopping.elapsed() < Duration::from_secs(30), "server did not stop after SIGINT");
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut logs = String::new();
    child.stdout.take().unwrap().read_to_string(&mut logs).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(status.success(), "{status:?} {logs}");
    assert!(logs.contains("SIGINT received; stopping gracefully"), "{logs}");
}
