//! 许可证业务 storage: cases, their history and documents, certificates and
//! their numbers. Every move of a case is one transaction that checks the
//! version it was based on, applies the domain's transition table, writes
//! the case's history and the audit trail, and (when a certificate is
//! issued or cancelled) the enterprise record, together.

use serde::{Deserialize, Serialize};

use super::audit::{audit_ok, Actor};
use super::db::{Backend, Db, Tx};
use super::query::Where;
use crate::domain::calendar::Calendar;
use crate::domain::enterprise_info::{EnterpriseRecord, LicenceEntry};
use crate::domain::licence_case::{
    certificate_number, deadline, default_pattern, next_step, valid_until, Action, Application,
    CaseEvent, CaseFacts, CaseKind, CertificateStatus, Holder, IssuerLevel, Licensee, OnSiteCheck,
    Promise, Step,
};
use crate::domain::Date;

/// Why a case operation was refused; the API turns it into a message.
#[derive(Debug)]
pub enum CaseError {
    /// An open case for the same licence (or first application) exists.
    Open(i64),
    /// Not possible in the case's state (the message says why and what to do).
    Refused(String),
    /// The case changed since the page was loaded.
    Stale,
    NotFound,
    Db(sqlx::Error),
}

/// Writing a licence into the enterprise record failed: a database error
/// stays one; anything else is a refusal of the case's move.
impl From<super::enterprise_info::InfoError> for CaseError {
    fn from(e: super::enterprise_info::InfoError) -> CaseError {
        match e {
            super::enterprise_info::InfoError::Db(d) => CaseError::Db(d),
            other => CaseError::Refused(format!("{other:?}")),
        }
    }
}

impl From<sqlx::Error> for CaseError {
    fn from(e: sqlx::Error) -> Self {
        CaseError::Db(e)
    }
}

impl From<serde_json::Error> for CaseError {
    fn from(e: serde_json::Error) -> Self {
        CaseError::Db(sqlx::Error::Decode(Box::new(e)))
    }
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    enterprise_id: i64,
    credit_code: String,
    region_code: String,
    kind: String,
    step: String,
    application: String,
    issuer_org_id: Option<i64>,
    issuer_name: Option<String>,
    version: i64,
    step_started_on: Option<String>,
    paused_days: i64,
    deadline: Option<String>,
    corrected_once: i64,
    correction_notice: String,
    late_filing: String,
    onsite: Option<String>,
    decision_reason: String,
    claimed_by: Option<i64>,
    claimed_by_name: Option<String>,
    certificate_id: Option<i64>,
    created_at: i64,
    submitted_at: Option<i64>,
    accepted_on: Option<String>,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    pub enterprise_id: i64,
    pub credit_code: String,
    pub region_code: String,
    pub kind: CaseKind,
    pub step: Step,
    pub application: Application,
    pub issuer_org_id: Option<i64>,
    pub issuer_name: String,
    pub version: i64,
    pub step_started_on: Option<Date>,
    pub paused_days: i64,
    pub deadline: Option<Date>,
    pub corrected_once: bool,
    pub correction_notice: String,
    pub late_filing: String,
    pub onsite: Option<OnSiteCheck>,
    pub decision_reason: String,
    pub claimed_by: Option<i64>,
    pub claimed_by_name: String,
    pub certificate_id: Option<i64>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub accepted_on: Option<Date>,
}

impl TryFrom<CaseRow> for Case {
    type Error = CaseError;
    fn try_from(r: CaseRow) -> Result<Case, CaseError> {
        let bad = |what: &str| CaseError::Refused(format!("stored case {} has a bad {what}", r.id));
        Ok(Case {
            kind: CaseKind::from_code(&r.kind).ok_or_else(|| bad("kind"))?,
            step: Step::from_code(&r.step).ok_or_else(|| bad("step"))?,
            application: serde_json::from_str(&r.application)?,
            onsite: r.onsite.as_deref().map(serde_json::from_str).transpose()?,
            step_started_on: r.step_started_on.as_deref().and_then(Date::parse),
            deadline: r.deadline.as_deref().and_then(Date::parse),
            accepted_on: r.accepted_on.as_deref().and_then(Date::parse),
            id: r.id,
            enterprise_id: r.enterprise_id,
            credit_code: r.credit_code,
            region_code: r.region_code,
            issuer_org_id: r.issuer_org_id,
            issuer_name: r.issuer_name.unwrap_or_default(),
            version: r.version,
            paused_days: r.paused_days,
            corrected_once: r.corrected_once != 0,
            correction_notice: r.correction_notice,
            late_filing: r.late_filing,
            decision_reason: r.decision_reason,
            claimed_by: r.claimed_by,
            claimed_by_name: r.claimed_by_name.unwrap_or_default(),
            certificate_id: r.certificate_id,
            created_at: r.created_at,
            submitted_at: r.submitted_at,
        })
    }
}

impl Case {
    /// Submitted and not handled within the 受理 limit: accepted by law.
    pub fn deemed_accepted(&self, today: Date) -> bool {
        self.step == Step::Submitted && self.deadline.is_some_and(|d| today > d)
    }

    /// A 延期 filed less than the required months before expiry and still
    /// open: examined first.
    pub fn escalated(&self) -> bool {
        self.kind == CaseKind::Renewal
            && !self.late_filing.is_empty()
            && self.step.holder() == crate::domain::licence_case::Holder::Issuer
    }

    pub fn overdue(&self, today: Date) -> bool {
        self.deadline.is_some_and(|d| today > d)
    }

    pub fn onsite_needed(&self) -> bool {
        use crate::domain::licence_case::ChangeItem;
        match self.kind {
            CaseKind::New | CaseKind::Renewal => !self.application.simplified,
            CaseKind::Change => self
                .application
                .changes
                .contains(&ChangeItem::StorageFacilities),
            CaseKind::Cancel | CaseKind::Reissue => false,
        }
    }

