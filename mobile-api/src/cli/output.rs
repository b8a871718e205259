//! Command output: Chinese text for people, or one JSON value with `--json`.

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use juanzong_sync::{MaterialList, Violation};

use crate::auth::UserInfo;
use crate::cli::values::format_local;
use crate::client::{LocalList, StoredNotice, SyncReport, UploadReport};
use crate::lists::ListDetail;

fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("错误：无法输出 JSON：{error}"),
    }
}

pub fn message(text: &str, json: bool) {
    if json {
        print_json(&json!({ "message": text }));
    } else {
        println!("{text}");
    }
}

pub fn logged_in(user: &UserInfo, json: bool) {
    if json {
        print_json(user);
        return;
    }
    let team = user.team_name.as_deref().unwrap_or("无团队");
    println!("登录成功：{}（{}，{}）", user.display_name, user.username, team);
}

/// Prints the id of a new list or item; without `--json` the id alone, for `$(...)` in scripts.
pub fn created(what: &str, id: Uuid, json: bool) {
    if json {
        print_json(&json!({ "id": id }));
    } else {
        println!("{id}");
        eprintln!("已创建{what}。");
    }
}

pub fn photo_attached(hash: &str, json: bool) {
    if json {
        print_json(&json!({ "sha256": hash }));
    } else {
        println!("照片已添加，SHA-256：{hash}");
    }
}

pub fn photos_uploaded(report: &UploadReport, json: bool) {
    if json {
        print_json(report);
        return;
    }
    println!(
        "服务器缺少 {} 张照片：已上传 {} 张（其中续传 {} 张），服务器已有 {} 张，本设备没有 {} 张，失败 {} 张。",
        report.requested,
        report.uploaded.len(),
        report.resumed.len(),
        report.already_stored.len(),
        report.not_on_device.len(),
        report.failed.len()
    );
    for failure in &report.failed {
        println!("  {}：{}（{}）", failure.sha256, failure.message, failure.code);
    }
}

pub fn lists(rows: &[LocalList], json: bool) {
    if json {
        print_json(&rows);
        return;
    }
    if rows.is_empty() {
        println!("本设备上还没有清单。");
        return;
    }
    println!("清单编号\t案号\t团队类型\t状态\t材料数\t页数\t同步");
    for row in rows {
        match &row.list {
            Some(list) => println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                row.list_id,
                list.case_number,
                list.kind.name_zh(),
                list.status.name_zh(),
                list.item_count,
                list.page_count,
                row.sync_status.name_zh()
            ),
            None => println!("{}\t-\t-\t-\t-\t-\t{}", row.list_id, row.sync_status.name_zh()),
        }
    }
}

pub fn list(
    list: &MaterialList,
    violations: &[Violation],
    server: Option<&ListDetail>,
    json: bool,
) {
    if json {
        print_json(&json!({
            "list": list,
            "violations": violations,
            "server": server.map(|detail| &detail.server),
        }));
        return;
    }

    println!("清单编号：{}", list.list_id);
    println!("案号：{}", list.case_number);
    println!("团队类型：{}", list.kind.name_zh());
    println!("状态：{}", list.status.name_zh());
    let date = list.trip.date.map(|d| d.to_string()).unwrap_or_else(|| "未填写".to_string());
    let place = if list.trip.place.is_empty() { "未填写" } else { &list.trip.place };
    println!("外出日期：{date}　地点：{place}");
    println!("参与人员：{}", list.trip.participants.join("、"));

    if let Some(at) = list.declared_return_at {
        println!("返回单位时间：{}（北京时间）", format_local(at));
    }
    if let Some(at) = list.handed_over_at {
        println!("移送时间：{}（北京时间）", format_local(at));
    }

    if let Some(deadline) = server.and_then(|detail| detail.server.handover_deadline.as_ref()) {
        println!("移送期限：{}　{}", deadline.due_text, deadline.state_label);
    }

    let catalogue = juanzong_sync::materials::Catalogue::builtin().ok();
    let items = list.live_items();
    println!("材料（{} 件，共 {} 页）：", items.len(), list.total_pages());
    for (index, item) in items.iter().enumerate() {
        let produced = item
            .produced_on
            .map(|d| format!("，形成日期 {d}"))
            .unwrap_or_default();
        let type_name = catalogue
            .and_then(|catalogue| catalogue.get(&item.material_type))
            .map_or(item.material_type.as_str(), |material| material.name.as_str());
        println!(
            "  {}. {}　{}　{}　{} 页，{}{}，照片 {} 张",
            index + 1,
            item.id,
            item.title,
            type_name,
            item.page_count,
            item.originality.name_zh(),
            produced,
            item.photos.len()
        );
    }

    if violations.is_empty() {
        println!("检查结果：无问题。");
    } else {
        println!("检查结果：");
        for violation in violations {
            println!("  - {}（{}）", violation.message, violation.code.as_str());
        }
    }
    if let Some(updated) = server.and_then(|detail| detail.server.updated_at) {
        println!("服务器最后更新：{}（北京时间）", format_local(updated));
    }
}

