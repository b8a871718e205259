//! The scenario: one field day of two teams and the case-file center's check of their paper.
//!
//! 1. The enforcement team's two officers log in at the office. The first creates the list for
//!    the seizure (查封) and lists the ruling and the record, and both phones sync.
//! 2. At the site, offline, the first officer photographs the ruling and the record and lists the
//!    posted seal. The second corrects the record's page count and lists two proofs of service.
//! 3. The asset-disposal team lists its site survey (现场勘验), offline.
//! 4. Both teams mark their return and sync; the server merges the phones' edits and computes
//!    the hand-over deadlines from the holiday calendar. The photos are uploaded and processed.
//! 5. The teams hand their paper over and the clerk checks it against the lists. One proof of
//!    service is missing, the ruling has a page more than listed, the seizure notice is not on
//!    the list, and the disposal team is late. The register, the phones and the figures show it.
//! 6. Today the enforcement team makes a second, small trip for the same case and hands its list
//!    over. The demo leaves that list unchecked, waiting for the clerk in the web console.
//!
//! The server's clock stamps when it learns of a return and the phone's clock stamps a hand-over,
//! so a team can only be late against today's clock. The enforcement team therefore returns
//! yesterday and the disposal team on the latest earlier day whose deadline has already passed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Deserialize;
use uuid::Uuid;

use juanzong_mobile_api::center::{
    CaseCatalogue, ExtraPaper, Figures, HandoverCheck, ItemCheck, ItemResult, RegisterEntryView,
    RegisterReceiptRequest, TeamResults, WaitingHandover,
};
use juanzong_mobile_api::client::{Client, ClientOptions, ItemInput, ListInput};
use juanzong_mobile_api::feed::FeedPage;
use juanzong_mobile_api::lists::{HandoverDeadlineView, ListDetail, MaterialList};
use juanzong_mobile_api::photos::PhotoView;
use juanzong_sync::{ItemChanges, Originality, TeamKind};

use crate::api::{encode_component, ApiSession};
use crate::error::DemoError;
use crate::images::{CaseFacts, Document};
use crate::narrate::{self, Narrator};
use crate::organisation::{Account, DemoAccounts, DemoSetting};
use crate::photos::{photos_for, PhotoFile, PhotoSource};

/// Time between two reads of a photo's processing status.
const PHOTO_POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Earliest survey day tried, in days before today, when looking for a passed deadline.
const MAX_DAYS_BACK: i64 = 40;

/// Settings of one run: the server, the accounts, the court and cases, the photos.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Base URL of a running server, such as `http://127.0.0.1:8080`.
    pub server_url: String,
    pub accounts: DemoAccounts,
    pub setting: DemoSetting,
    pub photos: PhotoSource,
    /// Folder for the phones' offline stores and the generated photos; a temporary folder,
    /// removed at the end, when `None`.
    pub work_dir: Option<PathBuf>,
    /// Maximum wait for the server to process every photo.
    pub photo_timeout: Duration,
}

/// Results of one run, for programs. The narration prints the same.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Day of the seizure and of the enforcement team's return (Asia/Shanghai).
    pub field_day: NaiveDate,
    /// Day of the site survey and of the disposal team's return.
    pub survey_day: NaiveDate,
    pub enforcement: ListOutcome,
    pub disposal: ListOutcome,
    pub photos: Vec<PhotoOutcome>,
    /// Hand-overs due today or overdue, as the center saw them before the teams handed over.
    pub open_handovers: Vec<OpenHandover>,
    /// The enforcement team's results and tasks, read with an officer's phone token.
    pub enforcement_results: TeamResults,
    /// The center's messages on the enforcement team's feed, as the phone reads them.
    pub enforcement_feed: Vec<String>,
    /// The enforcement list as each officer's phone stores it at the end.
    pub phone_lists: Vec<MaterialList>,
    pub catalogue: CaseCatalogue,
    pub figures: Figures,
    /// The enforcement team's second list, handed over and left for the web console.
    pub console_handover: ConsoleHandover,
}

/// The list the demo hands over but does not check, so that the clerk can register it in the
/// web console (网页控制台).
#[derive(Debug, Clone)]
pub struct ConsoleHandover {
    pub list_id: Uuid,
    pub case_number: String,
    /// Item ids by title.
    pub items: BTreeMap<String, Uuid>,
    /// The list's row of `GET /api/v1/center/handovers/waiting` at the end of the run.
    pub waiting: WaitingHandover,
    /// The photos of its items as the server processed them.
    pub photos: Vec<PhotoView>,
    /// Address of the web console, such as `http://127.0.0.1:8080/console/`.
    pub console_url: String,
}

/// One team's list from the first sync to the register.
#[derive(Debug, Clone)]
pub struct ListOutcome {
    pub list_id: Uuid,
    pub team_id: String,
    pub case_number: String,
    /// The list as the server merged it, after the hand-over.
    pub merged: ListDetail,
    /// The register entry of the receipt.
    pub entry: RegisterEntryView,
    /// Item ids by title.
    pub items: BTreeMap<String, Uuid>,
}

impl ListOutcome {
    /// Returns the deadline the server computed.
    pub fn deadline(&self) -> Option<&HandoverDeadlineView> {
        self.merged.server.handover_deadline.as_ref()
    }
}

