//! The editorial workflow as a state machine: draft → submitted → assigned
//! → edited → awaiting approval → published (now, or scheduled for later),
//! or returned with comments; published items withdrawn with a reason. Pure
//! rules here; `items` applies them to the database and records each move.

use serde::Serialize;

use crate::roles::{Permission, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Assigned,
    Edited,
    AwaitingApproval,
    Returned,
    Scheduled,
    Published,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Self::Draft,
        Self::Submitted,
        Self::Assigned,
        Self::Edited,
        Self::AwaitingApproval,
        Self::Returned,
        Self::Scheduled,
        Self::Published,
        Self::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Assigned => "assigned",
            Self::Edited => "edited",
            Self::AwaitingApproval => "awaiting_approval",
            Self::Returned => "returned",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Draft => "Bản nháp",
            Self::Submitted => "Đã gửi, chờ phân công",
            Self::Assigned => "Đã phân công biên tập",
            Self::Edited => "Đã biên tập",
            Self::AwaitingApproval => "Chờ duyệt",
            Self::Returned => "Trả lại để sửa",
            Self::Scheduled => "Hẹn giờ đăng",
            Self::Published => "Đã đăng",
            Self::Withdrawn => "Đã gỡ",
        }
    }

    /// Before publication: the text may still change in place.
    pub fn is_unpublished(self) -> bool {
        !matches!(self, Self::Published | Self::Withdrawn)
    }
}

/// A move of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A contributor or member sends the item to the board.
    Submit,
    /// The head or a deputy gives it to a member to edit.
    Assign,
    /// The editor sends it for approval.
    SendForApproval,
    /// Back to the editor, with comments.
    Return,
    Publish,
    /// Published at a set time by the publishing job.
    Schedule,
    /// A published item comes down, with a reason.
    Withdraw,
    /// A correction of a published item goes live.
    ApproveCorrection,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Self::Submit,
        Self::Assign,
        Self::SendForApproval,
        Self::Return,
        Self::Publish,
        Self::Schedule,
        Self::Withdraw,
        Self::ApproveCorrection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Assign => "assign",
            Self::SendForApproval => "send_for_approval",
            Self::Return => "return",
            Self::Publish => "publish",
            Self::Schedule => "schedule",
            Self::Withdraw => "withdraw",
            Self::ApproveCorrection => "approve_correction",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The button's words.
    pub fn name(self) -> &'static str {
        match self {
            Self::Submit => "Gửi ban biên tập",
            Self::Assign => "Phân công biên tập",
            Self::SendForApproval => "Trình duyệt",
            Self::Return => "Trả lại để sửa",
            Self::Publish => "Duyệt và đăng ngay",
            Self::Schedule => "Duyệt và hẹn giờ đăng",
            Self::Withdraw => "Gỡ bài",
            Self::ApproveCorrection => "Duyệt bản sửa",
        }
    }

    /// The permission the action needs.
    pub fn permission(self) -> Permission {
        match self {
            Self::Submit | Self::SendForApproval => Permission::Submit,
            Self::Assign => Permission::Assign,
            Self::Return | Self::ApproveCorrection => Permission::Approve,
            Self::Publish => Permission::Publish,
            Self::Schedule => Permission::Schedule,
            Self::Withdraw => Permission::Withdraw,
        }
    }

    /// Whether the action needs words from its author (a return's comments,
    /// a withdrawal's reason).
    pub fn needs_comment(self) -> bool {
        matches!(self, Self::Return | Self::Withdraw)
    }

    /// Where the action leads from `from`, or None when it does not apply.
    pub fn next(self, from: Status) -> Option<Status> {
        use Status as S;
        match (self, from) {
            (Self::Submit, S::Draft) => Some(S::Submitted),
            (
                Self::Assign,
                S::Submitted
                | S::Draft
                | S::Returned
                | S::Assigned
                | S::Edited
                | S::AwaitingApproval,
            ) => Some(S::Assigned),
            (Self::SendForApproval, S::Draft | S::Assigned | S::Edited | S::Returned) => {
                Some(S::AwaitingApproval)
            }
            (
                Self::Return,
                S::Submitted | S::Assigned | S::Edited | S::AwaitingApproval | S::Scheduled,
            ) => Some(S::Returned),
            (Self::Publish, s) if s.is_unpublished() => Some(S::Published),
            (Self::Schedule, s) if s.is_unpublished() => Some(S::Scheduled),
            (Self::Withdraw, S::Published | S::Scheduled) => Some(S::Withdrawn),
            (Self::ApproveCorrection, S::Published) => Some(S::Published),
            _ => None,
        }
    }
}

