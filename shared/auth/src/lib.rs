//! Sign-in building blocks shared by the operators' console and the boards'
//! workspace: password hashing, session and CSRF tokens, session cookies.

pub mod cookie;
pub mod lockout;
pub mod password;
pub mod token;