/// One photo and what the server found on it.
#[derive(Debug, Clone)]
pub struct PhotoOutcome {
    pub item_title: String,
    pub list_case_number: String,
    pub origin: String,
    /// Turn applied to a generated photo, in degrees.
    pub applied_rotation: Option<f32>,
    pub view: PhotoView,
}

/// A row of `GET /api/v1/center/handovers/open`.
#[derive(Debug, Clone, Deserialize)]
pub struct OpenHandover {
    pub list_id: String,
    pub team_id: String,
    pub case_number: String,
    pub deadline: HandoverDeadlineView,
}

/// `GET /api/v1/calendar/deadline`.
#[derive(Debug, Deserialize)]
struct DeadlineAnswer {
    due_at: DateTime<FixedOffset>,
    due_text: String,
}

/// A logged-in device client and its user.
struct Phone {
    client: Client,
    account: Account,
}

impl Phone {
    async fn login(
        options: &DemoOptions,
        root: &std::path::Path,
        folder: &str,
        account: &Account,
    ) -> Result<Phone, DemoError> {
        let client = Client::open(root.join(folder), ClientOptions::default())?;
        let device_name = format!("{}的手机", account.display_name);
        client
            .login(
                &options.server_url,
                &account.username,
                &account.password,
                &device_name,
            )
            .await?;
        Ok(Phone {
            client,
            account: account.clone(),
        })
    }

    fn item(
        &self,
        material_type: &str,
        title: &str,
        pages: i64,
        produced_on: NaiveDate,
    ) -> ItemInput {
        ItemInput {
            material_type: material_type.to_string(),
            title: title.to_string(),
            page_count: pages,
            originality: Originality::Original,
            produced_on: Some(produced_on),
            produced_by: self.account.display_name.clone(),
            notes: String::new(),
            uploaded_via_mobile_system: false,
        }
    }

    fn team_id(&self) -> Result<String, DemoError> {
        self.client.session()?.user.team_id.ok_or_else(|| {
            DemoError::Scenario(format!("账号 {} 不属于任何团队", self.account.username))
        })
    }

    /// Makes an API session with this phone's access token, for reads the client library has no
    /// call for.
    fn api(&self, server_url: &str) -> Result<ApiSession, DemoError> {
        Ok(ApiSession::with_token(
            server_url,
            self.client.session()?.access_token,
        ))
    }
}

/// Titles of the papers, so the center's check and the report refer to the same items.
mod titles {
    pub const RULING: &str = "执行裁定书-张某";
    pub const RECORD: &str = "查封笔录-张某";
    pub const SEAL: &str = "封条（张贴照片）-张某";
    pub const RECEIPT_RESPONDENT: &str = "送达回证-张某";
    pub const RECEIPT_REGISTRY: &str = "送达回证-南阳市不动产登记中心";
    pub const SURVEY: &str = "现场勘验笔录-南阳某某机械制造有限公司";
    pub const AUCTION_DESCRIPTION: &str = "拍卖财产文字说明-南阳某某机械制造有限公司";
    pub const EXTRA_NOTICE: &str = "查封公告-张某";
    pub const REVISIT_RECORD: &str = "执行笔录（复查）-张某";
    pub const ASSISTANCE_RECEIPT: &str = "协助执行通知书回执-南阳市不动产登记中心";
}

/// The land registry that registers the seizure.
const REGISTRY: &str = "南阳市不动产登记中心";

/// Page counts: the first officer enters 2 for the record and the second corrects it to 3. The
/// ruling is listed with 2 pages but has 3.
const RECORD_PAGES_ENTERED: i64 = 2;
const RECORD_PAGES_CORRECTED: i64 = 3;
const RULING_PAGES_LISTED: i64 = 2;
const RULING_PAGES_COUNTED: i64 = 3;

