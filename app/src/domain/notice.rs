//! 通知公告 and 许可公示: the rules the browser and the server share (a
//! notice's title and body limits, what a writer may do to a notice, the
//! windows the public lists offer).

use serde::{Deserialize, Serialize};

use super::normalize::{titled_text, TextLimits};
use super::FieldErrors;

/// Longest notice title, in characters.
pub const TITLE_MAX: usize = 60;
/// Longest notice body, in characters.
pub const BODY_MAX: usize = 20_000;

/// A notice as a writer saves it: a title and a Markdown body, both checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeText {
    pub title: String,
    pub body: String,
}

impl NoticeText {
    /// Checks a notice; the messages are keyed by field (`title`, `body`).
    pub fn parse(title: &str, body: &str) -> Result<NoticeText, FieldErrors> {
        let limits = TextLimits {
            noun: "公告",
            title_max: TITLE_MAX,
            body_max: BODY_MAX,
            too_long: "请精简或改为附件链接",
        };
        titled_text(title, body, &limits).map(|(title, body)| NoticeText { title, body })
    }
}

/// What a writer does to a published notice besides editing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeAction {
    Pin,
    Unpin,
    /// 撤回: the public no longer sees it; the writers still do.
    Withdraw,
    /// Published again after a 撤回.
    Republish,
}

impl NoticeAction {
    pub const ALL: [NoticeAction; 4] = [
        NoticeAction::Pin,
        NoticeAction::Unpin,
        NoticeAction::Withdraw,
        NoticeAction::Republish,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoticeAction::Pin => "pin",
            NoticeAction::Unpin => "unpin",
            NoticeAction::Withdraw => "withdraw",
            NoticeAction::Republish => "republish",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeAction> {
        NoticeAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            NoticeAction::Pin => "置顶",
            NoticeAction::Unpin => "取消置顶",
            NoticeAction::Withdraw => "撤回",
            NoticeAction::Republish => "重新发布",
        }
    }

    /// What was done, for the message and the audit trail.
    pub fn done(self) -> &'static str {
        match self {
            NoticeAction::Pin => "已置顶",
            NoticeAction::Unpin => "已取消置顶",
            NoticeAction::Withdraw => "已撤回,公众不再能看到这条公告",
            NoticeAction::Republish => "已重新发布",
        }
    }
}

/// A notice's state on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeStatus {
    Published,
    Withdrawn,
}

impl NoticeStatus {
    pub fn code(self) -> &'static str {
        match self {
            NoticeStatus::Published => "published",
            NoticeStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeStatus> {
        [NoticeStatus::Published, NoticeStatus::Withdrawn]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The windows 许可公示 offers, in days.
pub const PUBLICITY_WINDOWS: [i64; 3] = [7, 30, 90];
/// The window shown when none (or another number) is asked for.
pub const PUBLICITY_DEFAULT_DAYS: i64 = 30;

/// The window to show for a requested number of days.
pub fn publicity_days(asked: i64) -> i64 {
    if PUBLICITY_WINDOWS.contains(&asked) {
        asked
    } else {
        PUBLICITY_DEFAULT_DAYS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_bodies_are_checked_at_their_fields() {
        let e = NoticeText::parse("  ", "").unwrap_err();
        assert!(e.get("title").unwrap().contains("标题"));
        assert!(e.get("body").unwrap().contains("正文"));
        let long = "字".repeat(TITLE_MAX + 1);
        let e = NoticeText::parse(&long, "正文").unwrap_err();
        assert!(e.get("title").unwrap().contains("61个字"), "{e:?}");
        let e = NoticeText::parse("标题", &"字".repeat(BODY_MAX + 1)).unwrap_err();
        assert!(e.get("body").is_some() && e.get("title").is_none());
        let ok = NoticeText::parse(" 关于 ", "第一行\r\n第二行\n\n").unwrap();
        assert_eq!(ok.title, "关于");
        assert_eq!(ok.body, "第一行\n第二行");
    }

    #[test]
    fn actions_and_windows_round_trip() {
        for a in NoticeAction::ALL {
            assert_eq!(NoticeAction::from_code(a.code()), Some(a));
        }
        assert_eq!(NoticeAction::from_code("delete"), None);
        assert_eq!(publicity_days(7), 7);
        assert_eq!(publicity_days(90), 90);
        assert_eq!(publicity_days(0), 30);
        assert_eq!(publicity_days(100_000), 30);
    }
}
