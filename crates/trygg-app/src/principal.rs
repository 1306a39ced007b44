//! Who is asking: a signed-in user, their organisation and their roles, as every door hands
//! them to the use cases.

use trygg_domain::{Actor, OrganisationId, Permission, Role, Scope, User, UserId, policy};

use crate::AppError;

/// The person a use case acts for.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// The user (id, e-mail, name, organisation, roles).
    pub user: User,
}

impl From<User> for Principal {
    fn from(user: User) -> Self {
        Self { user }
    }
}

impl std::ops::Deref for Principal {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

impl Principal {
    /// Their id.
    pub fn id(&self) -> UserId {
        self.user.id
    }

    /// The organisation they act for.
    pub fn organisation(&self) -> OrganisationId {
        self.user.organisation_id
    }

    /// Their roles.
    pub fn roles(&self) -> &[Role] {
        &self.user.roles
    }

    /// The actor to audit.
    pub fn actor(&self) -> Actor {
        Actor::User { id: self.user.id }
    }

    /// What they may see: the shared picture plus their organisation's internal records.
    pub fn scope(&self) -> Scope {
        Scope::Organisation(self.user.organisation_id)
    }

    /// Whether the policy gives them `p`.
    pub fn may(&self, p: Permission) -> bool {
        policy::allows(&self.user.roles, p)
    }

    /// `Ok` when the policy gives them `p`, else the refusal.
    pub fn check(&self, p: Permission) -> Result<(), AppError> {
        policy::check(&self.user.roles, p).map_err(AppError::Forbidden)
    }

    /// Whether they may see who filed an incident: administrators, and the reporter who filed
    /// it.
    pub fn sees_filer(&self, created_by: Option<UserId>) -> bool {
        self.user.has(Role::Admin) || created_by == Some(self.user.id)
    }
}