/// Runs the scenario against the server and narrates it to `out`.
pub async fn run(
    options: DemoOptions,
    out: &mut (dyn Write + Send),
) -> Result<DemoReport, DemoError> {
    let mut say = Narrator::new(out);
    let temporary = match &options.work_dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().map_err(|source| DemoError::WorkDir {
            path: std::env::temp_dir(),
            source,
        })?),
    };
    let root = match (&options.work_dir, &temporary) {
        (Some(path), _) => path.clone(),
        (None, Some(dir)) => dir.path().to_path_buf(),
        (None, None) => unreachable!("a temporary folder is made when no work folder is given"),
    };
    std::fs::create_dir_all(root.join("photos")).map_err(|source| DemoError::WorkDir {
        path: root.clone(),
        source,
    })?;

    let today = shanghai_day(Utc::now());
    let field_day = today - Days::days(1);
    let center = ApiSession::login(
        &options.server_url,
        &options.accounts.center_intake,
        "卷宗管理中心接收电脑",
    )
    .await?;
    let survey_day = late_survey_day(&center, field_day).await?;

    say.step("准备：法院、团队、账号和案件");
    let setting = &options.setting;
    say.line(format!("服务器：{}", options.server_url));
    say.line(format!(
        "法院：{}（{}）",
        setting.court_name, setting.court_code
    ));
    say.line(format!(
        "执行实施团队 {}、{} 在 {field_day} 查封 {}",
        options.accounts.officer_a.display_name,
        options.accounts.officer_b.display_name,
        setting.seizure_case
    ));
    say.line(format!(
        "财产处置团队 {} 在 {survey_day} 对 {} 现场勘验",
        options.accounts.disposal_officer.display_name, setting.survey_case
    ));
    say.line(format!(
        "卷宗管理中心：接收岗 {}，数据管理岗 {}",
        options.accounts.center_intake.display_name, options.accounts.data_manager.display_name
    ));
    say.line(format!("手机的离线数据目录：{}", root.display()));

    let seizure_facts = seizure_facts(setting, &options.accounts, field_day);
    let survey_facts = survey_facts(setting, &options.accounts, survey_day);
    let documents = [
        ("ruling", Document::seizure_ruling(&seizure_facts)),
        ("record", Document::seizure_record(&seizure_facts)),
        ("seal", Document::seal(&seizure_facts)),
        (
            "receipt-respondent",
            Document::service_receipt(&seizure_facts, "张某", &seizure_facts.place),
        ),
        (
            "receipt-registry",
            Document::service_receipt(&seizure_facts, REGISTRY, "南阳市宛城区仲景路1号"),
        ),
        ("survey", Document::site_survey_record(&survey_facts)),
        ("revisit", Document::revisit_record(&seizure_facts, today)),
        (
            "assistance-receipt",
            Document::assistance_receipt(&seizure_facts, REGISTRY, today),
        ),
    ];
    let photo_files = photos_for(&options.photos, &documents, &root.join("photos"))?;
    let photo = |name: &str| -> &PhotoFile {
        let index = documents
            .iter()
            .position(|(key, _)| *key == name)
            .expect("every photo name is in the table");
        &photo_files[index]
    };
    say.line(match &options.photos {
        PhotoSource::Generate => format!(
            "文书照片：生成 {} 张（中文字体印刷，模拟手机拍摄：轻微倾斜、光照不均、噪点）",
            photo_files.len()
        ),
        PhotoSource::Folder(folder) => format!(
            "文书照片：取自 {}，共 {} 张",
            folder.display(),
            photo_files.len()
        ),
    });

    // Step: at the office, before leaving.
    say.step("出发前（有网络）：两位执行干警登录，张警官新建材料清单");
    let zhang = Phone::login(&options, &root, "phone-zhang", &options.accounts.officer_a).await?;
    let li = Phone::login(&options, &root, "phone-li", &options.accounts.officer_b).await?;
    let wang = Phone::login(
        &options,
        &root,
        "phone-wang",
        &options.accounts.disposal_officer,
    )
    .await?;
    let list_id = zhang.client.create_list(ListInput {
        case_number: setting.seizure_case.clone(),
        kind: TeamKind::Enforcement,
        trip_date: Some(field_day),
        trip_place: seizure_facts.place.clone(),
        participants: vec![
            zhang.account.display_name.clone(),
            li.account.display_name.clone(),
        ],
    })?;
    let ruling = zhang.client.add_item(
        list_id,
        zhang.item(
            "seizure_ruling",
            titles::RULING,
            RULING_PAGES_LISTED,
            seizure_facts.ruling_day,
        ),
    )?;
    let record = zhang.client.add_item(
        list_id,
        zhang.item(
            "seizure_record",
            titles::RECORD,
            RECORD_PAGES_ENTERED,
            field_day,
        ),
    )?;
    zhang.client.sync().await?;
    let fetched = li.client.sync().await?;
    say.line(format!("张警官新建清单 {list_id}，列入“{}”{RULING_PAGES_LISTED} 页、“{}”{RECORD_PAGES_ENTERED} 页，并同步", titles::RULING, titles::RECORD));
    say.line(format!(
        "李警官的手机同步后取回 {} 份新清单",
        fetched.new_lists.len()
    ));

    // Step: offline at the site.
    say.step(&format!(
        "{field_day} 查封现场（离线）：两部手机分别编辑同一份清单"
    ));
    zhang
        .client
        .attach_photo(list_id, ruling, &photo("ruling").path)?;
    zhang
        .client
        .attach_photo(list_id, record, &photo("record").path)?;
    let seal = zhang.client.add_item(
        list_id,
        zhang.item("seal_photo", titles::SEAL, 1, field_day),
    )?;
    zhang
        .client
        .attach_photo(list_id, seal, &photo("seal").path)?;
    say.line("张警官：拍摄裁定书和查封笔录，列入张贴的封条并拍照");

    li.client.edit_item(
        list_id,
        record,
        ItemChanges {
            page_count: Some(RECORD_PAGES_CORRECTED),
            ..ItemChanges::default()
        },
    )?;
    let receipt_respondent = li.client.add_item(
        list_id,
        li.item("service_receipt", titles::RECEIPT_RESPONDENT, 1, field_day),
    )?;
    li.client.attach_photo(
        list_id,
        receipt_respondent,
        &photo("receipt-respondent").path,
    )?;
    let receipt_registry = li.client.add_item(
        list_id,
        li.item("service_receipt", titles::RECEIPT_REGISTRY, 1, field_day),
    )?;
    li.client
        .attach_photo(list_id, receipt_registry, &photo("receipt-registry").path)?;
    say.line(format!("李警官：把“{}”的页数由 {RECORD_PAGES_ENTERED} 改为 {RECORD_PAGES_CORRECTED}，列入两份送达回证并拍照", titles::RECORD));
    for (who, phone) in [("张警官的手机", &zhang), ("李警官的手机", &li)] {
        say.line(format!("{who}上的清单："));
        for line in narrate::list_lines(&phone.client.list(list_id)?) {
            say.line(format!("  {line}"));
        }
    }

    // Step: the disposal team's survey.
    say.step(&format!("{survey_day} 财产处置团队现场勘验（离线）"));
    let survey_list = wang.client.create_list(ListInput {
        case_number: setting.survey_case.clone(),
        kind: TeamKind::AssetDisposal,
        trip_date: Some(survey_day),
        trip_place: survey_facts.place.clone(),
        participants: vec![wang.account.display_name.clone()],
    })?;
    let survey = wang.client.add_item(
        survey_list,
        wang.item("property_inspection_record", titles::SURVEY, 2, survey_day),
    )?;
    wang.client
        .attach_photo(survey_list, survey, &photo("survey").path)?;
    let mut description = wang.item(
        "auction_property_description",
        titles::AUCTION_DESCRIPTION,
        3,
        survey_day,
    );
    description.uploaded_via_mobile_system = true;
    let site = wang.client.add_item(survey_list, description)?;
    wang.client
        .mark_returned(survey_list, at_beijing(survey_day, 17, 0))?;
    say.line(format!(
        "王处置列入“{}”2 页并拍照，“{}”3 页（已通过移动办案系统上传）",
        titles::SURVEY,
        titles::AUCTION_DESCRIPTION
    ));
    say.line(format!(
        "王处置在手机上登记 {survey_day} 17:00 返回单位，但直到今天才同步"
    ));

    // Step: return and sync.
    say.step(&format!(
        "{field_day} 17:30 执行实施团队返回单位，两部手机先后同步"
    ));
    zhang
        .client
        .mark_returned(list_id, at_beijing(field_day, 17, 30))?;
    let li_report = li.client.sync().await?;
    let zhang_report = zhang.client.sync().await?;
    li.client.sync().await?;
    wang.client.sync().await?;
    say.line(format!(
        "李警官同步 {} 轮，张警官同步 {} 轮；服务器合并两部手机的修改",
        li_report.rounds.rounds, zhang_report.rounds.rounds
    ));
    let merged: ListDetail = center.get(&format!("/api/v1/lists/{list_id}")).await?;
    say.line("服务器合并后的清单：");
    for line in narrate::list_lines(&merged.list) {
        say.line(format!("  {line}"));
    }
    let agree = [&zhang, &li].iter().all(|phone| {
        phone
            .client
            .list(list_id)
            .map(|list| same_items(&list, &merged.list))
            .unwrap_or(false)
    });
    say.line(if agree {
        "两部手机上的清单与服务器一致"
    } else {
        "注意：手机上的清单与服务器不一致"
    });

    // Step: photos.
    let survey_detail: ListDetail = center.get(&format!("/api/v1/lists/{survey_list}")).await?;
    let photos = process_photos(
        &mut say,
        &center,
        [&zhang, &li, &wang],
        [&merged, &survey_detail],
        &photo_files,
        options.photo_timeout,
    )
    .await?;

    // Step: deadlines.
    let open_handovers = narrate_deadlines(
        &mut say,
        &center,
        [&merged, &survey_detail],
        [list_id, survey_list],
    )
    .await?;

    // Step: hand-over.
    say.step("两个团队在手机上移送清单，把纸质材料交到卷宗管理中心");
    zhang.client.hand_over(list_id)?;
    zhang.client.sync().await?;
    wang.client.hand_over(survey_list)?;
    wang.client.sync().await?;
    let waiting: Vec<WaitingHandover> = center.get("/api/v1/center/handovers/waiting").await?;
    for handover in waiting
        .iter()
        .filter(|h| h.list_id == list_id || h.list_id == survey_list)
    {
        let deadline = handover
            .deadline
            .as_ref()
            .map(|d| d.state_label.clone())
            .unwrap_or_default();
        say.line(format!(
            "待接收：{} {}，{} 项材料，{deadline}",
            handover.case_number,
            handover.status_label,
            handover.items.len()
        ));
    }

    // Step: the clerk checks the paper.
    say.step("卷宗管理中心接收岗核对纸质材料并登记");
    let check = enforcement_check(ruling, record, seal, receipt_respondent, receipt_registry);
    let entry: RegisterEntryView = center
        .post(
            "/api/v1/center/receipts",
            &RegisterReceiptRequest {
                registration_id: Uuid::new_v4(),
                list_id,
                handed_over_by: zhang.account.display_name.clone(),
                check,
            },
        )
        .await?;
    let survey_check = HandoverCheck {
        items: vec![
            ItemCheck {
                item_id: survey,
                result: ItemResult::Received,
            },
            ItemCheck {
                item_id: site,
                result: ItemResult::Received,
            },
        ],
        extras: Vec::new(),
    };
    let survey_entry: RegisterEntryView = center
        .post(
            "/api/v1/center/receipts",
            &RegisterReceiptRequest {
                registration_id: Uuid::new_v4(),
                list_id: survey_list,
                handed_over_by: wang.account.display_name.clone(),
                check: survey_check,
            },
        )
        .await?;
    let mut items = BTreeMap::new();
    for (title, id) in [
        (titles::RULING, ruling),
        (titles::RECORD, record),
        (titles::SEAL, seal),
        (titles::RECEIPT_RESPONDENT, receipt_respondent),
        (titles::RECEIPT_REGISTRY, receipt_registry),
        (titles::SURVEY, survey),
        (titles::AUCTION_DESCRIPTION, site),
    ] {
        items.insert(title.to_string(), id);
    }
    let title_of = |id: Uuid| {
        items
            .iter()
            .find(|(_, item)| **item == id)
            .map(|(title, _)| title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    for registered in [&entry, &survey_entry] {
        for line in narrate::entry_lines(registered, &title_of) {
            say.line(line);
        }
    }

    // Step: what the phones see.
    let (phone_lists, enforcement_feed, enforcement_results) =
        phones_view(&mut say, [&zhang, &li], &options.server_url, list_id).await?;

    // Step: catalogue and figures.
    let enforcement_team = zhang.team_id()?;
    let disposal_team = wang.team_id()?;
    let (catalogue, figures) = catalogue_and_figures(
        &mut say,
        &options,
        &center,
        [enforcement_team.clone(), disposal_team.clone()],
        (survey_day, today),
    )
    .await?;

    // Step: the second trip, left for the web console.
    let console_handover = second_trip(
        &mut say,
        &options,
        &center,
        [&zhang, &li],
        today,
        [photo("revisit"), photo("assistance-receipt")],
    )
    .await?;

    let merged_after: ListDetail = center.get(&format!("/api/v1/lists/{list_id}")).await?;
    let survey_after: ListDetail = center.get(&format!("/api/v1/lists/{survey_list}")).await?;
    say.step("演示完成");
    say.line(format!(
        "登记簿新增 {} 和 {}。",
        entry.number, survey_entry.number
    ));
    say.line(format!(
        "执行实施团队今天移送的第二份清单（案号 {}）仍在等待接收：请在网页控制台 {} 用接收岗账号 {} 登录，核对并登记，密码见下方的演示账号列表。",
        console_handover.case_number,
        console_handover.console_url,
        options.accounts.center_intake.username
    ));

    let survey_items: BTreeMap<String, Uuid> = items
        .iter()
        .filter(|(_, id)| [survey, site].contains(id))
        .map(|(title, id)| (title.clone(), *id))
        .collect();
    let enforcement_items: BTreeMap<String, Uuid> = items
        .iter()
        .filter(|(_, id)| ![survey, site].contains(id))
        .map(|(title, id)| (title.clone(), *id))
        .collect();
    Ok(DemoReport {
        field_day,
        survey_day,
        enforcement: ListOutcome {
            list_id,
            team_id: enforcement_team,
            case_number: setting.seizure_case.clone(),
            merged: merged_after,
            entry,
            items: enforcement_items,
        },
        disposal: ListOutcome {
            list_id: survey_list,
            team_id: disposal_team,
            case_number: setting.survey_case.clone(),
            merged: survey_after,
            entry: survey_entry,
            items: survey_items,
        },
        photos,
        open_handovers,
        enforcement_results,
        enforcement_feed,
        phone_lists,
        catalogue,
        figures,
        console_handover,
    })
}

/// Plays the enforcement team's second trip of today for the same case: a revisit of the sealed
/// property and the land registry's receipt. The list is returned and handed over (已移送) but
/// not checked, and the narration prints where the clerk finds it in the web console.
async fn second_trip(
    say: &mut Narrator<'_>,
    options: &DemoOptions,
    center: &ApiSession,
    [zhang, li]: [&Phone; 2],
    today: NaiveDate,
    [revisit_photo, receipt_photo]: [&PhotoFile; 2],
) -> Result<ConsoleHandover, DemoError> {
    say.step(&format!(
        "{today} 执行实施团队第二次外出：复查查封现场，取回{REGISTRY}的协助执行通知书回执"
    ));
    let case_number = options.setting.seizure_case.clone();
    let list_id = zhang.client.create_list(ListInput {
        case_number: case_number.clone(),
        kind: TeamKind::Enforcement,
        trip_date: Some(today),
        trip_place: format!("南阳市宛城区建设路18号、{REGISTRY}"),
        participants: vec![
            zhang.account.display_name.clone(),
            li.account.display_name.clone(),
        ],
    })?;
    let record = zhang.client.add_item(
        list_id,
        zhang.item("enforcement_record", titles::REVISIT_RECORD, 1, today),
    )?;
    zhang
        .client
        .attach_photo(list_id, record, &revisit_photo.path)?;
    let receipt = zhang.client.add_item(
        list_id,
        zhang.item("assistance_notice", titles::ASSISTANCE_RECEIPT, 1, today),
    )?;
    zhang
        .client
        .attach_photo(list_id, receipt, &receipt_photo.path)?;
    let returned_at = Utc::now();
    zhang.client.mark_returned(list_id, returned_at)?;
    zhang.client.sync().await?;
    say.line(format!(
        "张警官新建清单 {list_id}（案号 {case_number}），列入“{}”1 页和“{}”1 页并拍照，{} 返回单位后同步",
        titles::REVISIT_RECORD,
        titles::ASSISTANCE_RECEIPT,
        narrate::beijing(returned_at)
    ));

    let uploaded = zhang.client.upload_photos().await?;
    if let Some(failure) = uploaded.failed.first() {
        return Err(DemoError::Scenario(format!(
            "照片 {} 上传失败：{}（{}）",
            failure.sha256, failure.message, failure.code
        )));
    }
    zhang.client.hand_over(list_id)?;
    zhang.client.sync().await?;
    say.line("张警官上传照片并在手机上移送清单（已移送），纸质材料交到卷宗管理中心");

    let mut hashes = Vec::new();
    for (title, file) in [
        (titles::REVISIT_RECORD, revisit_photo),
        (titles::ASSISTANCE_RECEIPT, receipt_photo),
    ] {
        let sha256 = file_sha256(&file.path).ok_or_else(|| {
            DemoError::Scenario(format!("无法读取照片 {}", file.path.display()))
        })?;
        hashes.push((title, file, sha256));
    }
    let photos = wait_for_photos(
        center,
        &hashes
            .iter()
            .map(|(_, _, sha256)| sha256.clone())
            .collect::<Vec<_>>(),
        options.photo_timeout,
    )
    .await?;
    for ((title, file, _), view) in hashes.iter().zip(&photos) {
        for line in narrate::photo_lines(title, &file.origin, view) {
            say.line(line);
        }
    }

    let waiting: Vec<WaitingHandover> = center.get("/api/v1/center/handovers/waiting").await?;
    let row = waiting
        .into_iter()
        .find(|handover| handover.list_id == list_id)
        .ok_or_else(|| {
            DemoError::Scenario(format!("移送后的清单 {list_id} 不在卷宗管理中心的待接收列表中"))
        })?;
    say.line(format!(
        "卷宗管理中心待接收：{} {}，{} 项材料：",
        row.case_number,
        row.status_label,
        row.items.len()
    ));
    for item in &row.items {
        say.line(format!(
            "  · {}（{}）{} 页，照片 {} 张",
            item.title,
            item.material_type_name,
            item.page_count,
            item.photos.len()
        ));
    }
    let console_url = format!("{}/console/", options.server_url.trim_end_matches('/'));
    say.line("这份清单演示不核对、不登记，留给卷宗管理中心在网页控制台处理：");
    say.line(format!("  浏览器打开 {console_url}"));
    say.line(format!(
        "  用接收岗账号 {}（{}）登录，密码见本次输出末尾的演示账号列表",
        options.accounts.center_intake.username, options.accounts.center_intake.display_name
    ));

    let items = BTreeMap::from([
        (titles::REVISIT_RECORD.to_string(), record),
        (titles::ASSISTANCE_RECEIPT.to_string(), receipt),
    ]);
    Ok(ConsoleHandover {
        list_id,
        case_number,
        items,
        waiting: row,
        photos,
        console_url,
    })
}

/// Finds the latest day before `before` whose hand-over deadline, for a return at 17:00, has
/// already passed, asking the server's calendar.
async fn late_survey_day(api: &ApiSession, before: NaiveDate) -> Result<NaiveDate, DemoError> {
    let now = Utc::now();
    for back in 1..=MAX_DAYS_BACK {
        let day = before - Days::days(back);
        let from = encode_component(&format!("{day} 17:00"));
        let answer: DeadlineAnswer = api
            .get(&format!(
                "/api/v1/calendar/deadline?rule=field_handover&from={from}"
            ))
            .await?;
        if answer.due_at.with_timezone(&Utc) < now {
            tracing::debug!(%day, due = %answer.due_text, "survey day with a passed deadline");
            return Ok(day);
        }
    }
    Err(DemoError::Scenario(format!(
        "在 {before} 之前 {MAX_DAYS_BACK} 天内找不到移送期限已过的日期，请检查节假日日历"
    )))
}

/// Polls each photo until it is processed or failed.
async fn wait_for_photos(
    api: &ApiSession,
    hashes: &[String],
    timeout: Duration,
) -> Result<Vec<PhotoView>, DemoError> {
    let started = Instant::now();
    let mut views: Vec<Option<PhotoView>> = vec![None; hashes.len()];
    loop {
        for (index, sha256) in hashes.iter().enumerate() {
            if views[index].is_some() {
                continue;
            }
            let view: PhotoView = api.get(&format!("/api/v1/photos/{sha256}")).await?;
            if view.status == "done" || view.status == "failed" {
                views[index] = Some(view);
            }
        }
        if views.iter().all(Option::is_some) {
            return Ok(views.into_iter().flatten().collect());
        }
        if started.elapsed() > timeout {
            let pending: Vec<&str> = hashes
                .iter()
                .zip(&views)
                .filter(|(_, view)| view.is_none())
                .map(|(hash, _)| hash.as_str())
                .collect();
            return Err(DemoError::PhotoTimeout {
                seconds: timeout.as_secs(),
                pending: pending.join("、"),
            });
        }
        tokio::time::sleep(PHOTO_POLL_INTERVAL).await;
    }
}

fn file_sha256(path: &std::path::Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    std::fs::read(path)
        .ok()
        .map(|bytes| hex::encode(Sha256::digest(bytes)))
}

/// Tells whether two lists have the same live items with the same pages and photos.
fn same_items(a: &MaterialList, b: &MaterialList) -> bool {
    let key = |list: &MaterialList| -> Vec<(Uuid, String, i64, Vec<String>)> {
        list.live_items()
            .iter()
            .map(|item| {
                (
                    item.id,
                    item.title.clone(),
                    item.page_count,
                    item.photos.clone(),
                )
            })
            .collect()
    };
    key(a) == key(b)
}

/// Returns today's date in Asia/Shanghai.
fn shanghai_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&beijing_offset()).date_naive()
}

