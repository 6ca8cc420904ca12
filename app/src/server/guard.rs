//! Who may act, and where: the one home of the authorisation rules.
//!
//! Server functions reach these through `api::auth::ssr::require_*`, the
//! file and export routes through the `CurrentUser` extractor of the server
//! crate; both end here, so a rule is written once.

use super::db::Db;
use super::regions;
use super::session::SessionUser;
use crate::domain::UserKind;
use crate::error::AppError;

/// Where a regulator or an administrator may look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jurisdiction {
    /// An administrator: every region.
    Nationwide,
    /// A regulator: the region of its organisation and every region below it.
    Region(String),
}

impl Jurisdiction {
    /// The region code to filter by (`None`: everywhere).
    pub fn prefix(&self) -> Option<&str> {
        match self {
            Jurisdiction::Nationwide => None,
            Jurisdiction::Region(r) => Some(r),
        }
    }

    pub fn into_prefix(self) -> Option<String> {
        match self {
            Jurisdiction::Nationwide => None,
            Jurisdiction::Region(r) => Some(r),
        }
    }

    /// Whether a county-level `region_code` lies within.
    pub fn covers(&self, region_code: &str) -> bool {
        match self {
            Jurisdiction::Nationwide => true,
            Jurisdiction::Region(r) => regions::within(region_code, r),
        }
    }
}

/// The enterprise an enterprise user acts for.
pub fn enterprise(user: &SessionUser) -> Result<i64, AppError> {
    match (user.kind, user.enterprise_id) {
        (UserKind::Enterprise, Some(id)) => Ok(id),
        _ => Err(AppError::Forbidden),
    }
}

/// The organisation a regulator works for.
pub fn regulator_organization(user: &SessionUser) -> Result<i64, AppError> {
    match (user.kind, user.organization_id) {
        (UserKind::Regulator, Some(org)) => Ok(org),
        _ => Err(AppError::Forbidden),
    }
}

/// Only an administrator.
pub fn admin(user: &SessionUser) -> Result<(), AppError> {
    match user.kind {
        UserKind::Admin => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The jurisdiction of a reviewer (an administrator, or a regulator whose
/// organisation has a region); anyone else is refused.
pub async fn jurisdiction(db: &Db, user: &SessionUser) -> Result<Jurisdiction, AppError> {
    match user.kind {
        UserKind::Admin => Ok(Jurisdiction::Nationwide),
        UserKind::Regulator => organization_region(db, user.organization_id)
            .await?
            .map(Jurisdiction::Region)
            .ok_or(AppError::Forbidden),
        UserKind::Enterprise => Err(AppError::Forbidden),
    }
}

/// The region an organisation supervises.
async fn organization_region(
    db: &Db,
    organization_id: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT region_code FROM organizations WHERE id = $1")
        .bind(organization_id)
        .fetch_optional(db.reader())
        .await
}

/// Whether `user` may see what belongs to the enterprise `enterprise_id` of
/// `region_code`: its own users, administrators, and the regulators whose
/// jurisdiction covers the region.
pub async fn may_see(
    db: &Db,
    user: &SessionUser,
    enterprise_id: i64,
    region_code: &str,
) -> Result<bool, AppError> {
    Ok(match user.kind {
        UserKind::Enterprise => user.enterprise_id == Some(enterprise_id),
        UserKind::Admin | UserKind::Regulator => match jurisdiction(db, user).await {
            Ok(j) => j.covers(region_code),
            Err(AppError::Forbidden) => false,
            Err(e) => return Err(e),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_covers_its_counties_and_nationwide_covers_all() {
        let city = Jurisdiction::Region("320100".into());
        assert!(city.covers("320102"));
        assert!(!city.covers("320201"));
        assert_eq!(city.prefix(), Some("320100"));
        assert!(Jurisdiction::Nationwide.covers("650102"));
        assert_eq!(Jurisdiction::Nationwide.prefix(), None);
    }
}
