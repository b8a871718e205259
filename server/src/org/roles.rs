//! Roles (岗位/角色) of users and kinds of teams (团队), with stable English codes for storage and
//! the wire, and the Chinese names people use. Parsing accepts either form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Returns the stable English code stored in the database and sent on the wire.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// Returns the Chinese name shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }

        impl FromStr for $name {
            type Err = String;

            /// Parses the English code or the Chinese name.
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let text = text.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.code() == text || value.label() == text)
                    .ok_or_else(|| text.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

coded_enum! {
    /// A role held by a user. A user may hold several.
    Role {
        Admin => ("admin", "系统管理员"),
        FieldOfficer => ("field_officer", "执行干警"),
        DisposalOfficer => ("disposal_officer", "财产处置人员"),
        Judge => ("judge", "承办法官"),
        Clerk => ("clerk", "书记员"),
        Director => ("director", "执行局长"),
        CenterManager => ("center_manager", "管理岗"),
        FilingIntake => ("filing_intake", "立案厅接收岗"),
        CenterIntake => ("center_intake", "卷宗管理中心接收岗"),
        Scanning => ("scanning", "扫描岗"),
        ImageCorrection => ("image_correction", "修图岗"),
        Cataloguing => ("cataloguing", "上传归目岗"),
        Archiving => ("archiving", "装订归档岗"),
        DataManager => ("data_manager", "数据管理岗"),
    }
}

coded_enum! {
    /// The kind of a team.
    TeamKind {
        Enforcement => ("enforcement", "执行实施团队"),
        Disposal => ("disposal", "财产处置团队"),
        Center => ("center", "卷宗管理中心"),
        FilingDivision => ("filing_division", "立案庭"),
        FrontEnd => ("front_end", "前置集约中心"),
        LegalAssistance => ("legal_assistance", "法辅中心"),
    }
}

impl Role {
    /// Posts of the case-file center (卷宗管理中心), which see every team's material lists.
    pub fn is_center(self) -> bool {
        matches!(
            self,
            Role::CenterManager
                | Role::FilingIntake
                | Role::CenterIntake
                | Role::Scanning
                | Role::ImageCorrection
                | Role::Cataloguing
                | Role::Archiving
                | Role::DataManager
        )
    }

    /// Roles that work in the field and produce material lists for their own team.
    pub fn is_field(self) -> bool {
        matches!(self, Role::FieldOfficer | Role::DisposalOfficer)
    }
}

/// Parses a list of roles separated by commas (half-width or full-width) or 、.
pub fn parse_roles(text: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for part in text.split([',', '，', '、']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let role: Role = part.parse()?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// Returns every role name for help and error messages: `执行干警(field_officer)、...`.
pub fn role_choices() -> String {
    Role::ALL
        .iter()
        .map(|role| format!("{}({})", role.label(), role.code()))
        .collect::<Vec<_>>()
        .join("、")
}

/// Returns every team kind for help and error messages.
pub fn team_kind_choices() -> String {
    TeamKind::ALL
        .iter()
        .map(|kind| format!("{}({})", kind.label(), kind.code()))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_parses_code_and_label() {
        assert_eq!("center_intake".parse::<Role>(), Ok(Role::CenterIntake));
        assert_eq!("卷宗管理中心接收岗".parse::<Role>(), Ok(Role::CenterIntake));
        assert_eq!("执行局长".parse::<Role>(), Ok(Role::Director));
        assert!("局长".parse::<Role>().is_err());
    }

    #[test]
    fn parse_roles_splits_and_dedups() {
        let roles = parse_roles("执行干警，书记员、field_officer").unwrap();
        assert_eq!(roles, vec![Role::FieldOfficer, Role::Clerk]);
        assert_eq!(parse_roles("执行干警,厨师"), Err("厨师".to_string()));
    }

    #[test]
    fn team_kind_round_trips() {
        for kind in TeamKind::ALL {
            assert_eq!(kind.code().parse::<TeamKind>(), Ok(*kind));
            assert_eq!(kind.label().parse::<TeamKind>(), Ok(*kind));
        }
    }

    #[test]
    fn center_and_field_roles_are_disjoint() {
        for role in Role::ALL {
            assert!(!(role.is_center() && role.is_field()), "{role:?}");
        }
        assert_eq!(Role::ALL.iter().filter(|r| r.is_center()).count(), 8);
    }
}