fn beijing_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Returns the instant of a Beijing wall-clock time.
fn at_beijing(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time of day");
    beijing_offset()
        .from_local_datetime(&day.and_time(time))
        .single()
        .expect("UTC+8 has no gaps")
        .with_timezone(&Utc)
}

fn seizure_facts(
    setting: &DemoSetting,
    accounts: &DemoAccounts,
    field_day: NaiveDate,
) -> CaseFacts {
    CaseFacts {
        case_number: setting.seizure_case.clone(),
        court_name: setting.court_name.clone(),
        applicant: "李某".to_string(),
        respondent: "张某".to_string(),
        cause: "买卖合同纠纷".to_string(),
        basis: format!(
            "（{}）{}民初456号民事判决书",
            field_day.format("%Y"),
            setting.court_code
        ),
        place: "南阳市宛城区建设路18号".to_string(),
        property: "住宅一套（建筑面积约128平方米）".to_string(),
        field_day,
        ruling_day: field_day - Days::days(1),
        officers: vec![
            accounts.officer_a.display_name.clone(),
            accounts.officer_b.display_name.clone(),
        ],
    }
}

fn survey_facts(
    setting: &DemoSetting,
    accounts: &DemoAccounts,
    survey_day: NaiveDate,
) -> CaseFacts {
    CaseFacts {
        case_number: setting.survey_case.clone(),
        court_name: setting.court_name.clone(),
        applicant: "某某银行南阳分行".to_string(),
        respondent: "南阳某某机械制造有限公司".to_string(),
        cause: "金融借款合同纠纷".to_string(),
        basis: format!(
            "（{}）{}民初78号民事判决书",
            survey_day.format("%Y"),
            setting.court_code
        ),
        place: "南阳市卧龙区工业园3号厂房".to_string(),
        property: "厂房一栋（建筑面积约2400平方米）".to_string(),
        field_day: survey_day,
        ruling_day: survey_day - Days::days(1),
        officers: vec![accounts.disposal_officer.display_name.clone()],
    }
}

