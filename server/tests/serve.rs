//! `juanzong serve` as a person runs it: first start on an empty data folder prints the address
//! and a generated administrator password, a login with it returns both tokens, and SIGTERM
//! stops the server cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Sends one HTTP/1.1 request and returns the status code and body.
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn first_start_prints_admin_login_and_stops_cleanly() {
    let folder = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_juanzong"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(folder.path())
        .env_remove("JUANZONG_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start juanzong serve");

    let mut port = None;
    let mut password = None;
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("卷宗同步服务已启动：http://127.0.0.1:") {
            port = rest.trim().parse::<u16>().ok();
        }
        if let Some(rest) = line.trim().strip_prefix("初始密码：") {
            password = Some(rest.trim().to_string());
        }
        if line.contains("按 Ctrl+C 停止服务") {
            break;
        }
    }
    let port = port.expect("the address is printed");
    let password = password.expect("the administrator password is printed on first start");
    assert!(folder.path().join("juanzong.db").exists(), "SQLite file created in the data folder");

    let (status, body) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        &format!(r#"{{"username":"admin","password":"{password}","device_id":"t","device_name":"测试"}}"#),
    );
    assert_eq!(status, 200, "{body}");
    let tokens: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(tokens["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(tokens["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit after SIGTERM, got {exit:?}");
}
