//! `gemini-token explain`: what a token's clients may change, the traps in its config,
//! and, given a client's setup, the setup a session would run with.

use gemini_token_core::{Explanation, Locked, SetupJson, Warning};
use serde_json::{Value, json};

use crate::Failure;
use crate::args::MintArgs;
use crate::{config_file, mint};

/// Runs `explain` as `args` say; what to print on stdout.
pub(crate) fn run(args: MintArgs) -> Result<String, Failure> {
    let mut config = config_file::load(args.config.as_deref())?;
    mint::apply(&mut config, args.overrides);
    let explained = Explanation::new(&config).map_err(|e| mint::failure(e.into()))?;
    let client = args
        .client_setup
        .as_deref()
        .map(|path| {
            let bytes = config_file::read(path, "--client-setup", "a setup is a JSON object")?;
            client_setup(&bytes).map_err(|why| {
                Failure::bad_input(format!("--client-setup {}: {why}", path.display()))
            })
        })
        .transpose()?;
    let effective = client.as_ref().map(|c| explained.effective_setup(c));
    Ok(if args.output == crate::args::Output::Json {
        json_report(&explained, effective.as_ref())
    } else {
        text_report(&explained, effective.as_ref())
    })
}

/// A client's setup: a JSON object in the API's form, bare or as `{"setup": {...}}`.
fn client_setup(bytes: &[u8]) -> Result<SetupJson, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(mut object) = value else {
        return Err("not a JSON object; a setup message is one".to_owned());
    };
    let setup = match object.remove("setup") {
        Some(Value::Object(setup)) if object.is_empty() => setup,
        Some(_) if object.is_empty() => return Err("`setup` is not a JSON object".to_owned()),
        Some(other) => {
            object.insert("setup".to_owned(), other);
            object
        }
        None => object,
    };
    // Masks name the API's lowerCamel fields: a snake_case name would match none of them.
    for (parent, fields) in [
        ("", Some(&setup)),
        (
            "generationConfig.",
            setup.get("generationConfig").and_then(Value::as_object),
        ),
    ] {
        for name in fields.into_iter().flat_map(|f| f.keys()) {
            if name.contains('_') {
                return Err(format!(
                    "`{parent}{name}` is not the API's JSON name; write setups with lowerCamel \
                     names (generationConfig, systemInstruction)"
                ));
            }
        }
    }
    Ok(setup)
}

fn locked_text(locked: &Locked) -> String {
    match locked {
        Locked::Nothing => {
            "nothing: the token has no setup; the client's is used as it is".to_owned()
        }
        Locked::Everything => {
            "everything: the token's setup is used and the client's ignored".to_owned()
        }
        Locked::Paths(paths) => paths.join(", "),
        _ => "unknown".to_owned(),
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn text_report(explained: &Explanation, effective: Option<&SetupJson>) -> String {
    let setup = explained.token_setup().map_or_else(
        || "none".to_owned(),
        |s| Value::Object(s.clone()).to_string(),
    );
    let mut out = format!(
        "token setup:   {setup}\n\
         field mask:    {}\n\
         locked:        {}\n\
         partly locked: {}\n\
         client may set: {}\n",
        explained.field_mask().unwrap_or("none"),
        locked_text(explained.locked()),
        list(&explained.partly_locked_fields()),
        list(&explained.free_fields()),
    );
    if explained.warnings().is_empty() {
        out.push_str("warnings:      none\n");
    } else {
        out.push_str("warnings:\n");
        for warning in explained.warnings() {
            out.push_str(&format!("  - {warning}\n"));
        }
    }
    if let Some(effective) = effective {
        out.push_str(&format!(
            "effective setup: {}\n",
            Value::Object(effective.clone())
        ));
    }
    out
}

/// A warning's kind, for scripts.
fn kind(warning: &Warning) -> &'static str {
    match warning {
        Warning::ClientSetupIgnored { .. } => "clientSetupIgnored",
        Warning::SessionResumptionLockedOff => "sessionResumptionLockedOff",
        Warning::Pinned { .. } => "pinned",
        Warning::LockedToDefault { .. } => "lockedToDefault",
        _ => "other",
    }
}

fn json_report(explained: &Explanation, effective: Option<&SetupJson>) -> String {
    let locked = match explained.locked() {
        Locked::Nothing => json!("nothing"),
        Locked::Everything => json!("everything"),
        Locked::Paths(paths) => json!(paths),
        _ => json!(null),
    };
    let warnings: Vec<Value> = explained
        .warnings()
        .iter()
        .map(|w| json!({"kind": kind(w), "message": w.to_string()}))
        .collect();
    let mut report = json!({
        "tokenSetup": explained.token_setup(),
        "fieldMask": explained.field_mask(),
        "locked": locked,
        "partlyLocked": explained.partly_locked_fields(),
        "free": explained.free_fields(),
        "warnings": warnings,
    });
    if let (Some(effective), Some(object)) = (effective, report.as_object_mut()) {
        object.insert(
            "effectiveSetup".to_owned(),
            Value::Object(effective.clone()),
        );
    }
    format!("{report}\n")
}