/// Uploads every phone's photos, waits until the server has processed them and narrates what it
/// found on each.
async fn process_photos(
    say: &mut Narrator<'_>,
    center: &ApiSession,
    phones: [&Phone; 3],
    details: [&ListDetail; 2],
    photo_files: &[PhotoFile],
    timeout: Duration,
) -> Result<Vec<PhotoOutcome>, DemoError> {
    say.step("上传照片，服务器处理（方向、倾斜、黑边、分辨率检查和中文 OCR）");
    for phone in phones {
        let uploaded = phone.client.upload_photos().await?;
        say.line(format!(
            "{}：服务器需要 {} 张，本机上传 {} 张，其他手机持有 {} 张，失败 {} 张",
            phone.account.display_name,
            uploaded.requested,
            uploaded.uploaded.len(),
            uploaded.not_on_device.len(),
            uploaded.failed.len()
        ));
        if let Some(failure) = uploaded.failed.first() {
            return Err(DemoError::Scenario(format!(
                "照片 {} 上传失败：{}（{}）",
                failure.sha256, failure.message, failure.code
            )));
        }
    }
    let mut photo_rows = Vec::new();
    let hashed: Vec<(Option<String>, &PhotoFile)> = photo_files
        .iter()
        .map(|file| (file_sha256(&file.path), file))
        .collect();
    for detail in details {
        for item in detail.list.live_items() {
            for sha256 in &item.photos {
                let origin = hashed
                    .iter()
                    .find(|(hash, _)| hash.as_deref() == Some(sha256.as_str()))
                    .map(|(_, file)| (*file).clone());
                photo_rows.push((
                    item.title.clone(),
                    detail.list.case_number.clone(),
                    sha256.clone(),
                    origin,
                ));
            }
        }
    }
    let views = wait_for_photos(
        center,
        &photo_rows
            .iter()
            .map(|row| row.2.clone())
            .collect::<Vec<_>>(),
        timeout,
    )
    .await?;
    let mut photos = Vec::new();
    for ((title, case_number, sha256, origin), view) in photo_rows.into_iter().zip(views) {
        let origin_text = origin
            .as_ref()
            .map(|file| file.origin.clone())
            .unwrap_or_else(|| sha256.clone());
        for line in narrate::photo_lines(&title, &origin_text, &view) {
            say.line(line);
        }
        photos.push(PhotoOutcome {
            item_title: title,
            list_case_number: case_number,
            origin: origin_text,
            applied_rotation: origin.and_then(|file| file.rotation_degrees),
            view,
        });
    }
    Ok(photos)
}

