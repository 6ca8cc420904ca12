//! 站内消息 kinds and the expiry-reminder stages.
//!
//! A licence's holder is reminded at 120, 90, 60, 30 and 7 days before it
//! expires (the renewal, 延期, must be filed at least three months before).
//! Each stage goes out at most once; after downtime only the most recent
//! stage now due goes out, and the older ones it passed are recorded as
//! skipped so they never go later.

use crate::domain::Date;

/// What a message is about (stored as its code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MessageKind {
    /// A regulator proposed a change of the enterprise's record (申请修改).
    Proposal,
    /// The record was confirmed (确认).
    InfoConfirmed,
    /// The record was sent back (退回).
    InfoReturned,
    /// A submitted record waits for the regulator's confirmation.
    InfoSubmitted,
    /// A reminder about the enterprise's open 信息变更.
    InfoReminder,
    /// A step of a licence case.
    CaseStep,
    /// The result of a registration review.
    Registration,
    /// A licence expires soon.
    ExpiryReminder,
    /// A regulator's weekly digest of expiring and expired licences.
    ExpiryDigest,
}

impl MessageKind {
    pub const ALL: [MessageKind; 9] = [
        MessageKind::Proposal,
        MessageKind::InfoConfirmed,
        MessageKind::InfoReturned,
        MessageKind::InfoSubmitted,
        MessageKind::InfoReminder,
        MessageKind::CaseStep,
        MessageKind::Registration,
        MessageKind::ExpiryReminder,
        MessageKind::ExpiryDigest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Proposal => "proposal",
            MessageKind::InfoConfirmed => "info_confirmed",
            MessageKind::InfoReturned => "info_returned",
            MessageKind::InfoSubmitted => "info_submitted",
            MessageKind::InfoReminder => "info_reminder",
            MessageKind::CaseStep => "case_step",
            MessageKind::Registration => "registration",
            MessageKind::ExpiryReminder => "expiry_reminder",
            MessageKind::ExpiryDigest => "expiry_digest",
        }
    }

    pub fn from_code(code: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The short label the list shows.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Proposal => "修改申请",
            MessageKind::InfoConfirmed => "信息确认",
            MessageKind::InfoReturned => "信息退回",
            MessageKind::InfoSubmitted => "待确认",
            MessageKind::InfoReminder => "信息变更",
            MessageKind::CaseStep => "许可证案件",
            MessageKind::Registration => "注册审核",
            MessageKind::ExpiryReminder => "到期提醒",
            MessageKind::ExpiryDigest => "到期汇总",
        }
    }
}

/// Whether `link` is a path of this site ("/…", never "//host" or a scheme),
/// the only kind of link a message may carry.
pub fn is_local_link(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//") && !link.contains('\\')
}

/// Days before expiry at which the holder is reminded, earliest first.
pub const REMINDER_STAGES: [i64; 5] = [120, 90, 60, 30, 7];

/// The renewal must be filed this many months before expiry.
pub const RENEWAL_LEAD_MONTHS: i32 = 3;

/// The window of the regulators' digest: licences expiring within this many days.
pub const DIGEST_WINDOW_DAYS: i64 = 120;

/// What a reminder run does for one licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPlan {
    /// The stage to send now.
    pub send: i64,
    /// Earlier stages not sent in time, to record as skipped.
    pub skip: Vec<i64>,
}

/// The stage due `days_left` days before expiry, given the stages already
/// sent or skipped (`done`): the most recent stage passed, if not done yet,
/// with every earlier stage not done as skipped. Nothing once expired or
/// before the first stage.
pub fn reminder_plan(days_left: i64, done: &[i64]) -> Option<ReminderPlan> {
    if days_left < 0 {
        return None;
    }
    let due = REMINDER_STAGES
        .iter()
        .copied()
        .filter(|s| days_left <= *s)
        .min()?;
    if done.contains(&due) {
        return None;
    }
    Some(ReminderPlan {
        send: due,
        skip: REMINDER_STAGES
            .iter()
            .copied()
            .filter(|s| *s > due && !done.contains(s))
            .collect(),
    })
}

/// The Monday of `day`'s week: the key of a weekly digest.
pub fn week_of(day: Date) -> Date {
    // 1970-01-01 was a Thursday.
    let days = day.days_since_epoch();
    day.add_days(-(days + 3).rem_euclid(7))
}

