//! The demo's organisation: the teams, accounts and cases the scenario needs.
//!
//! Courts, teams, users and cases are created by the `juanzong` command on the server's database,
//! not over HTTP (the API has no route that creates them). This module only describes them, so
//! that the `juanzong demo` command and the end-to-end test prepare the same organisation.

use std::fmt;

/// The court the demo uses when the database has none yet.
pub const DEFAULT_COURT_CODE: &str = "豫13";
pub const DEFAULT_COURT_NAME: &str = "河南省南阳市中级人民法院";

/// Team names; the `演示` prefix keeps them apart from a court's real teams.
pub const ENFORCEMENT_TEAM: &str = "演示执行一团队";
pub const DISPOSAL_TEAM: &str = "演示财产处置团队";
pub const CENTER_TEAM: &str = "演示卷宗管理中心";

/// Serial numbers of the two cases on the first run: a first enforcement case (执) and a
/// resumed one (执恢). Each later run on the same database adds its run number to both.
pub const SEIZURE_CASE_SERIAL: u32 = 123;
pub const SURVEY_CASE_SERIAL: u32 = 45;

/// A team to create: name and kind code (`enforcement`, `disposal`, `center`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTeam {
    pub name: &'static str,
    pub kind: &'static str,
}

/// An account to create, with its role code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub team: &'static str,
    pub role: &'static str,
}

/// Every team of the demo.
pub const TEAMS: [PlannedTeam; 3] = [
    PlannedTeam {
        name: ENFORCEMENT_TEAM,
        kind: "enforcement",
    },
    PlannedTeam {
        name: DISPOSAL_TEAM,
        kind: "disposal",
    },
    PlannedTeam {
        name: CENTER_TEAM,
        kind: "center",
    },
];

/// Every account of the demo, in the order of [`DemoAccounts`]'s fields.
pub const USERS: [PlannedUser; 5] = [
    PlannedUser {
        username: "demo_zhang",
        display_name: "张警官",
        team: ENFORCEMENT_TEAM,
        role: "field_officer",
    },
    PlannedUser {
        username: "demo_li",
        display_name: "李警官",
        team: ENFORCEMENT_TEAM,
        role: "field_officer",
    },
    PlannedUser {
        username: "demo_wang",
        display_name: "王处置",
        team: DISPOSAL_TEAM,
        role: "disposal_officer",
    },
    PlannedUser {
        username: "demo_zhao",
        display_name: "赵接收",
        team: CENTER_TEAM,
        role: "center_intake",
    },
    PlannedUser {
        username: "demo_qian",
        display_name: "钱数据",
        team: CENTER_TEAM,
        role: "data_manager",
    },
];

/// Returns the two case numbers of run `run` (0 for the first) in normal form, such as
/// （2026）豫13执123号 and （2026）豫13执恢45号 for run 0 and （2026）豫13执124号 and
/// （2026）豫13执恢46号 for run 1.
///
/// Each run works on new cases. A rerun on the same cases would add a second set of lists to
/// them, so their catalogue would show every paper twice, flagged as duplicates. A user who runs
/// the demo again expects another clean day instead.
pub fn case_numbers(year: i32, court_code: &str, run: u32) -> (String, String) {
    let seizure_serial = SEIZURE_CASE_SERIAL + run;
    let survey_serial = SURVEY_CASE_SERIAL + run;
    (
        format!("（{year}）{court_code}执{seizure_serial}号"),
        format!("（{year}）{court_code}执恢{survey_serial}号"),
    )
}

/// Returns the case import file (UTF-8 CSV, the columns `juanzong case import` reads) for the
/// two cases of run `run`.
pub fn cases_csv(year: i32, court_code: &str, run: u32) -> String {
    let (seizure, survey) = case_numbers(year, court_code, run);
    format!(
        "案号,承办法官,执行团队,当事人\n\
         {seizure},王法官,{ENFORCEMENT_TEAM},李某 诉 张某\n\
         {survey},陈法官,{DISPOSAL_TEAM},某某银行南阳分行 诉 南阳某某机械制造有限公司\n"
    )
}

/// A login of the demo. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub password: String,
    pub display_name: String,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// The accounts the scenario logs in with.
#[derive(Debug, Clone)]
pub struct DemoAccounts {
    /// First officer of the enforcement team (执行干警), who creates the list and hands it over.
    pub officer_a: Account,
    /// Second officer of the enforcement team, on another phone.
    pub officer_b: Account,
    /// Officer of the asset-disposal team (财产处置人员).
    pub disposal_officer: Account,
    /// Intake clerk of the case-file center (卷宗管理中心接收岗).
    pub center_intake: Account,
    /// Data manager of the case-file center (数据管理岗).
    pub data_manager: Account,
}

impl DemoAccounts {
    /// Pairs [`USERS`] with their passwords, given in the same order.
    pub fn from_passwords(passwords: [String; 5]) -> DemoAccounts {
        let [a, b, c, d, e] = passwords;
        let account = |user: &PlannedUser, password: String| Account {
            username: user.username.to_string(),
            password,
            display_name: user.display_name.to_string(),
        };
        DemoAccounts {
            officer_a: account(&USERS[0], a),
            officer_b: account(&USERS[1], b),
            disposal_officer: account(&USERS[2], c),
            center_intake: account(&USERS[3], d),
            data_manager: account(&USERS[4], e),
        }
    }
}

/// The court and cases the scenario works on.
#[derive(Debug, Clone)]
pub struct DemoSetting {
    pub court_code: String,
    pub court_name: String,
    /// Case of the enforcement team's seizure (查封), normal form.
    pub seizure_case: String,
    /// Case of the asset-disposal team's site survey (现场勘验), normal form.
    pub survey_case: String,
}

impl DemoSetting {
    /// Builds the setting of run `run` for a court and a filing year.
    pub fn new(court_code: &str, court_name: &str, year: i32, run: u32) -> DemoSetting {
        let (seizure_case, survey_case) = case_numbers(year, court_code, run);
        DemoSetting {
            court_code: court_code.to_string(),
            court_name: court_name.to_string(),
            seizure_case,
            survey_case,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juanzong_sync::CaseNumber;

    #[test]
    fn case_numbers_parse() {
        let (seizure, survey) = case_numbers(2026, "豫13", 0);
        assert_eq!(seizure, "（2026）豫13执123号");
        assert_eq!(CaseNumber::parse(&seizure).unwrap().normal_form(), seizure);
        assert_eq!(
            CaseNumber::parse(&survey).unwrap().normal_form(),
            "（2026）豫13执恢45号"
        );
    }

    #[test]
    fn later_runs_get_new_serials() {
        let first = case_numbers(2026, "豫13", 0);
        let second = case_numbers(2026, "豫13", 1);

        assert_eq!(second.0, "（2026）豫13执124号");
        assert_eq!(second.1, "（2026）豫13执恢46号");
        assert_ne!(first.0, second.0);
        assert_ne!(first.1, second.1);
        assert!(cases_csv(2026, "豫13", 1).contains("（2026）豫13执124号"));
    }
}
