//! The board's roles and the permission matrix: the one place that says who
//! may do what. Enforced on the server for every action; tested cell by cell.

use serde::Serialize;

/// A board member's role (Decision on the board's rules, typically: a head
/// who is a vice-chairman of the People's Committee, deputies, members, and
/// the officials who send material).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Head,
    Deputy,
    Member,
    Contributor,
}

/// Something a board member may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Create,
    Edit,
    Submit,
    Assign,
    Approve,
    Publish,
    Schedule,
    Withdraw,
    Delete,
    ManageUsers,
    ChangeSettings,
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Self::Create,
        Self::Edit,
        Self::Submit,
        Self::Assign,
        Self::Approve,
        Self::Publish,
        Self::Schedule,
        Self::Withdraw,
        Self::Delete,
        Self::ManageUsers,
        Self::ChangeSettings,
    ];
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Head, Self::Deputy, Self::Member, Self::Contributor];

    pub fn code(self) -> &'static str {
        match self {
            Self::Head => "head",
            Self::Deputy => "deputy",
            Self::Member => "member",
            Self::Contributor => "contributor",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.code() == code)
    }

    /// The role as the board calls it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Head => "Trưởng ban",
            Self::Deputy => "Phó trưởng ban",
            Self::Member => "Ủy viên",
            Self::Contributor => "Cộng tác viên",
        }
    }

    /// The matrix. Members prepare and edit; deputies also steer and
    /// publish; only the head manages the board and the site's settings.
    /// Contributors send material (and edit only what they sent, while it
    /// is still theirs: see `workflow`).
    pub fn may(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Self::Head => true,
            Self::Deputy => !matches!(permission, P::ManageUsers | P::ChangeSettings),
            Self::Member => matches!(permission, P::Create | P::Edit | P::Submit),
            Self::Contributor => matches!(permission, P::Create | P::Submit),
        }
    }
}

/// Who may use a route of the workspace, the console, the sites or the
/// media service: what each router declares for every path and method.
/// The handlers make their own checks; the permission tests prove that
/// each enforces what its route declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not: the public sites, signing in, setting a
    /// forgotten password, an operator's support hand-over, the scripts.
    Anyone,
    /// Any board member of the commune, whatever the role (what is only
    /// one's own, such as a contributor's drafts, the handler decides).
    SignedIn,
    /// The board proper: every role but contributors (the statistics, the
    /// yearly report).
    Board,
    /// A board member whose role has this permission.
    Capability(Permission),
    /// A signed-in operator of the console (of a region: only its communes).
    Operator,
    /// An operator of the whole platform, not of one region.
    PlatformOperator,
}

impl Need {
    /// Whether a board member in `role` may use the route; operators'
    /// routes are no board member's.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Self::Anyone | Self::SignedIn => true,
            Self::Board => role != Role::Contributor,
            Self::Capability(permission) => role.may(permission),
            Self::Operator | Self::PlatformOperator => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission as P;

    /// The matrix written out cell by cell, as the board's rules state it:
    /// a change to `may` must change this table too.
    const EXPECTED: [(Role, [bool; 11]); 4] = [
        //                 create edit  submit assign approve publish schedule withdraw delete users settings
        (
            Role::Head,
            [
                true, true, true, true, true, true, true, true, true, true, true,
            ],
        ),
        (
            Role::Deputy,
            [
                true, true, true, true, true, true, true, true, true, false, false,
            ],
        ),
        (
            Role::Member,
            [
                true, true, true, false, false, false, false, false, false, false, false,
            ],
        ),
        (
            Role::Contributor,
            [
                true, false, true, false, false, false, false, false, false, false, false,
            ],
        ),
    ];

    #[test]
    fn every_cell_of_the_permission_matrix_is_as_the_rules_say() {
        for (role, row) in EXPECTED {
            for (permission, expected) in P::ALL.into_iter().zip(row) {
                assert_eq!(role.may(permission), expected, "{role:?} {permission:?}");
            }
        }
    }

    #[test]
    fn a_routes_need_follows_the_matrix() {
        assert!(Need::SignedIn.allows(Role::Contributor));
        assert!(!Need::Board.allows(Role::Contributor));
        assert!(Need::Board.allows(Role::Member));
        assert!(Need::Capability(P::Publish).allows(Role::Deputy));
        assert!(!Need::Capability(P::ManageUsers).allows(Role::Deputy));
        assert!(!Need::Operator.allows(Role::Head));
    }

    #[test]
    fn roles_round_trip_through_their_codes() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
