//! Where a request to change the handler's phone stands, and what each step
//! means for the requester and the phone on file.

use serde::{Deserialize, Serialize};

use super::fields::form_fields;

form_fields! {
    /// 更换经办人手机号: whose account, the facts that prove it, the new
    /// phone and its code.
    pub enum PhoneChangeField {
        Account = ("account", "账号(统一社会信用代码)"),
        EnterpriseName = ("enterprise_name", "企业名称"),
        IdNumber = ("id_number", "法定代表人证件号码"),
        NewMobile = ("new_mobile", "新手机号"),
        SmsCode = ("sms_code", "短信验证码"),
    }
}

/// The steps of a phone change. Nothing changes before `Waiting` has run its
/// course; the phone on file can stop every open step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneChangeStatus {
    /// The registry could not confirm the enterprise: documents are awaited.
    Evidence,
    /// Documents uploaded: a regulator of the enterprise's region decides.
    Review,
    /// Confirmed: takes effect at the announced time unless cancelled.
    Waiting,
    Done,
    Cancelled,
    Rejected,
}

impl PhoneChangeStatus {
    pub const OPEN: [PhoneChangeStatus; 3] = [Self::Evidence, Self::Review, Self::Waiting];

    /// The value stored in `phone_changes.status`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Evidence => "evidence",
            Self::Review => "review",
            Self::Waiting => "waiting",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
            Self::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Evidence,
            Self::Review,
            Self::Waiting,
            Self::Done,
            Self::Cancelled,
            Self::Rejected,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// What the requester is told, in one line.
    pub fn label(self) -> &'static str {
        match self {
            Self::Evidence => "待上传证明材料",
            Self::Review => "人工审核中",
            Self::Waiting => "等待生效(公示期)",
            Self::Done => "已生效",
            Self::Cancelled => "已取消",
            Self::Rejected => "审核未通过",
        }
    }
}

/// How a request was closed, stored in `phone_changes.closed_how` ("" while
/// it is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneChangeEnd {
    /// The requester withdrew it (on its progress page).
    Withdrawn,
    /// The phone on file cancelled it (by the link its SMS carried).
    CancelledByOldPhone,
    /// The handler logged in to the account cancelled it.
    CancelledByOwner,
    /// Its documents were not uploaded in time.
    Expired,
    /// The handler's phone changed while it waited.
    Stale,
    Rejected,
    Effective,
}

impl PhoneChangeEnd {
    pub const ALL: [PhoneChangeEnd; 7] = [
        Self::Withdrawn,
        Self::CancelledByOldPhone,
        Self::CancelledByOwner,
        Self::Expired,
        Self::Stale,
        Self::Rejected,
        Self::Effective,
    ];

    /// The value stored in `phone_changes.closed_how`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Withdrawn => "requester",
            Self::CancelledByOldPhone => "old_phone",
            Self::CancelledByOwner => "owner",
            Self::Expired => "expired",
            Self::Stale => "stale",
            Self::Rejected => "rejected",
            Self::Effective => "effective",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.code() == code)
    }

    /// What the audit trail says happened (an expiry or a request gone
    /// stale is housekeeping, closed without an audit row: the requester
    /// reads it on the progress page).
    pub fn summary(self) -> &'static str {
        match self {
            Self::Withdrawn => "申请人撤回手机号更换申请",
            Self::CancelledByOldPhone => "原手机号取消了手机号更换申请",
            Self::CancelledByOwner => "登录的经办人取消了手机号更换申请",
            Self::Expired => "证明材料超过7天未提交,手机号更换申请自动关闭",
            Self::Stale => "经办人手机号已有变化,手机号更换申请未生效",
            Self::Rejected => "手机号更换申请审核不通过",
            Self::Effective => "更换经办人手机号生效,原有登录已全部退出",
        }
    }

    /// What the requester is told about a cancelled request.
    pub fn cancelled_text(self) -> &'static str {
        match self {
            Self::CancelledByOldPhone => "已被原手机号取消,手机号未更换。如确需更换,请与原经办人联系,或重新申请并按提示上传证明材料。",
            Self::CancelledByOwner => "已被登录本账号的经办人取消,手机号未更换。如确需更换,请与原经办人联系,或重新申请并按提示上传证明材料。",
            Self::Expired => "证明材料超过7天未提交,申请已自动关闭,手机号未更换。如需更换,请重新申请。",
            Self::Stale => "申请期间经办人手机号已有变化,本申请未生效。如仍需更换,请重新申请。",
            Self::Withdrawn => "申请人已撤回,手机号未更换。",
            Self::Rejected | Self::Effective => "已取消,手机号未更换。",
        }
    }
}

/// The documents a reviewer needs when the registry cannot confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvidenceDocument {
    /// 营业执照
    Licence,
    /// 法人授权书 (the legal representative authorises the new handler)
    Authorization,
    /// The requester's own ID
    RequesterId,
}

impl EvidenceDocument {
    pub const ALL: [EvidenceDocument; 3] = [Self::Licence, Self::Authorization, Self::RequesterId];

    pub fn code(self) -> &'static str {
        match self {
            Self::Licence => "licence",
            Self::Authorization => "authorization",
            Self::RequesterId => "requester_id",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Licence => "营业执照(副本)扫描件",
            Self::Authorization => "法定代表人授权书(盖公章)扫描件",
            Self::RequesterId => "新经办人身份证件扫描件",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in [
            PhoneChangeStatus::Evidence,
            PhoneChangeStatus::Review,
            PhoneChangeStatus::Waiting,
            PhoneChangeStatus::Done,
            PhoneChangeStatus::Cancelled,
            PhoneChangeStatus::Rejected,
        ] {
            assert_eq!(PhoneChangeStatus::from_code(s.code()), Some(s));
        }
        for d in EvidenceDocument::ALL {
            assert_eq!(EvidenceDocument::from_code(d.code()), Some(d));
        }
        for h in PhoneChangeEnd::ALL {
            assert_eq!(PhoneChangeEnd::from_code(h.code()), Some(h));
        }
        // An open request has no end yet.
        assert_eq!(PhoneChangeEnd::from_code(""), None);
        assert_eq!(PhoneChangeStatus::from_code("pending"), None);
        assert!(PhoneChangeStatus::Waiting.is_open());
        assert!(!PhoneChangeStatus::Done.is_open());
    }
}