    pub fn facts(&self, today: Date) -> CaseFacts {
        CaseFacts {
            kind: self.kind,
            step: self.step,
            corrected_once: self.corrected_once,
            deemed_accepted: self.deemed_accepted(today),
            onsite_passed: self.onsite.as_ref().is_some_and(|o| o.passed),
            onsite_needed: self.onsite_needed(),
        }
    }
}

const SELECT_CASE: &str = "SELECT c.id, c.enterprise_id, e.credit_code, COALESCE(e.region_code, '') AS region_code, \
     c.kind, c.step, c.application, c.issuer_org_id, o.name AS issuer_name, c.version, c.step_started_on, \
     c.paused_days, c.deadline, c.corrected_once, c.correction_notice, c.late_filing, c.onsite, \
     c.decision_reason, c.claimed_by, u.display_name AS claimed_by_name, c.certificate_id, c.created_at, \
     c.submitted_at, c.accepted_on \
     FROM licence_cases c JOIN enterprises e ON e.id = c.enterprise_id \
     LEFT JOIN organizations o ON o.id = c.issuer_org_id LEFT JOIN users u ON u.id = c.claimed_by";

async fn fetch_case<'e, E>(ex: E, id: i64) -> Result<Option<Case>, CaseError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, CaseRow>(&format!("{SELECT_CASE} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await?
        .map(Case::try_from)
        .transpose()
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Case>, CaseError> {
    fetch_case(db.reader(), id).await
}

/// An enterprise's cases, newest first.
pub async fn of_enterprise(db: &Db, enterprise_id: i64) -> Result<Vec<Case>, CaseError> {
    sqlx::query_as::<_, CaseRow>(&format!(
        "{SELECT_CASE} WHERE c.enterprise_id = $1 ORDER BY c.created_at DESC, c.id DESC"
    ))
    .bind(enterprise_id)
    .fetch_all(db.reader())
    .await?
    .into_iter()
    .map(Case::try_from)
    .collect()
}

/// What an inbox shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    /// One step; none: every open step.
    pub step: Option<Step>,
    /// Only cases past their deadline.
    pub overdue: bool,
    /// Only cases due within this many days from today (0 = any).
    #[serde(default)]
    pub due_within: i64,
}

/// The inbox's conditions and order (the page and the export share them):
/// the open (or, when asked by step, finished) cases an organisation
/// issues; a 延期 filed late first (the licence runs out soon), then the
/// oldest deadline.
pub fn inbox_select(organization_id: i64, filter: &InboxFilter, today: Date) -> (String, Where) {
    let mut w = Where::new();
    let org = w.int(organization_id);
    w.and(format!("c.issuer_org_id = {org}"));
    let steps = match filter.step {
        Some(s) => vec![s],
        None => Step::OPEN.to_vec(),
    };
    let placeholders: Vec<String> = steps.iter().map(|s| w.text(s.code())).collect();
    w.and(format!("c.step IN ({})", placeholders.join(", ")));
    if filter.overdue {
        let t = w.text(today.to_string());
        w.and(format!("c.deadline < {t}"));
    }
    if filter.due_within > 0 {
        let by = w.text(today.add_days(filter.due_within).to_string());
        w.and(format!("c.deadline <= {by}"));
    }
    let sql = format!(
        "{SELECT_CASE} WHERE {} ORDER BY \
         CASE WHEN c.kind = 'renewal' AND c.late_filing <> '' AND c.step IN ('submitted', 'accepted', 'approved') THEN 0 ELSE 1 END, \
         CASE WHEN c.deadline IS NULL THEN 1 ELSE 0 END, c.deadline, c.id",
        w.sql()
    );
    (sql, w)
}

/// A row of [`inbox_select`] as a case.
pub fn case_from_row(r: &sqlx::any::AnyRow) -> Result<Case, CaseError> {
    use sqlx::FromRow as _;
    Case::try_from(CaseRow::from_row(r)?)
}

/// The inbox's first 500 cases (see [`inbox_select`]).
pub async fn inbox(
    db: &Db,
    organization_id: i64,
    filter: &InboxFilter,
    today: Date,
) -> Result<Vec<Case>, CaseError> {
    let (sql, w) = inbox_select(organization_id, filter, today);
    let sql = format!("{sql} LIMIT 500");
    w.bind_as(sqlx::query_as::<_, CaseRow>(&sql))
        .fetch_all(db.reader())
        .await?
        .into_iter()
        .map(Case::try_from)
        .collect()
}

