//! The request body: the config's fields in the shape and order the REST API takes.

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::Serialize;

use crate::fields::{Below, Field, FieldKind};
use crate::live::{LiveConnectConfig, LiveConnectConstraints, with_setup_fields};
use crate::lock::Lock;
use crate::mask::MaskFormatter;
use crate::request::Times;
use crate::setup::{GenerationConfig, with_flat_generation_fields};
use crate::timestamp::Rfc3339Buf;

/// Declares [`Setup`], the `bidiGenerateContentSetup` of the body, borrowing from the
/// config: `model`, `generationConfig`, then `fields` (the config's own setup fields)
/// and the escape hatch; and its field tree, for lock names.
macro_rules! setup {
    ({ $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }) => {
        /// The `bidiGenerateContentSetup` of the body, borrowing from the config.
        #[derive(Serialize, Default, PartialEq)]
        #[serde(rename_all = "camelCase")]
        pub(crate) struct Setup<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            model: Option<Cow<'a, str>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            generation_config: Option<Cow<'a, GenerationConfig>>,
            $(
                #[serde(skip_serializing_if = "Option::is_none")]
                $field: Option<&'a $ty>,
            )*
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
        }

        impl<'a> Setup<'a> {
            /// The setup for `constraints`, or `None` when it would be empty (no model
            /// and no field set), in which case no setup is sent at all.
            pub(crate) fn new(constraints: &'a LiveConnectConstraints) -> Option<Self> {
                let model = constraints.model.as_deref().map(model_resource_name);
                static EMPTY: LazyLock<LiveConnectConfig> =
                    LazyLock::new(LiveConnectConfig::default);
                let config = constraints.config.as_ref().unwrap_or(&EMPTY);
                let setup = Setup {
                    model,
                    generation_config: generation_config(config),
                    $($field: config.$field.as_ref(),)*
                    extra: config.extra_setup_fields.as_ref().filter(|m| !m.is_empty()),
                };
                (setup != Setup::default()).then_some(setup)
            }
        }

        impl FieldKind for Setup<'_> {
            const BELOW: Below = Below::Message(&[
                Field::new("model", <String as FieldKind>::BELOW),
                Field::new("generationConfig", <GenerationConfig as FieldKind>::BELOW),
                $(Field::new(wire_name!($field), <$ty as FieldKind>::BELOW),)*
            ]);
        }
    };
}

with_setup_fields! { setup! {} }

/// Copies each flat generation field that is set over the nested config.
macro_rules! overlay {
    ($merged:ident, $config:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }) => {{
        let any = false $(|| $config.$field.is_some())*;
        if any {
            let mut merged = $merged.into_owned();
            $(
                if let Some(value) = &$config.$field {
                    merged.$field = Some(value.clone());
                }
            )*
            $merged = Cow::Owned(merged);
        }
        any
    }};
}

/// `gemini-x` → `models/gemini-x`; names already under `models/` or `tunedModels/` stay.
pub(crate) fn model_resource_name(model: &str) -> Cow<'_, str> {
    if model.starts_with("models/") || model.starts_with("tunedModels/") {
        Cow::Borrowed(model)
    } else {
        let mut name = String::with_capacity("models/".len() + model.len());
        name.push_str("models/");
        name.push_str(model);
        Cow::Owned(name)
    }
}

/// The setup's `generationConfig`: the nested one, with the flat fields over it.
fn generation_config(config: &LiveConnectConfig) -> Option<Cow<'_, GenerationConfig>> {
    let mut merged = match &config.generation_config {
        Some(nested) => Cow::Borrowed(nested),
        None => Cow::Owned(GenerationConfig::default()),
    };
    let any_flat = with_flat_generation_fields! { overlay! { merged, config } };
    (any_flat || config.generation_config.is_some()).then_some(merged)
}

/// Writes a field name and its colon, after a comma unless it is the object's first.
fn field(out: &mut Vec<u8>, name: &str) {
    if out.len() > 1 {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// The end of the body, written once per config: `"bidiGenerateContentSetup":{…}` and
/// `"fieldMask":"…"` (either may be absent), with no comma before.
///
/// Written by hand rather than through a derived struct because the mask is collected
/// while the setup is written: the setup is serialized once, and the mask comes out of
/// the same pass.
pub(crate) fn write_tail(
    setup: Option<&Setup<'_>>,
    lock: &Lock,
) -> Result<Vec<u8>, serde_json::Error> {
    // A stand-in first byte, so that `field` puts commas between fields only.
    let mut out = Vec::with_capacity(512);
    out.push(b'{');
    let mut mask = String::new();
    if let Some(setup) = setup {
        field(&mut out, "bidiGenerateContentSetup");
        if lock.is_all() {
            serde_json::to_writer(&mut out, setup)?;
        } else {
            let mut paths = MaskFormatter::new();
            setup.serialize(&mut serde_json::Serializer::with_formatter(
                &mut out, &mut paths,
            ))?;
            mask = paths.finish();
        }
    }
    for extra in lock.extra_paths() {
        if !mask.split(',').any(|p| p == extra.as_str()) {
            if !mask.is_empty() {
                mask.push(',');
            }
            mask.push_str(extra.as_str());
        }
    }
    if !mask.is_empty() {
        field(&mut out, "fieldMask");
        serde_json::to_writer(&mut out, &mask)?;
    }
    out.remove(0);
    Ok(out)
}

/// Room for everything [`write_body`] writes before the tail.
const HEAD_CAPACITY: usize = 128;

/// The body, in the REST API's key order: `expireTime`, `newSessionExpireTime`,
/// `uses`, then the config's `tail` (setup and mask).
pub(crate) fn write_body(
    times: Times,
    uses: Option<u32>,
    tail: &[u8],
) -> Result<Vec<u8>, serde_json::Error> {
    // The head is at most 122 bytes (two 30-byte timestamps with their names, a
    // ten-digit `uses`, braces and commas): room for it and the tail, so that the body
    // is never copied to grow. 96 was short by a realloc and a copy per token.
    let mut out = Vec::with_capacity(HEAD_CAPACITY + tail.len());
    out.push(b'{');
    for (name, time) in [
        ("expireTime", times.expire),
        ("newSessionExpireTime", times.new_session),
    ] {
        if let Some(at) = time {
            let text = Rfc3339Buf::new(at).map_err(serde::ser::Error::custom)?;
            field(&mut out, name);
            out.push(b'"');
            out.extend_from_slice(text.as_str().as_bytes());
            out.push(b'"');
        }
    }
    if let Some(uses) = uses {
        field(&mut out, "uses");
        serde_json::to_writer(&mut out, &uses)?;
    }
    if !tail.is_empty() {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(tail);
    }
    out.push(b'}');
    Ok(out)
}
