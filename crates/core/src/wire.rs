//! The request body: the config's fields in the shape and order the REST API takes.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;
use serde_json::value::RawValue;
use time::OffsetDateTime;

use crate::live::{LiveConnectConfig, LiveConnectConstraints};
use crate::setup::{
    AudioTranscriptionConfig, AvatarConfig, Content, ContextWindowCompressionConfig,
    GenerationConfig, HistoryConfig, ProactivityConfig, RealtimeInputConfig, SafetySetting,
    SessionResumptionConfig, Tool,
};

/// The `bidiGenerateContentSetup` of the body, borrowing from the config.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Setup<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    generation_config: Option<Cow<'a, GenerationConfig>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system_instruction: Option<&'a Content>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<&'a [Tool]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_resumption: Option<&'a SessionResumptionConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_audio_transcription: Option<&'a AudioTranscriptionConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_audio_transcription: Option<&'a AudioTranscriptionConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    realtime_input_config: Option<&'a RealtimeInputConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_window_compression: Option<&'a ContextWindowCompressionConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proactivity: Option<&'a ProactivityConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history_config: Option<&'a HistoryConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    avatar_config: Option<&'a AvatarConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    safety_settings: Option<&'a [SafetySetting]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a BTreeMap<String, String>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

/// Copies each flat generation field that is set over the nested config.
macro_rules! overlay {
    ($merged:ident, $config:ident, $($field:ident),* $(,)?) => {{
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

impl<'a> Setup<'a> {
    /// The setup for `constraints`, or `None` when it would be empty (no model and no
    /// field set), in which case no setup is sent at all.
    pub(crate) fn new(constraints: &'a LiveConnectConstraints) -> Option<Self> {
        let model = constraints.model.as_deref().map(model_resource_name);
        static EMPTY: LazyLock<LiveConnectConfig> = LazyLock::new(LiveConnectConfig::default);
        let config = constraints.config.as_ref().unwrap_or(&EMPTY);
        let setup = Setup {
            model,
            generation_config: generation_config(config),
            system_instruction: config.system_instruction.as_ref(),
            tools: config.tools.as_deref(),
            session_resumption: config.session_resumption.as_ref(),
            input_audio_transcription: config.input_audio_transcription.as_ref(),
            output_audio_transcription: config.output_audio_transcription.as_ref(),
            realtime_input_config: config.realtime_input_config.as_ref(),
            context_window_compression: config.context_window_compression.as_ref(),
            proactivity: config.proactivity.as_ref(),
            history_config: config.history_config.as_ref(),
            avatar_config: config.avatar_config.as_ref(),
            safety_settings: config.safety_settings.as_deref(),
            labels: config.labels.as_ref(),
            extra: config.extra_setup_fields.as_ref().filter(|m| !m.is_empty()),
        };
        let is_empty = setup.model.is_none()
            && setup.generation_config.is_none()
            && setup.system_instruction.is_none()
            && setup.tools.is_none()
            && setup.session_resumption.is_none()
            && setup.input_audio_transcription.is_none()
            && setup.output_audio_transcription.is_none()
            && setup.realtime_input_config.is_none()
            && setup.context_window_compression.is_none()
            && setup.proactivity.is_none()
            && setup.history_config.is_none()
            && setup.avatar_config.is_none()
            && setup.safety_settings.is_none()
            && setup.labels.is_none()
            && setup.extra.is_none();
        (!is_empty).then_some(setup)
    }
}

/// `gemini-x` → `models/gemini-x`; names already under `models/` or `tunedModels/` stay.
pub(crate) fn model_resource_name(model: &str) -> Cow<'_, str> {
    if model.starts_with("models/") || model.starts_with("tunedModels/") {
        Cow::Borrowed(model)
    } else {
        Cow::Owned(format!("models/{model}"))
    }
}

/// The setup's `generationConfig`: the nested one, with the flat fields over it.
fn generation_config(config: &LiveConnectConfig) -> Option<Cow<'_, GenerationConfig>> {
    let mut merged = match &config.generation_config {
        Some(nested) => Cow::Borrowed(nested),
        None => Cow::Owned(GenerationConfig::default()),
    };
    let any_flat = overlay!(
        merged,
        config,
        response_modalities,
        temperature,
        top_p,
        top_k,
        max_output_tokens,
        media_resolution,
        seed,
        speech_config,
        thinking_config,
        enable_affective_dialog,
        translation_config,
    );
    (any_flat || config.generation_config.is_some()).then_some(merged)
}

/// The whole body, in the REST API's key order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expire_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new_session_expire_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) uses: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bidi_generate_content_setup: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) field_mask: Option<&'a str>,
}

/// An instant serialized as protobuf JSON's timestamp, without an intermediate string.
pub(crate) struct Timestamp(pub(crate) OffsetDateTime);

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::timestamp::write_rfc3339(f, self.0)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