/// The organisation that issues for a case in `region` at `level`: a
/// configured authority first, else that region's bureau; a county
/// without a bureau in the system passes to its city.
async fn issuer_for(
    tx: &mut Tx,
    region: &str,
    level: IssuerLevel,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let mut candidates = vec![level.region(region)];
    if level == IssuerLevel::County {
        candidates.push(IssuerLevel::City.region(region));
    }
    // A configured authority of the region, else its bureau.
    let queries = [
        "SELECT o.id, o.name FROM issuing_authorities a JOIN organizations o ON o.id = a.organization_id WHERE a.region_code = $1",
        "SELECT id, name FROM organizations WHERE region_code = $1 AND level IN ('city', 'county') ORDER BY id LIMIT 1",
    ];
    for r in candidates {
        for sql in queries {
            let found = sqlx::query_as::<_, (i64, String)>(sql)
                .bind(&r)
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    Ok(None)
}

/// The form a case starts from: the record in force (else the draft) and
/// the licence concerned.
pub fn starting_application(
    record: &EnterpriseRecord,
    licence: Option<&LicenceEntry>,
) -> Application {
    Application {
        name: record.name.clone(),
        legal_rep: record.legal_rep.clone(),
        principal_name: record.principal_name.clone(),
        registered_address: record.registered_address.clone(),
        business_address: licence
            .map(|l| l.business_address.clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| record.business_address.clone()),
        storage_address: licence
            .map(|l| l.storage_address.clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| record.storage_address.clone()),
        mode: licence
            .map(|l| l.mode.clone())
            .unwrap_or_else(|| record.business_mode.clone()),
        scope: licence.map(|l| l.scope.clone()).unwrap_or_default(),
        major_hazard: record.mode_answers().major_hazard == Some(true),
        storage_units: record.storage_units.clone(),
        major_hazard_report: record.major_hazard_report.clone(),
        licence_number: licence.map(|l| l.number.clone()).unwrap_or_default(),
        licence_valid_until: licence.map(|l| l.valid_until.clone()).unwrap_or_default(),
        contact_name: record.safety_name.clone(),
        contact_mobile: record.safety_mobile.clone(),
        ..Application::default()
    }
}

fn licence_key(kind: CaseKind, number: &str) -> String {
    if kind.needs_licence() {
        crate::domain::LicenceNumber::parse(number)
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|_| number.to_string())
    } else {
        String::new()
    }
}

async fn event(
    tx: &mut Tx,
    case_id: i64,
    actor: &Actor,
    action: CaseEvent,
    step: Step,
    note: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO licence_case_events (case_id, at, actor, action, step, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(now)
    .bind(&actor.name)
    .bind(action.code())
    .bind(step.code())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The open case of an enterprise about a licence key, if any.
async fn open_case(
    conn: &mut sqlx::AnyConnection,
    enterprise_id: i64,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM licence_cases WHERE enterprise_id = $1 AND licence_key = $2 \
         AND step IN ('draft', 'submitted', 'correction', 'accepted', 'approved')",
    )
    .bind(enterprise_id)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Starts a draft case; refuses a second open case for the same licence.
pub async fn start(
    db: &Db,
    enterprise_id: i64,
    kind: CaseKind,
    application: &Application,
    actor: &Actor,
    now: i64,
) -> Result<i64, CaseError> {
    let key = licence_key(kind, &application.licence_number);
    let mut tx = db.write_tx().await?;
    if let Some(id) = open_case(&mut tx, enterprise_id, &key).await? {
        return Err(CaseError::Open(id));
    }
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO licence_cases (enterprise_id, kind, step, licence_key, application, version, created_at, updated_at) \
         VALUES ($1, $2, 'draft', $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(enterprise_id)
    .bind(kind.code())
    .bind(&key)
    .bind(serde_json::to_string(application)?)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        // Two starts at once: the other one won.
        Err(e) if super::db::is_unique_violation(&e, "licence_cases_one_open", "licence_key") => {
            drop(tx);
            let mut conn = db.reader().acquire().await?;
            let open = open_case(&mut conn, enterprise_id, &key).await?;
            return Err(open.map_or(CaseError::Stale, CaseError::Open));
        }
        Err(e) => return Err(e.into()),
    };
    event(
        &mut tx,
        id,
        actor,
        CaseEvent::Start,
        Step::Draft,
        kind.label(),
        now,
    )
    .await?;
    let summary = format!("开始办理许可证业务:{}(案件 {id})", kind.label());
    audit_ok(
        &mut tx,
        actor,
        Some(enterprise_id),
        "case.start",
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks the case for this transaction and checks the version.
async fn begin(db: &Db, id: i64, base: i64) -> Result<(Tx, Case), CaseError> {
    let mut tx = db.write_tx().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT 1 FROM licence_cases WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let case = fetch_case(&mut *tx, id).await?.ok_or(CaseError::NotFound)?;
    if case.version != base {
        return Err(CaseError::Stale);
    }
    Ok((tx, case))
}

/// [`begin`] for what only `holder` does; refused with the step the case
/// is at and `otherwise` (why it cannot be done now).
async fn begin_held(
    db: &Db,
    id: i64,
    base: i64,
    holder: Holder,
    otherwise: &str,
) -> Result<(Tx, Case), CaseError> {
    let (tx, case) = begin(db, id, base).await?;
    if case.step.holder() != holder {
        return Err(CaseError::Refused(format!(
            "案件当前为“{}”,{otherwise}",
            case.step.label(case.kind)
        )));
    }
    Ok((tx, case))
}

/// The applicant saves the form (while it is theirs to edit).
pub async fn save(
    db: &Db,
    id: i64,
    base: i64,
    application: &Application,
    now: i64,
) -> Result<i64, CaseError> {
    let not_editable = "由发证机关办理,申请内容不能再修改。";
    let (mut tx, _) = begin_held(db, id, base, Holder::Applicant, not_editable).await?;
    sqlx::query(
        "UPDATE licence_cases SET application = $2, version = version + 1, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(serde_json::to_string(application)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(base + 1)
}

/// Who takes a case over: the caller claims it or gives it up, or assigns
/// it to a colleague of the issuing authority (visible in the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The caller takes an unclaimed case.
    Take(i64),
    /// The caller gives up their own claim.
    Release(i64),
    /// The case goes to this regulator of the issuing authority.
    Assign(i64),
}

/// The active regulators of an organisation: (id, name), by name.
pub async fn colleagues(db: &Db, organization_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, display_name FROM users WHERE kind = 'regulator' AND organization_id = $1 \
         AND status = 'active' ORDER BY display_name, id",
    )
    .bind(organization_id)
    .fetch_all(db.reader())
    .await
}

/// Claims, releases or assigns a case. A claim never silently takes a case
/// from a colleague (that is an assignment, and the history names both);
/// a finished case is nobody's to claim.
pub async fn claim(
    db: &Db,
    id: i64,
    base: i64,
    claim: Claim,
    actor: &Actor,
    now: i64,
) -> Result<i64, CaseError> {
    let not_claimable = "不由发证机关办理,不能认领或指派。";
    let (mut tx, case) = begin_held(db, id, base, Holder::Issuer, not_claimable).await?;
    let holder = case.claimed_by_name.clone();
    let (user, note) = match claim {
        Claim::Take(me) => match case.claimed_by {
            Some(other) if other != me => {
                return Err(CaseError::Refused(format!(
                    "本案已由 {holder} 承办。如需改由您办理,请使用“指派”,历史记录中会写明。"
                )))
            }
            _ => (Some(me), "认领案件".to_string()),
        },
        Claim::Release(me) => {
            if case.claimed_by != Some(me) {
                return Err(CaseError::Refused("您没有认领本案,无需放弃。".into()));
            }
            (None, "放弃认领".to_string())
        }
        Claim::Assign(to) => {
            let name: Option<String> = sqlx::query_scalar(
                "SELECT display_name FROM users WHERE id = $1 AND kind = 'regulator' \
                 AND organization_id = $2 AND status = 'active'",
            )
            .bind(to)
            .bind(case.issuer_org_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(name) = name else {
                return Err(CaseError::Refused(
                    "只能指派给本发证机关在岗的工作人员,请从列表中选择。".into(),
                ));
            };
            let note = if holder.is_empty() {
                format!("指派给 {name}")
            } else {
                format!("指派给 {name}(原承办人 {holder})")
            };
            (Some(to), note)
        }
    };
    sqlx::query(
        "UPDATE licence_cases SET claimed_by = $2, version = version + 1, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(user)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    event(&mut tx, id, actor, CaseEvent::Claim, case.step, &note, now).await?;
    tx.commit().await?;
    Ok(base + 1)
}

/// Schedules the on-site check of an accepted case that needs one and has
/// none recorded yet (a later plan replaces an earlier one).
pub async fn plan_onsite(
    db: &Db,
    id: i64,
    base: i64,
    note: &str,
    actor: &Actor,
    now: i64,
) -> Result<i64, CaseError> {
    let (mut tx, case) = begin(db, id, base).await?;
    if case.step != Step::Accepted || !case.onsite_needed() || case.onsite.is_some() {
        return Err(CaseError::Refused(
            "只有已受理、需要现场核查且尚未登记核查记录的案件才能安排现场核查。".into(),
        ));
    }
    sqlx::query("UPDATE licence_cases SET version = version + 1, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    event(
        &mut tx,
        id,
        actor,
        CaseEvent::OnSitePlan,
        case.step,
        note,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(base + 1)
}

/// What a move carries besides the action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveInput {
    /// The 补正 notice, a refusal's reasons, an approval's remarks.
    pub text: String,
    pub onsite: Option<OnSiteCheck>,
}

/// The result of a move: the new step and version, and a certificate issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub step: Step,
    pub version: i64,
    pub certificate: Option<String>,
    pub document: Option<String>,
}

async fn promise(
    tx: &mut Tx,
    org: Option<i64>,
    on: Date,
) -> Result<(Promise, String, bool), sqlx::Error> {
    let row = sqlx::query_as::<_, (String, i64, Option<i64>, Option<i64>, Option<i64>)>(
        "SELECT number_pattern, minus_one_day, accept_working_days, decide_working_days, issue_working_days \
         FROM issuer_settings WHERE organization_id = $1 AND since <= $2 ORDER BY since DESC LIMIT 1",
    )
    .bind(org)
    .bind(on.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some((pattern, minus, a, d, i)) => (
            Promise {
                accept_working_days: a.map(|v| v as u32),
                decide_working_days: d.map(|v| v as u32),
                issue_working_days: i.map(|v| v as u32),
            },
            pattern,
            minus != 0,
        ),
        None => (Promise::default(), String::new(), false),
    })
}

/// The next serial of `series` for an organisation in `year` (one row per
/// series and year, incremented in place: unique under concurrency).
async fn next_serial(tx: &mut Tx, org: i64, series: &str, year: i32) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO number_sequences (organization_id, series, year, last) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (organization_id, series, year) DO UPDATE SET last = number_sequences.last + 1 RETURNING last",
    )
    .bind(org)
    .bind(series)
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await
}

/// A numbered document of the case (受理通知书 and the like).
async fn document(
    tx: &mut Tx,
    case: &Case,
    kind: &str,
    title: &str,
    body: &str,
    today: Date,
    now: i64,
) -> Result<String, CaseError> {
    let org = case.issuer_org_id.unwrap_or(0);
    let serial = next_serial(tx, org, kind, today.year()).await?;
    let word = match kind {
        "acceptance" => "受",
        "correction" => "补",
        "not_accepted" => "不受",
        "approval" => "准",
        _ => "不准",
    };
    // Unique across issuers: organisation names are unique.
    let number = format!(
        "{}危化经许{word}字〔{}〕第{serial}号",
        case.issuer_name,
        today.year()
    );
    sqlx::query(
        "INSERT INTO case_documents (case_id, kind, number, title, body, issued_at, issuer) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case.id)
    .bind(kind)
    .bind(&number)
    .bind(title)
    .bind(body)
    .bind(now)
    .bind(&case.issuer_name)
    .execute(&mut **tx)
    .await?;
    Ok(number)
}

/// Makes one move on a case: the transition table of the domain decides
/// whether it is possible; the clock, history, documents, certificate and
/// enterprise record follow in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn make_move(
    db: &Db,
    id: i64,
    base: i64,
    action: Action,
    input: &MoveInput,
    actor: &Actor,
    today: Date,
    cal: &Calendar,
    now: i64,
) -> Result<Moved, CaseError> {
    let (mut tx, case) = begin(db, id, base).await?;
    let step = next_step(case.facts(today), action).map_err(CaseError::Refused)?;
    let mut issuer = (case.issuer_org_id, case.issuer_name.clone());
    if action == Action::Submit && case.step == Step::Draft {
        let level = case.application.issuer_level();
        let (org, name) = issuer_for(&mut tx, &case.region_code, level)
            .await?
            .ok_or_else(|| {
                CaseError::Refused(format!(
                    "本案应由{}办理,但所在地区的发证机关尚未开通本系统。请联系所在地应急管理局,按其要求提交纸质申请。",
                    level.label()
                ))
            })?;
        issuer = (Some(org), name);
    }
    let case = Case {
        issuer_org_id: issuer.0,
        issuer_name: issuer.1,
        ..case
    };
    let (promise, pattern, minus_one_day) = promise(&mut tx, case.issuer_org_id, today).await?;
    // The clock of the step entered.
    let mut started = today;
    let mut paused = 0;
    let mut accepted_on = case.accepted_on;
    match (action, step) {
        (Action::Accept, _) => {
            // Silence past the limit: accepted from the day the application
            // was received (行政许可法 第三十二条), so the decision clock
            // runs from then.
            let on = if case.deemed_accepted(today) {
                case.step_started_on.unwrap_or(today)
            } else {
                today
            };
            started = on;
            accepted_on = Some(on);
        }
        (Action::RecordOnSite, _) => {
            started = case.step_started_on.unwrap_or(today);
            paused = input.onsite.as_ref().map(|o| o.days()).unwrap_or(0);
        }
        _ => {}
    }
    let due = deadline(case.kind, step, started, paused, &promise, cal);
    // A renewal is decided before the licence expires.
    let due = match (
        case.kind,
        step,
        Date::parse(&case.application.licence_valid_until),
    ) {
        (CaseKind::Renewal, Step::Accepted, Some(until)) => due.map(|d| d.min(until)),
        _ => due,
    };
    let mut late = case.late_filing.clone();
    if action == Action::Submit && case.step == Step::Draft {
        use crate::domain::licence_case::{change_timeliness, renewal_timeliness, Timeliness};
        let t = match case.kind {
            CaseKind::Change => {
                Date::parse(&case.application.changed_on).map(|d| change_timeliness(d, today, cal))
            }
            CaseKind::Renewal => Date::parse(&case.application.licence_valid_until)
                .map(|d| renewal_timeliness(d, today)),
            _ => None,
        };
        if let Some(Timeliness::Late(m)) = t {
            late = m;
        }
    }
    let onsite = match (action, &input.onsite) {
        (Action::RecordOnSite, Some(o)) => Some(serde_json::to_string(o)?),
        _ => case
            .onsite
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?,
    };
    let mut doc = None;
    let mut certificate = None;
    let title_body: Option<(&str, String, String)> = match action {
        Action::Accept => Some((
            "acceptance",
            "受理通知书".into(),
            format!(
                "{}:你单位提交的危险化学品经营许可{}申请,材料齐全、符合法定形式,本机关决定予以受理。{}",
                case.application.name,
                case.kind.label(),
                if case.deemed_accepted(today) {
                    "(本机关未在法定期限内作出受理决定,依法自收到申请之日起视为受理。)"
                } else {
                    ""
                }
            ),
        )),
        Action::RequestCorrection => Some((
            "correction",
            "补正材料通知书".into(),
            format!(
                "{}:你单位提交的申请材料不齐全或者不符合法定形式,请一次性补正以下内容后重新提交:\n{}",
                case.application.name, input.text
            ),
        )),
        Action::NotAccept => Some((
            "not_accepted",
            "不予受理决定书".into(),
            format!("{}:本机关决定不予受理你单位的申请。理由:{}", case.application.name, input.text),
        )),
        Action::Approve => Some((
            "approval",
            if case.kind == CaseKind::Cancel { "准予注销决定书" } else { "准予行政许可决定书" }.into(),
            format!(
                "{}:经审查,你单位的{}申请符合法定条件,本机关决定准予。{}",
                case.application.name,
                case.kind.label(),
                input.text
            ),
        )),
        Action::Refuse => Some((
            "refusal",
            "不予行政许可决定书".into(),
            format!(
                "{}:经审查,本机关决定不予许可。理由:{}。你单位如不服本决定,可以依法申请行政复议或者提起行政诉讼。",
                case.application.name, input.text
            ),
        )),
        _ => None,
    };
    if let Some((kind, title, body)) = title_body {
        doc = Some(document(&mut tx, &case, kind, &title, &body, today, now).await?);
    }
    let mut certificate_id = case.certificate_id;
    if step == Step::Done {
        let (cid, number) = settle_certificate(
            &mut tx,
            db.backend(),
            &case,
            &pattern,
            minus_one_day,
            actor,
            today,
            now,
        )
        .await?;
        certificate_id = cid;
        certificate = Some(number);
    }
    let notice = if action == Action::RequestCorrection {
        input.text.clone()
    } else {
        case.correction_notice.clone()
    };
    let reason = match action {
        Action::NotAccept | Action::Refuse => input.text.clone(),
        _ => case.decision_reason.clone(),
    };
    let updated = sqlx::query(
        "UPDATE licence_cases SET step = $2, version = version + 1, updated_at = $3, issuer_org_id = $4, \
         step_started_on = $5, paused_days = $6, deadline = $7, corrected_once = $8, correction_notice = $9, \
         late_filing = $10, onsite = $11, decision_reason = $12, certificate_id = $13, accepted_on = $14, \
         submitted_at = CASE WHEN $15 = 1 THEN $3 ELSE submitted_at END \
         WHERE id = $1 AND version = $16",
    )
    .bind(id)
    .bind(step.code())
    .bind(now)
    .bind(case.issuer_org_id)
    .bind(due.map(|_| started.to_string()))
    .bind(paused)
    .bind(due.map(|d| d.to_string()))
    .bind(i64::from(case.corrected_once || action == Action::RequestCorrection))
    .bind(&notice)
    .bind(&late)
    .bind(onsite)
    .bind(&reason)
    .bind(certificate_id)
    .bind(accepted_on.map(|d| d.to_string()))
    .bind(i64::from(action == Action::Submit))
    .bind(base)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(CaseError::Stale);
    }
    let due_note = due.map(|d| format!("本环节期限 {d}")).unwrap_or_default();
    let note = [
        input.text.as_str(),
        doc.as_deref().unwrap_or(""),
        certificate.as_deref().unwrap_or(""),
        due_note.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" · ");
    event(
        &mut tx,
        id,
        actor,
        CaseEvent::Move(action),
        step,
        &note,
        now,
    )
    .await?;
    let summary = format!(
        "许可证业务(案件 {id},{}):{} → {}",
        case.kind.label(),
        action.label(case.kind),
        step.label(case.kind)
    );
    audit_ok(
        &mut tx,
        actor,
        Some(case.enterprise_id),
        &format!("case.{}", action.code()),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Moved {
        step,
        version: base + 1,
        certificate,
        document: doc,
    })
}

/// What a certificate prints (the nine items of 55号令 plus the credit code).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateData {
    /// Stored as fields of their own (the JSON stays as it was).
    #[serde(flatten)]
    pub licensee: Licensee,
    pub mode: String,
    pub scope: Vec<crate::domain::enterprise_info::ScopeItem>,
    pub issuer: String,
    /// 有效期延续情况 and 变更 history, one line each.
    pub history: Vec<String>,
    pub changed_on: String,
    pub cancel_reason: String,
    /// The first day of the validity period (a 延期 starts the day after
    /// the old expiry; a 变更 or 补证 keeps it). Empty on certificates made
    /// before it was kept: the issue date then.
    #[serde(default)]
    pub valid_from: String,
}

