//! Invariants over generated configs: the lock mask, serialization round trips, and
//! no input that panics.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;

use gemini_token_core::formats::camel_to_snake;
use gemini_token_core::setup::{
    ActivityHandling, AutomaticActivityDetection, CodeExecution, ContextWindowCompressionConfig,
    FunctionDeclaration, GenerationConfig, GoogleSearch, HarmBlockThreshold, HarmCategory,
    Modality, ProactivityConfig, RealtimeInputConfig, SafetySetting, SessionResumptionConfig,
    SlidingWindow, ThinkingConfig, Tool,
};
use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, LiveConnectConfig, LiveConnectConstraints, Lock,
    LockPath, TokenTime, prepare,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

fn now() -> OffsetDateTime {
    time::macros::datetime!(2026-01-01 00:00 UTC)
}

fn key() -> ApiKey {
    ApiKey::new("AIzaSy-property-test").unwrap_or_else(|e| panic!("{e}"))
}

fn tool() -> impl Strategy<Value = Tool> {
    prop_oneof![
        Just(Tool::new().code_execution(CodeExecution::new())),
        Just(Tool::new().google_search(GoogleSearch::new())),
        ("[a-z_]{1,12}", proptest::option::of("[ -~]{0,20}")).prop_map(|(name, description)| {
            let mut f = FunctionDeclaration::new().name(name).parameters(json!({
                "type": "OBJECT", "properties": {"snake_key": {"type": "STRING"}}
            }));
            f.description = description;
            Tool::function(f)
        }),
    ]
}

fn generation() -> impl Strategy<Value = GenerationConfig> {
    (
        proptest::option::of(0.0f64..2.0),
        proptest::option::of(1i32..100),
        proptest::option::of(0i32..1024),
    )
        .prop_map(|(temperature, top_k, budget)| {
            let mut g = GenerationConfig::new();
            g.temperature = temperature;
            g.top_k = top_k;
            g.thinking_config = budget.map(|b| ThinkingConfig::new().thinking_budget(b));
            g
        })
}

fn live_config() -> impl Strategy<Value = LiveConnectConfig> {
    (
        (
            proptest::option::of(generation()),
            proptest::option::of(proptest::collection::vec(
                prop_oneof![Just(Modality::Audio), Just(Modality::Text)],
                0..3,
            )),
            proptest::option::of(-1.0e6f64..1.0e6),
            proptest::option::of(0.0f64..1.0),
            proptest::option::of(any::<i32>()),
            proptest::option::of("[A-Z][a-z]{2,8}"),
        ),
        (
            proptest::option::of("[ -~é🇫]{0,40}"),
            proptest::option::of(proptest::collection::vec(tool(), 0..4)),
            proptest::option::of(proptest::option::of("[a-z0-9-]{1,10}")),
            proptest::option::of((
                proptest::option::of(any::<bool>()),
                proptest::option::of(0i32..2000),
            )),
            proptest::option::of((
                proptest::option::of(0i64..100_000),
                proptest::option::of(0i64..100_000),
            )),
            proptest::option::of(any::<bool>()),
            proptest::option::of(proptest::collection::btree_map(
                "[a-zA-Z_]{1,8}",
                "[a-z]{0,5}",
                0..3,
            )),
            proptest::option::of(Just(vec![
                SafetySetting::new()
                    .category(HarmCategory::HateSpeech)
                    .threshold(HarmBlockThreshold::BlockNone),
            ])),
        ),
    )
        .prop_map(
            |(
                (generation_config, modalities, temperature, top_p, seed, voice),
                (instruction, tools, resumption, vad, compression, proactive, labels, safety),
            )| {
                let mut c = LiveConnectConfig::new();
                c.generation_config = generation_config;
                c.response_modalities = modalities;
                c.temperature = temperature;
                c.top_p = top_p;
                c.seed = seed;
                c.speech_config = voice.map(|v| v.as_str().into());
                c.system_instruction = instruction.map(Into::into);
                c.tools = tools;
                c.session_resumption = resumption.map(|handle| {
                    let mut s = SessionResumptionConfig::new();
                    s.handle = handle;
                    s
                });
                c.realtime_input_config = vad.map(|(disabled, silence)| {
                    let mut aad = AutomaticActivityDetection::new();
                    aad.disabled = disabled;
                    aad.silence_duration_ms = silence;
                    RealtimeInputConfig::new()
                        .automatic_activity_detection(aad)
                        .activity_handling(ActivityHandling::NoInterruption)
                });
                c.context_window_compression = compression.map(|(trigger, target)| {
                    let mut w = ContextWindowCompressionConfig::new();
                    w.trigger_tokens = trigger;
                    w.sliding_window = target.map(|t| SlidingWindow::new().target_tokens(t));
                    w
                });
                c.proactivity = proactive.map(|p| ProactivityConfig::new().proactive_audio(p));
                c.labels = labels.map(|l: BTreeMap<String, String>| l);
                c.safety_settings = safety;
                c
            },
        )
}

