//! `AuthToken.field_mask`, checked against the schema: which paths name a field of
//! `BidiGenerateContentSetup`, and whether they cover every field the setup sets.

use serde_json::{Map, Value};

use crate::schema::{BIDI_GENERATE_CONTENT_SETUP, Kind, Label, Message};

/// A path of the mask, as the fields' JSON names from the top of the setup.
pub(crate) type Path = Vec<&'static str>;

/// The mask's paths; `None` if one names no field of the setup from its top, goes on
/// past a field that is not a message (a list, a map, a scalar), or is empty.
///
/// Each segment may be the field's JSON name (`topK`, the FieldMask JSON form) or its
/// proto name (`top_k`): the SDKs pass a lock name through as the user wrote it, and
/// accepting both is our inference (protobuf's strict parser refuses the second).
/// White space around a path is ignored. An empty mask (`""`) has no paths.
pub(crate) fn parse(mask: &str) -> Option<Vec<Path>> {
    if mask.trim().is_empty() {
        return Some(Vec::new());
    }
    mask.split(',')
        .map(|path| parse_path(path.trim()))
        .collect()
}

fn parse_path(path: &str) -> Option<Path> {
    let mut message: &'static Message = &BIDI_GENERATE_CONTENT_SETUP;
    let mut out = Vec::new();
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let (_, field) = message.field(segment)?;
        out.push(field.json);
        if segments.peek().is_some() {
            match (field.kind, field.label) {
                (Kind::Message(inner), Label::Single) => message = inner,
                _ => return None,
            }
        }
    }
    Some(out)
}

/// The paths of the fields `setup` sets, down to the first field that is not a message
/// with fields set: a scalar, a list, a map, user data, or an empty message. An empty
/// list or map sets nothing (in proto3 it cannot be told from an absent one). `setup`
/// is in the normal form the reader writes (JSON names).
pub(crate) fn set_paths(setup: &Map<String, Value>) -> Vec<Path> {
    let mut out = Vec::new();
    collect(
        setup,
        &BIDI_GENERATE_CONTENT_SETUP,
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn collect(
    object: &Map<String, Value>,
    message: &'static Message,
    prefix: &mut Path,
    out: &mut Vec<Path>,
) {
    for (key, value) in object {
        let Some((_, field)) = message.field(key) else {
            continue;
        };
        prefix.push(field.json);
        match (field.kind, field.label, value) {
            (_, Label::Repeated, Value::Array(items)) if items.is_empty() => {}
            (_, Label::Map, Value::Object(entries)) if entries.is_empty() => {}
            (Kind::Message(inner), Label::Single, Value::Object(fields)) if !fields.is_empty() => {
                collect(fields, inner, prefix, out);
            }
            _ => out.push(prefix.clone()),
        }
        prefix.pop();
    }
}

/// Whether `path` is one of `mask`'s paths or under one.
pub(crate) fn covers(mask: &[Path], path: &[&str]) -> bool {
    mask.iter()
        .any(|m| m.len() <= path.len() && path.get(..m.len()) == Some(m.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_name_setup_fields_from_the_top_through_messages_only() {
        assert_eq!(
            parse("model, generationConfig.top_k,speech_config").map(|p| p.len()),
            None,
            "speechConfig is not a field of the setup"
        );
        assert_eq!(
            parse("model, generationConfig.top_k,generation_config.speech_config.voice_config"),
            Some(vec![
                vec!["model"],
                vec!["generationConfig", "topK"],
                vec!["generationConfig", "speechConfig", "voiceConfig"],
            ])
        );
        for bad in [
            "temperature",
            "tools.0",
            "tools.codeExecution",
            "labels.env",
            "model.name",
            "generationConfig.",
            "model,,tools",
            "explicitVadSignal",
            "sessionResumption.transparent",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse(""), Some(Vec::new()));
    }

    #[test]
    fn set_paths_stop_at_leaves() {
        let setup = json!({
            "model": "models/m",
            "generationConfig": {"temperature": 1.0, "speechConfig": {"voiceConfig": {}}},
            "tools": [],
            "labels": {"a": "b"},
            "inputAudioTranscription": {},
        });
        let Value::Object(setup) = setup else {
            unreachable!()
        };
        let mut paths = set_paths(&setup);
        paths.sort();
        assert_eq!(
            paths,
            [
                vec!["generationConfig", "speechConfig", "voiceConfig"],
                vec!["generationConfig", "temperature"],
                vec!["inputAudioTranscription"],
                vec!["labels"],
                vec!["model"],
            ]
        );
        let mask = parse("generationConfig,model").unwrap_or_default();
        assert!(covers(&mask, &["generationConfig", "temperature"]));
        assert!(!covers(&mask, &["labels"]));
        assert!(!covers(&mask, &["generation"]));
    }

    #[test]
    fn a_list_with_items_is_a_set_path_and_an_empty_one_is_not() {
        let setup = json!({"tools": [{"codeExecution": {}}], "labels": {}});
        let Value::Object(setup) = setup else {
            unreachable!()
        };
        assert_eq!(set_paths(&setup), [vec!["tools"]]);
    }
}