#[derive(sqlx::FromRow)]
struct CertificateRow {
    id: i64,
    number: String,
    enterprise_id: i64,
    status: String,
    issued_on: String,
    valid_until: String,
    data: String,
    token: String,
    ended_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub id: i64,
    pub number: String,
    pub enterprise_id: i64,
    pub status: CertificateStatus,
    pub issued_on: String,
    pub valid_until: String,
    pub data: CertificateData,
    pub token: String,
    pub ended_at: Option<i64>,
}

impl Certificate {
    /// The first day of validity (the issue date on older certificates).
    pub fn valid_from(&self) -> &str {
        if self.data.valid_from.is_empty() {
            &self.issued_on
        } else {
            &self.data.valid_from
        }
    }
}

impl TryFrom<CertificateRow> for Certificate {
    type Error = CaseError;
    fn try_from(r: CertificateRow) -> Result<Certificate, CaseError> {
        Ok(Certificate {
            status: CertificateStatus::from_code(&r.status).ok_or_else(|| {
                CaseError::Refused(format!("stored certificate {} has a bad status", r.id))
            })?,
            data: serde_json::from_str(&r.data)?,
            id: r.id,
            number: r.number,
            enterprise_id: r.enterprise_id,
            issued_on: r.issued_on,
            valid_until: r.valid_until,
            token: r.token,
            ended_at: r.ended_at,
        })
    }
}

