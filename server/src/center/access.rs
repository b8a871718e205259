//! Role checks of the center's routes. Only intake posts register, only center posts file items,
//! and only the director decides disputes. Field roles read their own team's results and dispute
//! their own team's rejections. Every other caller gets 403.

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::org::roles::Role;

/// Posts that register receipts, supplements and corrections: the intake clerks and the
/// center's manager. The data manager and the other center posts read the register.
pub const INTAKE_ROLES: [Role; 3] = [Role::CenterIntake, Role::FilingIntake, Role::CenterManager];

/// Tells whether the caller has one of [`INTAKE_ROLES`].
pub fn is_intake(caller: &AuthUser) -> bool {
    caller.roles.iter().any(|role| INTAKE_ROLES.contains(role))
}

/// Fails with 403 unless the caller has one of [`INTAKE_ROLES`].
pub fn require_intake(caller: &AuthUser) -> ApiResult<()> {
    if is_intake(caller) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "INTAKE_ROLE_REQUIRED",
        "没有权限：只有卷宗管理中心接收岗、立案厅接收岗和管理岗可以办理接收登记。",
    ))
}

/// Fails with 403 unless the caller has a post of the case-file center.
pub fn require_center(caller: &AuthUser) -> ApiResult<()> {
    if caller.is_center() {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "CENTER_ROLE_REQUIRED",
        "没有权限：只有卷宗管理中心的岗位可以办理接收登记。",
    ))
}

/// Fails with 403 unless the caller may read the center's register, catalogues and figures:
/// center posts, the director and the administrator.
pub fn require_center_reader(caller: &AuthUser) -> ApiResult<()> {
    if caller.is_center() || caller.has_role(Role::Director) || caller.has_role(Role::Admin) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "CENTER_READ_FORBIDDEN",
        "没有权限：只有卷宗管理中心、执行局长和系统管理员可以查看登记簿、案卷目录和统计。",
    ))
}

/// Fails with 403 unless the caller is the director (执行局长).
pub fn require_director(caller: &AuthUser) -> ApiResult<()> {
    if caller.has_role(Role::Director) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "DIRECTOR_ROLE_REQUIRED",
        "没有权限：修改意见的争议只能由执行局长决定。",
    ))
}

/// Returns the team whose results the caller may read. A field role reads its own team only;
/// center posts, the director and the administrator read the team they name.
pub fn results_team(caller: &AuthUser, requested: Option<&str>) -> ApiResult<String> {
    let field = caller.roles.iter().any(|role| role.is_field());
    if field {
        let own = caller.team_id.clone().ok_or_else(|| {
            ApiError::forbidden("NO_TEAM", "当前用户不属于任何团队，无法查看接收结果。")
        })?;
        if requested.is_some_and(|team| team != own) {
            return Err(ApiError::forbidden(
                "TEAM_OUT_OF_SCOPE",
                "没有权限：只能查看本团队的接收结果。",
            ));
        }
        return Ok(own);
    }
    require_center_reader(caller)?;
    requested.map(str::to_string).ok_or_else(|| {
        ApiError::bad_request("TEAM_REQUIRED", "请用查询参数 team_id 指定要查看的团队。")
    })
}

/// Fails with 403 unless the caller is a field role of `team_id`, the team that may dispute.
pub fn require_team_member(caller: &AuthUser, team_id: &str) -> ApiResult<()> {
    let field = caller.roles.iter().any(|role| role.is_field());
    if field && caller.team_id.as_deref() == Some(team_id) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "DISPUTE_FORBIDDEN",
        "没有权限：只有移送材料的团队成员可以对修改意见提出异议。",
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

    fn code<T: std::fmt::Debug>(result: ApiResult<T>) -> String {
        result.expect_err("rejected").body().code
    }

    #[test]
    fn only_center_posts_file_items() {
        assert!(require_center(&caller(&[Role::CenterIntake], Some("c"))).is_ok());
        assert!(require_center(&caller(&[Role::Cataloguing], Some("c"))).is_ok());
        for role in [Role::FieldOfficer, Role::Director, Role::Admin, Role::Judge] {
            assert_eq!(
                code(require_center(&caller(&[role], Some("t1")))),
                "CENTER_ROLE_REQUIRED"
            );
        }
    }

    #[test]
    fn only_intake_posts_register() {
        for role in INTAKE_ROLES {
            assert!(require_intake(&caller(&[role], Some("c"))).is_ok(), "{role:?}");
        }
        for role in [
            Role::DataManager,
            Role::Cataloguing,
            Role::FieldOfficer,
            Role::Director,
            Role::Admin,
        ] {
            assert_eq!(
                code(require_intake(&caller(&[role], Some("c")))),
                "INTAKE_ROLE_REQUIRED"
            );
        }
    }

    #[test]
    fn field_role_reads_own_team_only() {
        let officer = caller(&[Role::FieldOfficer], Some("t1"));
        assert_eq!(results_team(&officer, None).unwrap(), "t1");
        assert_eq!(results_team(&officer, Some("t1")).unwrap(), "t1");
        assert_eq!(
            code(results_team(&officer, Some("t2"))),
            "TEAM_OUT_OF_SCOPE"
        );
    }

    #[test]
    fn center_names_the_team_it_reads() {
        let clerk = caller(&[Role::CenterIntake], Some("c"));
        assert_eq!(results_team(&clerk, Some("t2")).unwrap(), "t2");
        assert_eq!(code(results_team(&clerk, None)), "TEAM_REQUIRED");
        assert_eq!(
            code(results_team(
                &caller(&[Role::Judge], Some("t1")),
                Some("t1")
            )),
            "CENTER_READ_FORBIDDEN"
        );
    }

    #[test]
    fn only_director_decides_and_only_the_team_disputes() {
        assert!(require_director(&caller(&[Role::Director], Some("c"))).is_ok());
        assert_eq!(
            code(require_director(&caller(&[Role::CenterManager], Some("c")))),
            "DIRECTOR_ROLE_REQUIRED"
        );
        assert!(require_team_member(&caller(&[Role::DisposalOfficer], Some("t2")), "t2").is_ok());
        assert_eq!(
            code(require_team_member(
                &caller(&[Role::FieldOfficer], Some("t1")),
                "t2"
            )),
            "DISPUTE_FORBIDDEN"
        );
        assert_eq!(
            code(require_team_member(
                &caller(&[Role::Judge], Some("t2")),
                "t2"
            )),
            "DISPUTE_FORBIDDEN"
        );
    }
}