fn constraints() -> impl Strategy<Value = LiveConnectConstraints> {
    (
        proptest::option::of("[a-z][a-z0-9.-]{0,30}"),
        proptest::option::of(live_config()),
    )
        .prop_map(|(model, config)| {
            let mut c = LiveConnectConstraints::new();
            c.model = model;
            c.config = config;
            c
        })
}

/// Names a user might lock, in both spellings.
const LOCK_NAMES: &[&str] = &[
    "temperature",
    "top_k",
    "topP",
    "model",
    "output_audio_transcription",
    "speechConfig",
    "generationConfig.top_k",
    "realtime_input_config.automatic_activity_detection",
    "systemInstruction",
    "tools",
    "labels",
    "history_config.initial_history_in_client_content",
];

fn lock() -> impl Strategy<Value = Lock> {
    prop_oneof![
        Just(Lock::All),
        Just(Lock::SetFields),
        proptest::sample::subsequence(LOCK_NAMES, 1..5)
            .prop_map(|names| Lock::set_fields_and(names).unwrap_or_else(|e| panic!("{e}"))),
    ]
}

fn token_time() -> impl Strategy<Value = TokenTime> {
    prop_oneof![
        (1i64..72_000).prop_map(|s| TokenTime::In(Duration::seconds(s))),
        (1i64..72_000_000_000_000, -12i8..14).prop_map(|(ns, offset)| {
            let at = now() + Duration::nanoseconds(ns);
            let offset = time::UtcOffset::from_hms(offset, 0, 0).unwrap_or(time::UtcOffset::UTC);
            TokenTime::At(at.to_offset(offset))
        }),
    ]
}

fn config() -> impl Strategy<Value = CreateAuthTokenConfig> {
    (
        proptest::option::of(token_time()),
        proptest::option::of(token_time()),
        proptest::option::of(0u32..=i32::MAX as u32),
        proptest::option::of(constraints()),
        lock(),
    )
        .prop_map(|(expire, new_session, uses, constraints, lock)| {
            let mut c = CreateAuthTokenConfig::new().lock(lock);
            c.expire_time = expire;
            c.new_session_expire_time = new_session;
            c.uses = uses;
            c.live_connect_constraints = constraints;
            c
        })
}

/// The paths of the set fields, computed here from the JSON, independently of the
/// library's own streaming computation.
fn set_fields(setup: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in setup.as_object().into_iter().flatten() {
        match value {
            Value::Object(children) if !children.is_empty() && key != "labels" => {
                out.extend(children.keys().map(|child| format!("{key}.{child}")));
            }
            _ => out.push(key.clone()),
        }
    }
    out
}

