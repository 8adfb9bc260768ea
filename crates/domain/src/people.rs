//! The rules of people's accounts: who may edit whom, the last admin, and
//! how long a password-reset link lives.

use crate::Role;

/// Seconds a password-reset link stays valid.
pub const RESET_LINK_SECONDS: i64 = 3600;

/// The fields of an account an edit touches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Touched {
    /// Names, e-mail or phone.
    pub contact: bool,
    /// The role.
    pub role: bool,
    /// Active or not.
    pub active: bool,
    /// The language of their mail.
    pub locale: bool,
}

/// Why an edit of an account is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeopleError {
    /// The editor's role may not make this edit.
    #[error("this role may not make this edit")]
    NotAllowed,
    /// The edit would leave no active admin.
    #[error("the last active admin must stay an active admin")]
    LastAdmin,
}

/// Whether `editor` may make an edit touching `touched` of an account whose
/// role is `target`: an admin edits anyone; a rental manager edits a
/// visitor's contact data and nothing else; everyone picks their own language.
pub fn may_edit(editor: Role, own: bool, target: Role, touched: Touched) -> Result<(), PeopleError> {
    let only_locale = Touched {
        locale: true,
        ..Touched::default()
    };
    match editor {
        Role::Admin => Ok(()),
        _ if own && (touched == only_locale || touched == Touched::default()) => Ok(()),
        Role::RentalManager if target == Role::Visitor && !touched.role && !touched.active && !touched.locale => Ok(()),
        _ => Err(PeopleError::NotAllowed),
    }
}

/// An account's standing before or after an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Its role.
    pub role: Role,
    /// Whether it may sign in.
    pub active: bool,
}

impl Standing {
    fn counts_as_admin(self) -> bool {
        self.role == Role::Admin && self.active
    }
}

/// Checks that an edit leaves an active admin; `active_admins` counts them
/// before the edit (the caller holds them locked).
pub fn keeps_an_admin(active_admins: i64, before: Standing, after: Standing) -> Result<(), PeopleError> {
    if before.counts_as_admin() && !after.counts_as_admin() && active_admins <= 1 {
        Err(PeopleError::LastAdmin)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: Standing = Standing {
        role: Role::Admin,
        active: true,
    };

    #[test]
    fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
        let demoted = Standing {
            role: Role::RentalManager,
            active: true,
        };
        let deactivated = Standing {
            role: Role::Admin,
            active: false,
        };
        assert_eq!(keeps_an_admin(1, ADMIN, demoted), Err(PeopleError::LastAdmin));
        assert_eq!(keeps_an_admin(1, ADMIN, deactivated), Err(PeopleError::LastAdmin));
        assert_eq!(keeps_an_admin(2, ADMIN, deactivated), Ok(()));
        assert_eq!(keeps_an_admin(1, ADMIN, ADMIN), Ok(()), "a rename keeps them");
        assert_eq!(
            keeps_an_admin(0, demoted, ADMIN),
            Ok(()),
            "making an admin is always fine"
        );
    }

    #[test]
    fn a_rental_manager_edits_only_a_visitors_contact_data() {
        let contact = Touched {
            contact: true,
            ..Touched::default()
        };
        assert_eq!(may_edit(Role::RentalManager, false, Role::Visitor, contact), Ok(()));
        for touched in [
            Touched { role: true, ..contact },
            Touched {
                active: true,
                ..contact
            },
            Touched {
                locale: true,
                ..contact
            },
        ] {
            assert_eq!(
                may_edit(Role::RentalManager, false, Role::Visitor, touched),
                Err(PeopleError::NotAllowed)
            );
        }
        for target in [Role::Admin, Role::RentalManager, Role::EventManager, Role::Gate] {
            assert_eq!(
                may_edit(Role::RentalManager, false, target, contact),
                Err(PeopleError::NotAllowed)
            );
        }
        let locale = Touched {
            locale: true,
            ..Touched::default()
        };
        assert_eq!(
            may_edit(Role::Visitor, true, Role::Visitor, locale),
            Ok(()),
            "their own language"
        );
        assert_eq!(
            may_edit(Role::Visitor, false, Role::Visitor, locale),
            Err(PeopleError::NotAllowed)
        );
        assert_eq!(
            may_edit(Role::Gate, true, Role::Gate, contact),
            Err(PeopleError::NotAllowed)
        );
        assert_eq!(
            may_edit(Role::EventManager, false, Role::Visitor, contact),
            Err(PeopleError::NotAllowed)
        );
        assert_eq!(
            may_edit(
                Role::Admin,
                false,
                Role::Admin,
                Touched {
                    role: true,
                    active: true,
                    ..contact
                }
            ),
            Ok(())
        );
    }
}