/// The last day to file the renewal of a licence valid until `until`.
pub fn renewal_deadline(until: Date) -> Date {
    until.add_months(-RENEWAL_LEAD_MONTHS)
}

/// The reminder's title and text for a licence valid until `until`, on `today`.
pub fn reminder_text(number: &str, until: Date, today: Date) -> (String, String) {
    let left = until.days_since_epoch() - today.days_since_epoch();
    let deadline = renewal_deadline(until);
    let title = format!("许可证 {number} 将于 {until} 到期(还有 {left} 天)");
    let next = if today <= deadline {
        format!(
            "延期换证申请须在有效期届满前至少3个月提出,即不晚于 {deadline}。请在“许可证业务”中点击该许可证的“申请延期换证”,按材料清单上传后提交。"
        )
    } else {
        "距到期已不足3个月,已过延期换证的申请期限:请立即在“许可证业务”中点击该许可证的“申请延期换证”提交(将标注为逾期申请),或联系发证机关;到期未换证的,不得继续经营。".to_string()
    };
    (
        title,
        format!("贵单位的危险化学品经营许可证 {number} 有效期至 {until}。{next}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::from_code(k.code()), Some(k));
        }
        assert_eq!(MessageKind::from_code("bogus"), None);
    }

    #[test]
    fn only_paths_of_this_site_are_links() {
        assert!(is_local_link("/cases/12"));
        assert!(is_local_link("/maintenance?expiring=120&sort=expiry"));
        assert!(!is_local_link("//evil.example/x"));
        assert!(!is_local_link("https://evil.example/"));
        assert!(!is_local_link("javascript:alert(1)"));
        assert!(!is_local_link("/\\evil.example"));
    }

    #[test]
    fn each_stage_is_due_from_its_day_until_the_next() {
        assert_eq!(reminder_plan(121, &[]), None);
        assert_eq!(
            reminder_plan(120, &[]),
            Some(ReminderPlan {
                send: 120,
                skip: vec![]
            })
        );
        assert_eq!(reminder_plan(91, &[120]), None);
        assert_eq!(
            reminder_plan(90, &[120]),
            Some(ReminderPlan {
                send: 90,
                skip: vec![]
            })
        );
        assert_eq!(reminder_plan(8, &[120, 90, 60, 30]), None);
        assert_eq!(
            reminder_plan(0, &[120, 90, 60, 30]),
            Some(ReminderPlan {
                send: 7,
                skip: vec![]
            })
        );
        // Expired: the regulators' digest covers it, not the reminders.
        assert_eq!(reminder_plan(-1, &[]), None);
    }

    #[test]
    fn after_downtime_only_the_latest_stage_goes_and_older_ones_are_skipped() {
        assert_eq!(
            reminder_plan(25, &[120]),
            Some(ReminderPlan {
                send: 30,
                skip: vec![90, 60]
            })
        );
        // A licence entered late: its first reminder is the stage due now.
        assert_eq!(
            reminder_plan(50, &[]),
            Some(ReminderPlan {
                send: 60,
                skip: vec![120, 90]
            })
        );
        // Once sent (or skipped), never again.
        assert_eq!(reminder_plan(25, &[120, 90, 60, 30]), None);
        assert_eq!(reminder_plan(70, &[120, 90, 60]), None);
    }

    #[test]
    fn weeks_start_on_monday() {
        let thu = Date::new(2026, 12, 3).unwrap();
        assert_eq!(week_of(thu), Date::new(2026, 11, 30).unwrap());
        let mon = Date::new(2026, 11, 30).unwrap();
        assert_eq!(week_of(mon), mon);
        let sun = Date::new(2026, 12, 6).unwrap();
        assert_eq!(week_of(sun), mon);
    }

    #[test]
    fn the_text_names_the_renewal_deadline_or_says_it_passed() {
        let until = Date::new(2027, 4, 1).unwrap();
        let (title, body) =
            reminder_text("苏(宁)危化经字〔2024〕000001", until, until.add_days(-120));
        assert!(title.contains("还有 120 天"), "{title}");
        assert!(body.contains("不晚于 2027-01-01"), "{body}");
        let (_, late) = reminder_text("X", until, until.add_days(-30));
        assert!(late.contains("已过延期换证的申请期限"), "{late}");
    }
}
