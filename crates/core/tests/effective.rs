//! The effective setup (what a session runs with) and the explanation of a config:
//! properties over random setups and masks, and the traps, exactly.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::{
    CreateAuthTokenConfig, Explanation, LiveConnectConfig, LiveConnectConstraints, Lock, Locked,
    SetupJson, Warning, effective_setup,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const KEYS: [&str; 3] = ["a", "b", "c"];

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        (0i64..4).prop_map(Value::from),
        Just(Value::from("s")),
        Just(json!([1, 2])),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        prop::collection::btree_map(prop::sample::select(KEYS.to_vec()), inner, 0..3)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
    })
}

fn setup() -> impl Strategy<Value = SetupJson> {
    prop::collection::btree_map(prop::sample::select(KEYS.to_vec()), value(), 0..3)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(KEYS.to_vec()), 1..4).prop_map(|s| s.join("."))
}

fn at<'v>(setup: &'v SetupJson, path: &str) -> Option<&'v Value> {
    let segments: Vec<&str> = path.split('.').collect();
    let (last, parents) = segments.split_last().unwrap();
    let mut here = setup;
    for segment in parents {
        here = here.get(*segment)?.as_object()?;
    }
    here.get(*last)
}

/// Whether `path` is locked wholly by one of `mask` (it or an ancestor is masked).
fn locked(mask: &[String], path: &str) -> bool {
    mask.iter()
        .any(|m| path == m || path.starts_with(&format!("{m}.")))
}