/// Narrates both lists' deadlines and returns the center's due and overdue hand-overs among them.
async fn narrate_deadlines(
    say: &mut Narrator<'_>,
    center: &ApiSession,
    details: [&ListDetail; 2],
    list_ids: [Uuid; 2],
) -> Result<Vec<OpenHandover>, DemoError> {
    say.step("移送期限（按节假日日历计算：返回当天不计，2 个工作日内移送）");
    let open: Vec<OpenHandover> = center.get("/api/v1/center/handovers/open").await?;
    for (name, detail) in [("执行实施团队", details[0]), ("财产处置团队", details[1])] {
        match &detail.server.handover_deadline {
            Some(deadline) => say.line(format!(
                "{name} {}：{}",
                detail.list.case_number,
                narrate::deadline_line(deadline)
            )),
            None => say.line(format!(
                "{name} {}：服务器未能计算期限 {:?}",
                detail.list.case_number, detail.server.handover_deadline_error
            )),
        }
    }
    let ours: Vec<OpenHandover> = open
        .into_iter()
        .filter(|row| list_ids.iter().any(|id| row.list_id == id.to_string()))
        .collect();
    say.line(format!(
        "卷宗管理中心的“今日到期和已逾期”列表中有本次演示的 {} 份清单：",
        ours.len()
    ));
    for row in &ours {
        say.line(format!(
            "  {} {}",
            row.case_number, row.deadline.state_label
        ));
    }
    Ok(ours)
}

