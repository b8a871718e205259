//! Access rules for material lists.
//!
//! Field roles (执行干警, 财产处置人员) change their own team's lists. Center posts change any list
//! within the center's rules (they record receipt). The director and the administrator read every
//! list; other members of a team read their team's lists. Everyone else is refused.

use juanzong_sync::engine::Access;
use juanzong_sync::validation::Role as RuleRole;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::org::roles::Role;

/// The access of one caller to one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListAccess {
    pub access: Access,
    /// Side of the rules that the caller's edits are checked against.
    pub rule_role: RuleRole,
    /// Team a list created by this caller must belong to; `None` when the caller may not create.
    pub creates_for_team: Option<String>,
}

/// True when the caller sees every team's lists.
pub fn sees_all_teams(caller: &AuthUser) -> bool {
    caller.is_center() || caller.has_role(Role::Director) || caller.has_role(Role::Admin)
}

/// Decides access to a list of `list_team` (`None`: the server has not seen the list yet).
pub fn decide(caller: &AuthUser, list_team: Option<&str>) -> ApiResult<ListAccess> {
    let field = caller.roles.iter().any(|role| role.is_field());
    let own_team = match (list_team, caller.team_id.as_deref()) {
        (Some(list_team), Some(caller_team)) => list_team == caller_team,
        (None, _) => true,
        _ => false,
    };

    if list_team.is_none() {
        return match (field, caller.team_id.as_deref()) {
            (true, Some(team)) => Ok(ListAccess {
                access: Access::ReadWrite,
                rule_role: RuleRole::Field,
                creates_for_team: Some(team.to_string()),
            }),
            _ => Err(ApiError::forbidden(
                "LIST_CREATE_FORBIDDEN",
                "没有权限：只有执行干警和财产处置人员可以新建材料清单。",
            )),
        };
    }
    if field && own_team {
        return Ok(ListAccess {
            access: Access::ReadWrite,
            rule_role: RuleRole::Field,
            creates_for_team: None,
        });
    }
    if caller.is_center() {
        return Ok(ListAccess {
            access: Access::ReadWrite,
            rule_role: RuleRole::Center,
            creates_for_team: None,
        });
    }
    if own_team || sees_all_teams(caller) {
        return Ok(ListAccess {
            access: Access::ReadOnly,
            rule_role: RuleRole::Field,
            creates_for_team: None,
        });
    }
    Err(ApiError::forbidden(
        "LIST_FORBIDDEN",
        "没有权限：此材料清单不属于您的团队。",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(roles: &[Role], team: Option<&str>) -> AuthUser {
        AuthUser {
            user_id: "u".into(),
            team_id: team.map(str::to_string),
            roles: roles.to_vec(),
            device_id: "d".into(),
            session_id: "s".into(),
        }
    }

    #[test]
    fn field_officer_writes_own_team_only() {
        let officer = caller(&[Role::FieldOfficer], Some("t1"));
        assert_eq!(decide(&officer, Some("t1")).unwrap().access, Access::ReadWrite);
        let error = decide(&officer, Some("t2")).unwrap_err();
        assert_eq!(error.body().code, "LIST_FORBIDDEN");
        let new = decide(&officer, None).unwrap();
        assert_eq!(new.creates_for_team.as_deref(), Some("t1"));
    }

    #[test]
    fn center_writes_as_center_and_cannot_create() {
        let clerk = caller(&[Role::CenterIntake], Some("center"));
        let access = decide(&clerk, Some("t1")).unwrap();
        assert_eq!(access.rule_role, RuleRole::Center);
        assert!(decide(&clerk, None).is_err());
    }

    #[test]
    fn director_reads_everything() {
        let director = caller(&[Role::Director], None);
        assert_eq!(decide(&director, Some("t9")).unwrap().access, Access::ReadOnly);
    }

    #[test]
    fn judge_reads_own_team_only() {
        let judge = caller(&[Role::Judge], Some("t1"));
        assert_eq!(decide(&judge, Some("t1")).unwrap().access, Access::ReadOnly);
        assert!(decide(&judge, Some("t2")).is_err());
    }
}
