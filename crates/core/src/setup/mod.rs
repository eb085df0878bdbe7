//! The Live API `setup` message, typed: the pieces a token's constraints are made of.
//!
//! Every message here serializes to the REST API's camelCase JSON and deserializes
//! from it strictly: an unknown field is an error. The snake_case keys and shorthands
//! that Python and JavaScript users write are accepted by
//! [`CreateAuthTokenConfig`](crate::CreateAuthTokenConfig), which translates them
//! first.

mod content;
mod generation;
mod safety;
mod session;
mod tools;

pub use content::*;
pub use generation::*;
pub use safety::*;
pub use session::*;
pub use tools::*;

pub(crate) use generation::with_flat_generation_fields;