/// Whether `role` may take `action` on an item in `status`; `own` says the
/// item is the actor's own (they created it or it is assigned to them).
/// Contributors act only on their own drafts; everyone else by the matrix.
pub fn allowed(role: Role, action: Action, status: Status, own: bool) -> bool {
    if action.next(status).is_none() || !role.may(action.permission()) {
        return false;
    }
    match role {
        Role::Contributor => own && status == Status::Draft,
        // Members send for approval what they were given or wrote.
        Role::Member => own,
        Role::Head | Role::Deputy => true,
    }
}

/// Whether `role` may change the text of an item in `status`.
pub fn may_edit(role: Role, status: Status, own: bool) -> bool {
    match role {
        Role::Contributor => own && status == Status::Draft,
        Role::Member => own && !matches!(status, Status::Scheduled | Status::Withdrawn),
        Role::Head | Role::Deputy => status != Status::Withdrawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status as S;

    #[test]
    fn the_path_from_received_to_published() {
        let mut status = S::Draft;
        for (action, expected) in [
            (Action::Submit, S::Submitted),
            (Action::Assign, S::Assigned),
            (Action::SendForApproval, S::AwaitingApproval),
            (Action::Return, S::Returned),
            (Action::SendForApproval, S::AwaitingApproval),
            (Action::Schedule, S::Scheduled),
            (Action::Publish, S::Published),
            (Action::ApproveCorrection, S::Published),
            (Action::Withdraw, S::Withdrawn),
        ] {
            status = action
                .next(status)
                .unwrap_or_else(|| panic!("{action:?} from {status:?}"));
            assert_eq!(status, expected);
        }
    }

    #[test]
    fn moves_that_make_no_sense_are_refused() {
        assert_eq!(Action::Submit.next(S::Published), None);
        assert_eq!(Action::Withdraw.next(S::Draft), None);
        assert_eq!(Action::Return.next(S::Published), None);
        assert_eq!(Action::Publish.next(S::Withdrawn), None);
        assert_eq!(Action::ApproveCorrection.next(S::Draft), None);
    }

    #[test]
    fn contributors_send_their_own_drafts_and_nothing_else() {
        assert!(allowed(Role::Contributor, Action::Submit, S::Draft, true));
        assert!(!allowed(Role::Contributor, Action::Submit, S::Draft, false));
        for action in Action::ALL {
            if action != Action::Submit {
                assert!(
                    !allowed(Role::Contributor, action, S::AwaitingApproval, true),
                    "{action:?}"
                );
            }
        }
        assert!(may_edit(Role::Contributor, S::Draft, true));
        assert!(!may_edit(Role::Contributor, S::Submitted, true));
    }

    #[test]
    fn members_edit_what_they_were_given_but_never_publish() {
        assert!(allowed(
            Role::Member,
            Action::SendForApproval,
            S::Assigned,
            true
        ));
        assert!(!allowed(
            Role::Member,
            Action::SendForApproval,
            S::Assigned,
            false
        ));
        for action in [
            Action::Publish,
            Action::Schedule,
            Action::Return,
            Action::Assign,
            Action::Withdraw,
        ] {
            assert!(
                !allowed(Role::Member, action, S::AwaitingApproval, true),
                "{action:?}"
            );
        }
        assert!(may_edit(Role::Member, S::Returned, true));
        assert!(!may_edit(Role::Member, S::Returned, false));
    }

    #[test]
    fn the_head_and_deputies_steer_and_publish() {
        for role in [Role::Head, Role::Deputy] {
            assert!(allowed(role, Action::Assign, S::Submitted, false));
            assert!(allowed(role, Action::Publish, S::AwaitingApproval, false));
            assert!(allowed(role, Action::Return, S::AwaitingApproval, false));
            assert!(allowed(role, Action::Withdraw, S::Published, false));
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.code()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(a));
        }
    }
}