const SELECT_CERTIFICATE: &str = "SELECT id, number, enterprise_id, status, issued_on, valid_until, data, token, ended_at FROM certificates";

/// How a single certificate is looked up.
enum CertificateBy<'a> {
    Id(i64),
    /// The token of its QR code.
    Token(&'a str),
    /// The certificate valid under a number now.
    ValidNumber(&'a str),
}

async fn certificate_by(db: &Db, by: CertificateBy<'_>) -> Result<Option<Certificate>, CaseError> {
    let condition = match by {
        CertificateBy::Id(_) => "id = $1",
        CertificateBy::Token(_) => "token = $1",
        CertificateBy::ValidNumber(_) => "number = $1 AND status = 'valid'",
    };
    let sql = format!("{SELECT_CERTIFICATE} WHERE {condition}");
    let q = sqlx::query_as::<_, CertificateRow>(&sql);
    let q = match by {
        CertificateBy::Id(id) => q.bind(id),
        CertificateBy::Token(v) | CertificateBy::ValidNumber(v) => q.bind(v),
    };
    q.fetch_optional(db.reader())
        .await?
        .map(Certificate::try_from)
        .transpose()
}

pub async fn certificate(db: &Db, id: i64) -> Result<Option<Certificate>, CaseError> {
    certificate_by(db, CertificateBy::Id(id)).await
}

/// The public licence lookup: the current certificate (in force or
/// cancelled, not a replaced copy) by exact number or credit code, or by
/// part of the enterprise's name; newest first, at most 20.
pub async fn lookup(db: &Db, query: &str) -> Result<Vec<Certificate>, CaseError> {
    let mut values = vec![query.to_string()];
    let mut bind = |v: String| {
        values.push(v);
        format!("${}", values.len())
    };
    let in_name = super::search::contains_any(
        db.backend(),
        "e.id",
        &[super::search::Field::Name],
        query,
        &mut bind,
    );
    let sql = format!(
        "SELECT c.id, c.number, c.enterprise_id, c.status, c.issued_on, c.valid_until, c.data, c.token, c.ended_at \
         FROM certificates c JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE c.status IN ('valid', 'cancelled') AND (c.number = $1 OR e.credit_code = $1 OR {in_name}) \
         ORDER BY c.id DESC LIMIT 20"
    );
    let mut q = sqlx::query_as::<_, CertificateRow>(&sql);
    for v in values {
        q = q.bind(v);
    }
    q.fetch_all(db.reader())
        .await?
        .into_iter()
        .map(Certificate::try_from)
        .collect()
}

pub async fn certificate_by_token(db: &Db, token: &str) -> Result<Option<Certificate>, CaseError> {
    certificate_by(db, CertificateBy::Token(token)).await
}

/// The certificate valid under `number` now, if any.
pub async fn valid_certificate(db: &Db, number: &str) -> Result<Option<Certificate>, CaseError> {
    certificate_by(db, CertificateBy::ValidNumber(number)).await
}

/// Issues, replaces or cancels the certificate a finished case decides,
/// and writes the licence into the enterprise record (same transaction).
#[allow(clippy::too_many_arguments)]
async fn settle_certificate(
    tx: &mut Tx,
    backend: Backend,
    case: &Case,
    pattern: &str,
    minus_one_day: bool,
    actor: &Actor,
    today: Date,
    now: i64,
) -> Result<(Option<i64>, String), CaseError> {
    let a = &case.application;
    let org = case.issuer_org_id.ok_or(CaseError::NotFound)?;
    let key = licence_key(case.kind, &a.licence_number);
    // The certificate the case concerns: issued here, or known only from the record.
    let old = if case.kind.needs_licence() {
        sqlx::query_as::<_, CertificateRow>(&format!(
            "{SELECT_CERTIFICATE} WHERE number = $1 AND status = 'valid' AND enterprise_id = $2"
        ))
        .bind(&key)
        .bind(case.enterprise_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(Certificate::try_from)
        .transpose()?
    } else {
        None
    };
    if let Some(o) = &old {
        let (status, data) = if case.kind == CaseKind::Cancel {
            let data = CertificateData {
                cancel_reason: a.reason.trim().to_string(),
                ..o.data.clone()
            };
            (CertificateStatus::Cancelled, data)
        } else {
            (CertificateStatus::Replaced, o.data.clone())
        };
        sqlx::query("UPDATE certificates SET status = $2, ended_at = $3, data = $4 WHERE id = $1")
            .bind(o.id)
            .bind(status.code())
            .bind(now)
            .bind(serde_json::to_string(&data)?)
            .execute(&mut **tx)
            .await?;
    }
    let mut history = old
        .as_ref()
        .map(|o| o.data.history.clone())
        .unwrap_or_default();
    let old_until = old
        .as_ref()
        .map(|o| o.valid_until.clone())
        .unwrap_or_else(|| a.licence_valid_until.clone());
    let old_issued = old.as_ref().map(|o| o.issued_on.clone());
    let old_from = old.as_ref().map(|o| o.valid_from().to_string());
    let (number, issued_on, until) = match case.kind {
        CaseKind::New => {
            let serial = next_serial(tx, org, "certificate", today.year()).await?;
            let pattern = if pattern.is_empty() {
                default_pattern(&case.region_code)
            } else {
                pattern.to_string()
            };
            let number = certificate_number(&pattern, today.year(), serial);
            (number, today, valid_until(today, minus_one_day))
        }
        CaseKind::Renewal => {
            let from = Date::parse(&old_until).unwrap_or(today);
            let until =
                from.add_years(crate::domain::licence_case::case_policy_at(today).validity_years);
            history.push(format!("{today} 延期,有效期延续至 {until}"));
            (key.clone(), today, until)
        }
        CaseKind::Change => {
            let items: Vec<&str> = a.changes.iter().map(|c| c.label()).collect();
            history.push(format!("{today} 变更:{}", items.join("、")));
            let issued = old_issued.as_deref().and_then(Date::parse).unwrap_or(today);
            let until =
                Date::parse(&old_until).unwrap_or_else(|| valid_until(today, minus_one_day));
            (key.clone(), issued, until)
        }
        CaseKind::Reissue => {
            history.push(format!("{today} 补证"));
            let issued = old_issued.as_deref().and_then(Date::parse).unwrap_or(today);
            let until =
                Date::parse(&old_until).unwrap_or_else(|| valid_until(today, minus_one_day));
            (key.clone(), issued, until)
        }
        CaseKind::Cancel => {
            super::enterprise_info::apply_licence(
                tx,
                backend,
                case.enterprise_id,
                &key,
                None,
                actor,
                now,
            )
            .await?;
            return Ok((old.map(|o| o.id), key));
        }
    };
    let valid_from = match case.kind {
        CaseKind::Renewal => Date::parse(&old_until)
            .map(|d| d.add_days(1))
            .unwrap_or(today)
            .to_string(),
        CaseKind::Change | CaseKind::Reissue => old_from.unwrap_or_else(|| issued_on.to_string()),
        _ => issued_on.to_string(),
    };
    let data = CertificateData {
        valid_from,
        licensee: a.licensee(&case.credit_code),
        mode: a.mode.clone(),
        scope: a.scope.clone(),
        issuer: case.issuer_name.clone(),
        history,
        changed_on: if case.kind == CaseKind::Change {
            today.to_string()
        } else {
            String::new()
        },
        cancel_reason: String::new(),
    };
    let token = super::random_token();
    let cid: i64 = sqlx::query_scalar(
        "INSERT INTO certificates (number, enterprise_id, case_id, status, issuer_org_id, issued_on, valid_until, data, token, created_at) \
         VALUES ($1, $2, $3, 'valid', $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&number)
    .bind(case.enterprise_id)
    .bind(case.id)
    .bind(org)
    .bind(issued_on.to_string())
    .bind(until.to_string())
    .bind(serde_json::to_string(&data)?)
    .bind(&token)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let entry = LicenceEntry {
        number: number.clone(),
        issuer: case.issuer_name.clone(),
        issued_on: issued_on.to_string(),
        valid_until: until.to_string(),
        mode: a.mode.clone(),
        scope: a.scope.clone(),
        business_address: a.business_address.clone(),
        storage_address: a.storage_address.clone(),
        scan: String::new(),
        scan_name: String::new(),
    };
    let replaces = if case.kind.needs_licence() {
        key
    } else {
        String::new()
    };
    super::enterprise_info::apply_licence(
        tx,
        backend,
        case.enterprise_id,
        &replaces,
        Some(entry),
        actor,
        now,
    )
    .await?;
    Ok((Some(cid), number))
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: i64,
    pub actor: String,
    pub action: CaseEvent,
    /// The step the case was in before.
    pub step: Step,
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    at: i64,
    actor: String,
    action: String,
    step: String,
    note: String,
}

impl TryFrom<EventRow> for Event {
    type Error = CaseError;
    fn try_from(r: EventRow) -> Result<Event, CaseError> {
        let bad =
            |what: &str| CaseError::Refused(format!("stored case event {} has a bad {what}", r.id));
        Ok(Event {
            action: CaseEvent::from_code(&r.action).ok_or_else(|| bad("action"))?,
            step: Step::from_code(&r.step).ok_or_else(|| bad("step"))?,
            at: r.at,
            actor: r.actor,
            note: r.note,
        })
    }
}

pub async fn events(db: &Db, case_id: i64) -> Result<Vec<Event>, CaseError> {
    sqlx::query_as::<_, EventRow>(
        "SELECT id, at, actor, action, step, note FROM licence_case_events WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(db.reader())
    .await?
    .into_iter()
    .map(Event::try_from)
    .collect()
}

/// A numbered document of a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub title: String,
    pub body: String,
    pub issued_at: i64,
    pub issuer: String,
}

pub async fn documents(db: &Db, case_id: i64) -> Result<Vec<Document>, CaseError> {
    Ok(sqlx::query_as::<_, Document>(
        "SELECT id, kind, number, title, body, issued_at, issuer FROM case_documents WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(db.reader())
    .await?)
}

/// Whether any case of the enterprise refers to the upload `id`.
pub async fn uses_upload(db: &Db, enterprise_id: i64, id: &str) -> Result<bool, sqlx::Error> {
    let apps: Vec<String> =
        sqlx::query_scalar("SELECT application FROM licence_cases WHERE enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_all(db.reader())
            .await?;
    Ok(apps.iter().any(|a| a.contains(id)))
}

/// The region an enterprise is supervised in ("" when unknown).
pub async fn enterprise_region(db: &Db, enterprise_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(region_code, '') FROM enterprises WHERE id = $1")
        .bind(enterprise_id)
        .fetch_one(db.reader())
        .await
}

/// One configured issuing authority: cases routed to `region_code` go to it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Authority {
    pub region_code: String,
    pub organization_id: i64,
    pub organization: String,
}

pub async fn authorities(db: &Db) -> Result<Vec<Authority>, sqlx::Error> {
    sqlx::query_as::<_, Authority>(
        "SELECT a.region_code, a.organization_id, o.name AS organization FROM issuing_authorities a \
         JOIN organizations o ON o.id = a.organization_id ORDER BY a.region_code",
    )
    .fetch_all(db.reader())
    .await
}

/// Every organisation that may issue: (id, name).
pub async fn organizations(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM organizations ORDER BY region_code, id")
        .fetch_all(db.reader())
        .await
}

/// Routes cases of `region_code` to `organization_id`, or (with `None`)
/// back to that region's own bureau; audited. Cases already submitted keep
/// their issuer.
pub async fn set_authority(
    db: &Db,
    region_code: &str,
    organization_id: Option<i64>,
    actor: &Actor,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let name: Option<String> = match organization_id {
        Some(id) => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if name.is_none() {
                return Ok(false);
            }
            name
        }
        None => None,
    };
    sqlx::query("DELETE FROM issuing_authorities WHERE region_code = $1")
        .bind(region_code)
        .execute(&mut *tx)
        .await?;
    if let Some(id) = organization_id {
        sqlx::query(
            "INSERT INTO issuing_authorities (region_code, organization_id) VALUES ($1, $2)",
        )
        .bind(region_code)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let summary = match &name {
        Some(n) => format!(
            "许可证发证机关设置:{} 的案件由 {n} 办理",
            super::regions::described(region_code)
        ),
        None => format!(
            "许可证发证机关设置:{} 的案件恢复由本地区应急管理部门办理",
            super::regions::described(region_code)
        ),
    };
    audit_ok(&mut tx, actor, None, "case.authority", &summary, now).await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_data_is_stored_as_flat_as_before() {
        let stored = r#"{"name":"某化工有限公司","credit_code":"91320102MA1X00001A","legal_rep":"张明",
            "registered_address":"注册地","business_address":"经营地","storage_address":"",
            "mode":"storage","scope":[],"issuer":"南京市应急管理局","history":[],
            "changed_on":"","cancel_reason":""}"#;
        let data: CertificateData = serde_json::from_str(stored).unwrap_or_default();
        assert_eq!(data.licensee.name, "某化工有限公司");
        assert_eq!(data.licensee.places(), ["注册地", "经营地", ""]);
        assert_eq!(data.mode, "storage");
        let again = serde_json::to_value(&data).unwrap_or_default();
        assert_eq!(again["legal_rep"], "张明");
        assert!(again.get("licensee").is_none(), "{again}");
    }
}