/// Syncs the enforcement officers' phones and reads what they show of the receipt: the list,
/// the center's messages on the feed and the team's tasks.
async fn phones_view(
    say: &mut Narrator<'_>,
    phones: [&Phone; 2],
    server_url: &str,
    list_id: Uuid,
) -> Result<(Vec<MaterialList>, Vec<String>, TeamResults), DemoError> {
    say.step("手机端：同步后看到的接收结果和待办");
    for phone in phones {
        phone.client.sync().await?;
    }
    let mut phone_lists = Vec::new();
    for phone in phones {
        let list = phone.client.list(list_id)?;
        say.line(format!(
            "{}的手机：清单状态 {}",
            phone.account.display_name,
            list.status.name_zh()
        ));
        phone_lists.push(list);
    }
    let phone_api = phones[0].api(server_url)?;
    let feed: FeedPage = phone_api.get("/api/v1/feed?after=0").await?;
    let enforcement_feed: Vec<String> = feed
        .events
        .iter()
        .filter(|event| {
            event.list_id == Some(list_id)
                && (event.kind == "receipt_registered" || event.kind == "center_task")
        })
        .filter_map(|event| event.message.clone())
        .collect();
    for message in &enforcement_feed {
        say.line(format!("动态：{message}"));
    }
    let enforcement_results: TeamResults = phone_api.get("/api/v1/center/results").await?;
    for task in enforcement_results
        .tasks
        .iter()
        .filter(|task| task.list_id == list_id)
    {
        say.line(format!("待办：{}", task.message));
    }
    Ok((phone_lists, enforcement_feed, enforcement_results))
}