pub fn sync_report(report: &SyncReport, json: bool) {
    if json {
        print_json(report);
        return;
    }
    let rounds = &report.rounds;
    println!(
        "同步完成：{} 轮（{} 个请求），{} 个清单已同步，发送 {} 字节，接收 {} 字节。",
        rounds.rounds,
        rounds.requests,
        rounds.synced.len(),
        rounds.bytes_sent,
        rounds.bytes_received
    );
    if !report.new_lists.is_empty() {
        println!("取回了 {} 个新清单。", report.new_lists.len());
    }
    for failure in &rounds.failed {
        println!("清单 {} 同步失败：{}（{}）", failure.list_id, failure.message, failure.code);
    }
    if !rounds.unconverged.is_empty() {
        println!(
            "有 {} 个清单未在限定轮数内完成同步，请再次运行 sync。",
            rounds.unconverged.len()
        );
    }
    for notice in &rounds.notices {
        println!(
            "清单 {} 的修改被服务器撤销：{}（{}）",
            notice.list_id, notice.notice.message, notice.notice.code
        );
    }
    for notice in &report.feed_notices {
        println!("新提醒：{}", describe_notice(notice));
    }
}

pub fn notices(notices: &[StoredNotice], json: bool) {
    if json {
        print_json(&notices);
        return;
    }
    if notices.is_empty() {
        println!("没有提醒。");
        return;
    }
    for notice in notices {
        println!("{}　{}", format_local(notice.created_at), describe_notice(notice));
    }
}

fn describe_notice(notice: &StoredNotice) -> String {
    let kind = match notice.kind.as_str() {
        crate::feed::RULE_NOTICE => "规则提醒",
        crate::feed::REMINDER => "到期提醒",
        crate::center::RECEIPT_REGISTERED => "接收登记",
        crate::center::CENTER_TASK => "中心待办",
        crate::center::DISPUTE_DECIDED => "异议决定",
        other => other,
    };
    let list = notice
        .list_id
        .map(|id| format!("清单 {id}："))
        .unwrap_or_default();
    let message = notice.message.as_deref().unwrap_or("");
    let code = notice
        .code
        .as_deref()
        .map(|code| format!("（{code}）"))
        .unwrap_or_default();
    format!("[{kind}] {list}{message}{code}")
}

pub fn center_results(results: Option<&crate::center::TeamResults>, json: bool) {
    if json {
        print_json(&results);
        return;
    }
    let Some(results) = results else {
        println!("本设备还没有卷宗管理中心的结果。同步后或运行 results --refresh 获取。");
        return;
    };
    if results.lists.is_empty() {
        println!("卷宗管理中心尚未登记本团队移送的材料。");
    }
    for list in &results.lists {
        let counts = &list.counts;
        let timeliness = list.timeliness_label.as_deref().unwrap_or("");
        println!(
            "回执 {}　{}　接收于 {}　{}",
            list.receipt_number,
            list.case_number,
            format_local(list.received_at),
            timeliness
        );
        println!(
            "　已收 {}，缺失 {}，页数不符 {}，不规范 {}，清单外材料 {}",
            counts.received, counts.missing, counts.page_mismatch, counts.rejected, counts.extra
        );
    }
    if results.tasks.is_empty() {
        println!("没有待办。");
        return;
    }
    println!("待办（{} 项）：", results.tasks.len());
    for task in &results.tasks {
        let dispute = task
            .dispute
            .as_ref()
            .map(|dispute| format!("　异议：{}", dispute.decision_label))
            .unwrap_or_default();
        println!("　{}　材料 {}：{}{dispute}", task.case_number, task.item_id, task.message);
    }
}

pub fn dispute(dispute: &crate::center::DisputeView, json: bool) {
    if json {
        print_json(dispute);
        return;
    }
    println!(
        "已提出异议（登记 {}，材料 {}）：{}。{}",
        dispute.entry_number, dispute.item_id, dispute.reason, dispute.decision_label
    );
}
