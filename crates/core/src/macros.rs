//! Declarative macros for the Live setup types, which are many and alike: a message
//! (a struct of optional fields, camelCase on the wire, unknown fields refused, a
//! chaining setter per field, and its place in the lock-name tree) and a wire enum (a
//! closed set of SCREAMING_CASE names). Writing them by hand would repeat the same six
//! attributes on every one of a hundred fields, and the field names once more in the
//! tree that lock names are checked against.

/// Declares a setup message: every field optional, omitted from JSON when `None`.
///
/// The fields may come in several brace groups, one after the other, so that a list
/// shared by two messages is written once and spliced in (`with_flat_generation_fields!`);
/// they are one struct, in the order given, which is the wire order. After them,
/// `lock_only [...]` lists fields (as [`Field`](crate::fields::Field)s) that the API has
/// and a config cannot set, for the lock-name tree only.
macro_rules! message {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $({
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty
            ),* $(,)?
        })+
        $(lock_only [$($lock_only:expr),* $(,)?])?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[non_exhaustive]
        pub struct $name {
            $($(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*)+
        }

        impl $name {
            /// A message with no field set; add fields with the setters.
            pub fn new() -> Self {
                Self::default()
            }

            $($(
                $(#[$fmeta])*
                #[must_use]
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*)+
        }

        impl $crate::fields::FieldKind for $name {
            const BELOW: $crate::fields::Below = $crate::fields::Below::Message(&[
                $($(
                    $crate::fields::Field::new(
                        wire_name!($field),
                        <$ty as $crate::fields::FieldKind>::BELOW,
                    ),
                )*)+
                $($($lock_only,)*)?
            ]);
        }
    };
}

/// Declares an enum sent as one of a closed set of strings.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $wire)]
                $variant,
            )*
        }

        impl $name {
            /// The name the API uses for this value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::fields::FieldKind for $name {
            const BELOW: $crate::fields::Below = $crate::fields::Below::Nothing;
        }
    };
}

/// Declares a message with no fields, sent as `{}` to switch a feature on.
macro_rules! empty_message {
    ($(#[$meta:meta])* pub struct $name:ident;) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct $name {}

        impl $name {
            /// The message (it has no fields).
            pub fn new() -> Self {
                Self::default()
            }
        }

        impl $crate::fields::FieldKind for $name {
            const BELOW: $crate::fields::Below = $crate::fields::Below::Message(&[]);
        }
    };
}

/// The wire name of a message field: its Rust name by serde's `rename_all =
/// "camelCase"` rule, worked out at compile time (a `&'static str`).
macro_rules! wire_name {
    ($field:ident) => {{
        const SNAKE: &str = stringify!($field);
        const CAMEL: [u8; $crate::fields::camel_len(SNAKE)] = $crate::fields::camel_bytes(SNAKE);
        $crate::fields::as_str(&CAMEL, SNAKE)
    }};
}