/// Returns the clerk's check of the enforcement list: the ruling has a page more than listed,
/// the registry's proof of service is missing, the seizure notice is not on the list.
fn enforcement_check(
    ruling: Uuid,
    record: Uuid,
    seal: Uuid,
    receipt_respondent: Uuid,
    receipt_registry: Uuid,
) -> HandoverCheck {
    HandoverCheck {
        items: vec![
            ItemCheck {
                item_id: ruling,
                result: ItemResult::PageMismatch {
                    counted_pages: RULING_PAGES_COUNTED,
                },
            },
            ItemCheck {
                item_id: record,
                result: ItemResult::Received,
            },
            ItemCheck {
                item_id: seal,
                result: ItemResult::Received,
            },
            ItemCheck {
                item_id: receipt_respondent,
                result: ItemResult::Received,
            },
            ItemCheck {
                item_id: receipt_registry,
                result: ItemResult::Missing,
            },
        ],
        extras: vec![ExtraPaper {
            id: Uuid::new_v4(),
            title: titles::EXTRA_NOTICE.to_string(),
            material_type: Some("seizure_public_notice".to_string()),
            page_count: 1,
        }],
    }
}

/// Reads the seizure case's catalogue as the clerk and the period's figures as the data manager,
/// and narrates both.
async fn catalogue_and_figures(
    say: &mut Narrator<'_>,
    options: &DemoOptions,
    center: &ApiSession,
    team_ids: [String; 2],
    (from, to): (NaiveDate, NaiveDate),
) -> Result<(CaseCatalogue, Figures), DemoError> {
    say.step("案卷目录和数据管理岗的统计");
    let catalogue: CaseCatalogue = center
        .get(&format!(
            "/api/v1/center/cases/{}/catalogue",
            encode_component(&options.setting.seizure_case)
        ))
        .await?;
    for line in narrate::catalogue_lines(&catalogue) {
        say.line(line);
    }
    let manager = ApiSession::login(
        &options.server_url,
        &options.accounts.data_manager,
        "数据管理岗电脑",
    )
    .await?;
    let figures: Figures = manager
        .get(&format!("/api/v1/center/figures?from={from}&to={to}"))
        .await?;
    say.line(format!(
        "统计期间 {} 至 {}（含此前在本服务器上运行演示的数据）：",
        figures.period.from, figures.period.to
    ));
    for (name, team_id) in [
        ("执行实施团队", &team_ids[0]),
        ("财产处置团队", &team_ids[1]),
    ] {
        if let Some(team) = figures.teams.iter().find(|team| &team.team_id == team_id) {
            say.line(narrate::figures_line(name, team));
        }
    }
    for day in figures.days.iter().filter(|day| day.items_received > 0) {
        say.line(format!(
            "{}：接收材料 {} 项，未处理 {} 项",
            day.day, day.items_received, day.items_unprocessed
        ));
    }
    Ok((catalogue, figures))
}