/// Whether some masked path lies inside `path`.
fn holds_locked(mask: &[String], path: &str) -> bool {
    mask.iter().any(|m| m.starts_with(&format!("{path}.")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A locked path always carries the token's value (or nothing, when the token
    /// leaves it unset); a path no lock touches carries the client's.
    #[test]
    fn locked_paths_are_the_tokens_and_free_ones_the_clients(
        token in setup(),
        client in setup(),
        mask in prop::collection::vec(path(), 1..4),
        probes in prop::collection::vec(path(), 1..8),
    ) {
        let applied = effective_setup(Some(&token), Some(&mask.join(",")), &client);
        for probe in mask.iter().chain(&probes) {
            if locked(&mask, probe) {
                // The token's value at the nearest masked ancestor is copied whole.
                prop_assert_eq!(at(&applied, probe), at(&token, probe), "{}", probe);
            } else if !holds_locked(&mask, probe) {
                prop_assert_eq!(at(&applied, probe), at(&client, probe), "{}", probe);
            }
        }
    }

    /// Without a mask the client is ignored entirely (`Lock::All`); without a token
    /// setup the client's is used as it is.
    #[test]
    fn no_mask_is_the_token_and_no_setup_is_the_client(token in setup(), client in setup()) {
        prop_assert_eq!(&effective_setup(Some(&token), None, &client), &token);
        prop_assert_eq!(&effective_setup(Some(&token), Some(" , "), &client), &token);
        prop_assert_eq!(&effective_setup(None, None, &client), &client);
    }
}

fn object(value: Value) -> SetupJson {
    value.as_object().unwrap().clone()
}

#[test]
fn a_locked_path_the_token_leaves_unset_clears_the_clients_value() {
    let token = object(json!({"model": "models/m"}));
    let client = object(json!({
        "model": "models/other",
        "generationConfig": {"temperature": 1.5, "topK": 3},
        "sessionResumption": {}
    }));
    assert_eq!(
        Value::Object(effective_setup(
            Some(&token),
            Some("model,generationConfig.temperature,sessionResumption"),
            &client
        )),
        json!({"model": "models/m", "generationConfig": {"topK": 3}})
    );
}

fn explain(config: CreateAuthTokenConfig) -> Explanation {
    Explanation::new(&config).unwrap()
}

fn model_only() -> LiveConnectConstraints {
    LiveConnectConstraints::new().model("gemini-live-2.5-flash-preview")
}

#[test]
fn a_pinned_model_with_the_whole_setup_locked_shows_every_trap() {
    let explained = explain(CreateAuthTokenConfig::new().constraints(model_only()));
    assert_eq!(explained.locked(), &Locked::Everything);
    assert!(explained.free_fields().is_empty());
    assert_eq!(explained.field_mask(), None);
    assert_eq!(
        explained.warnings(),
        [
            Warning::ClientSetupIgnored {
                token_sets: vec!["model".into()]
            },
            Warning::SessionResumptionLockedOff,
            Warning::Pinned {
                path: "model".into(),
                value: Some("models/gemini-live-2.5-flash-preview".into())
            },
            Warning::Pinned {
                path: "generationConfig.responseModalities".into(),
                value: None
            },
            Warning::Pinned {
                path: "generationConfig.speechConfig".into(),
                value: None
            },
        ]
    );
    assert_eq!(
        explained.warnings()[0].to_string(),
        "the whole setup is locked: the client's setup is ignored, and everything the token \
         leaves unset runs with the service's defaults (the token sets only: model); lock the \
         set fields instead to let clients add their own"
    );
    assert_eq!(
        explained.warnings()[1].to_string(),
        "session resumption is locked off: clients cannot enable it, so they cannot reconnect \
         after the server's goAway; set session_resumption in the token, or leave it unlocked"
    );
    assert_eq!(
        explained.warnings()[2].to_string(),
        "clients cannot change `model`: it is pinned to \"models/gemini-live-2.5-flash-preview\""
    );
    assert_eq!(
        explained.warnings()[3].to_string(),
        "clients cannot change `generationConfig.responseModalities`: it stays at the \
         service's default"
    );
    // Whatever the client sends, the session runs with the token's setup alone.
    let client =
        object(json!({"model": "models/x", "systemInstruction": {"parts": [{"text": "Hi"}]}}));
    assert_eq!(
        Value::Object(explained.effective_setup(&client)),
        json!({"model": "models/gemini-live-2.5-flash-preview"})
    );
}

#[test]
fn locking_the_set_fields_leaves_the_rest_to_the_client() {
    let explained = explain(
        CreateAuthTokenConfig::new()
            .constraints(model_only().config(LiveConnectConfig::new().temperature(0.2)))
            .lock(Lock::SetFields),
    );
    assert_eq!(
        explained.locked(),
        &Locked::Paths(vec!["model".into(), "generationConfig.temperature".into()])
    );
    assert_eq!(
        explained.field_mask(),
        Some("model,generationConfig.temperature")
    );
    assert_eq!(
        explained.token_setup().cloned().map(Value::Object),
        Some(json!({"model": "models/gemini-live-2.5-flash-preview",
                    "generationConfig": {"temperature": 0.2}}))
    );
    assert_eq!(explained.partly_locked_fields(), ["generationConfig"]);
    assert_eq!(
        explained.free_fields()[..3],
        ["systemInstruction", "tools", "sessionResumption"]
    );
    assert!(!explained.free_fields().contains(&"model"));
    assert_eq!(
        explained.warnings(),
        [Warning::Pinned {
            path: "model".into(),
            value: Some("models/gemini-live-2.5-flash-preview".into())
        }]
    );
}

#[test]
fn an_extra_lock_on_an_unset_field_pins_it_to_the_default() {
    let explained = explain(
        CreateAuthTokenConfig::new()
            .constraints(model_only())
            .lock(Lock::set_fields_and(["top_k", "session_resumption", "speech_config"]).unwrap()),
    );
    assert_eq!(
        explained.warnings(),
        [
            Warning::SessionResumptionLockedOff,
            Warning::Pinned {
                path: "model".into(),
                value: Some("models/gemini-live-2.5-flash-preview".into())
            },
            Warning::Pinned {
                path: "generationConfig.speechConfig".into(),
                value: None
            },
            Warning::LockedToDefault {
                path: "generationConfig.topK".into()
            },
        ]
    );
    assert_eq!(
        explained.warnings()[3].to_string(),
        "`generationConfig.topK` is locked but the token leaves it unset: clients cannot set \
         it, and it stays at the service's default"
    );
}

#[test]
fn a_token_without_a_setup_locks_nothing() {
    let explained = explain(CreateAuthTokenConfig::new().uses(1));
    assert_eq!(explained.locked(), &Locked::Nothing);
    assert_eq!(explained.token_setup(), None);
    assert!(explained.warnings().is_empty());
    assert_eq!(explained.free_fields()[..2], ["model", "generationConfig"]);
    let client = object(json!({"model": "models/x"}));
    assert_eq!(explained.effective_setup(&client), client);
}

#[test]
fn lock_names_without_constraints_clear_those_fields() {
    let explained =
        explain(CreateAuthTokenConfig::new().lock(Lock::set_fields_and(["top_k"]).unwrap()));
    assert_eq!(explained.token_setup(), None);
    assert_eq!(
        explained.locked(),
        &Locked::Paths(vec!["generationConfig.topK".into()])
    );
    assert_eq!(
        explained.warnings(),
        [Warning::LockedToDefault {
            path: "generationConfig.topK".into()
        }]
    );
    let client = object(json!({"model": "models/x", "generationConfig": {"topK": 9, "seed": 1}}));
    assert_eq!(
        Value::Object(explained.effective_setup(&client)),
        json!({"model": "models/x", "generationConfig": {"seed": 1}})
    );
}

#[test]
fn session_resumption_set_in_the_token_is_no_trap() {
    let explained =
        explain(
            CreateAuthTokenConfig::new()
                .constraints(model_only().config(
                    LiveConnectConfig::new().session_resumption(
                        gemini_token_core::setup::SessionResumptionConfig::new(),
                    ),
                ))
                .lock(Lock::SetFields),
        );
    assert!(
        !explained
            .warnings()
            .contains(&Warning::SessionResumptionLockedOff)
    );
}