/// Keys (outside user data) written in snake_case, as a Python user would.
fn to_snake(value: &Value) -> Value {
    const USER_DATA: &[&str] = &["labels", "parameters", "args", "response"];
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| {
                    let snake = camel_to_snake(k);
                    let v = if USER_DATA.contains(&k.as_str()) {
                        v.clone()
                    } else {
                        to_snake(v)
                    };
                    (snake, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(to_snake).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mask_covers_every_set_field_never_indexes_and_never_repeats(
        constraints in constraints(),
        lock in prop_oneof![Just(Lock::SetFields), lock()],
    ) {
        let config = CreateAuthTokenConfig::new().constraints(constraints).lock(lock.clone());
        let prepared = match prepare(&config, &Endpoint::default(), &key(), now()) {
            Ok(p) => p,
            // Generated model names may hold `..`; that refusal is tested elsewhere.
            Err(e) => { prop_assert!(e.to_string().contains("model name")); return Ok(()); }
        };
        let body: Value = serde_json::from_slice(prepared.request().body()).unwrap_or_default();
        let mask = body.get("fieldMask").and_then(Value::as_str);
        let setup = body.get("bidiGenerateContentSetup").cloned().unwrap_or(Value::Null);
        if lock.is_all() {
            prop_assert_eq!(mask, None);
            return Ok(());
        }
        let paths: Vec<&str> = mask.map(|m| m.split(',').collect()).unwrap_or_default();
        for field in set_fields(&setup) {
            prop_assert!(paths.contains(&field.as_str()), "{} not in {:?}", field, mask);
        }
        for extra in lock.extra_paths() {
            prop_assert!(paths.contains(&extra.as_str()));
        }
        let mut unique = paths.clone();
        unique.sort_unstable();
        unique.dedup();
        prop_assert_eq!(unique.len(), paths.len(), "duplicates in {:?}", mask);
        for path in &paths {
            let mut node = &setup;
            for segment in path.split('.') {
                prop_assert!(!segment.is_empty() && !segment.bytes().all(|b| b.is_ascii_digit()), "{}", path);
                prop_assert!(!node.is_array(), "{} goes into a list", path);
                node = node.get(segment).unwrap_or(&Value::Null);
            }
            // Every mask path is a name the lock parser knows, mapped to itself.
            prop_assert_eq!(LockPath::parse(path).map(|p| p.as_str().to_owned()), Ok(path.to_string()));
        }
    }

    #[test]
    fn config_round_trips_through_json_in_both_key_cases(config in config()) {
        let json = serde_json::to_value(&config).unwrap_or_default();
        let camel = CreateAuthTokenConfig::from_json(json.to_string().as_bytes());
        prop_assert_eq!(camel.as_ref(), Ok(&config), "{}", json);
        let snake = to_snake(&json);
        let from_snake = CreateAuthTokenConfig::from_json(snake.to_string().as_bytes());
        prop_assert_eq!(from_snake.as_ref(), Ok(&config), "{}", snake);
        // The serde path (as a field of a caller's own struct) agrees.
        let via_serde: Result<CreateAuthTokenConfig, _> = serde_json::from_value(snake);
        prop_assert_eq!(via_serde.ok(), Some(config));
    }
}

/// Arbitrary JSON built from the names the config uses, so that deep paths are reached.
fn json_value() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
        "uses",
        "expire_time",
        "expireTime",
        "new_session_expire_time",
        "live_connect_constraints",
        "liveConnectConstraints",
        "model",
        "config",
        "lock_additional_fields",
        "http_options",
        "base_url",
        "api_version",
        "headers",
        "timeout",
        "generation_config",
        "temperature",
        "top_k",
        "speech_config",
        "system_instruction",
        "parts",
        "text",
        "role",
        "tools",
        "function_declarations",
        "name",
        "parameters",
        "google_search",
        "exclude_domains",
        "labels",
        "safety_settings",
        "method",
        "explicit_vad_signal",
        "session_resumption",
        "transparent",
        "realtime_input_config",
        "automatic_activity_detection",
        "function_call",
        "will_continue",
        "extra_setup_fields",
        "bogus",
        "",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("+30m".to_owned()),
            Just("2026-01-01T01:00:00Z".to_owned()),
            Just("AUDIO".to_owned()),
            Just("http://127.0.0.1:1".to_owned()),
            "[ -~]{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            ),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn no_input_panics_and_every_refusal_says_where(value in json_value()) {
        let text = value.to_string();
        match CreateAuthTokenConfig::from_json(text.as_bytes()) {
            Ok(config) => {
                match prepare(&config, &Endpoint::default(), &key(), now()) {
                    Ok(prepared) => {
                        let body: Result<Value, _> = serde_json::from_slice(prepared.request().body());
                        prop_assert!(body.is_ok_and(|b| b.is_object()));
                    }
                    Err(e) => prop_assert!(!e.to_string().is_empty()),
                }
            }
            Err(e) => {
                prop_assert!(!e.message().is_empty());
                // Only a config that is not an object at all has no path.
                prop_assert!(!e.path().is_empty() || !value.is_object(), "{} for {}", e, text);
            }
        }
    }
}

#[test]
fn lock_modes_give_the_documented_masks() {
    let constraints = LiveConnectConstraints::new()
        .model("gemini-live-2.5-flash-preview")
        .config(
            LiveConnectConfig::new()
                .temperature(0.7)
                .system_instruction("Be terse."),
        );
    let mask = |lock: Lock| {
        let config = CreateAuthTokenConfig::new()
            .constraints(constraints.clone())
            .lock(lock);
        let prepared =
            prepare(&config, &Endpoint::default(), &key(), now()).unwrap_or_else(|e| panic!("{e}"));
        let body: Value = serde_json::from_slice(prepared.request().body()).unwrap_or_default();
        body.get("fieldMask")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    assert_eq!(mask(Lock::All), None);
    assert_eq!(
        mask(Lock::SetFields).as_deref(),
        Some("model,generationConfig.temperature,systemInstruction.parts,systemInstruction.role")
    );
    assert_eq!(
        mask(
            Lock::set_fields_and(["temperature", "top_k", "output_audio_transcription"])
                .unwrap_or_default()
        )
        .as_deref(),
        Some(
            "model,generationConfig.temperature,systemInstruction.parts,systemInstruction.role,generationConfig.topK,outputAudioTranscription"
        )
    );
}
