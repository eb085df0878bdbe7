//! What a token allows: [`LiveConnectConstraints`] (a model and a
//! [`LiveConnectConfig`]), the same shapes the official SDKs take.

use std::collections::BTreeMap;

use crate::setup::{GenerationConfig, Tool, with_flat_generation_fields};

/// The fields of the Live `setup` that a [`LiveConnectConfig`] sets as they are (all
/// but `model` and `generationConfig`), in wire order, written once: calls
/// `$then! { $before {these fields} $after }`, for the config's fields and for the
/// request body's setup.
macro_rules! with_setup_fields {
    ($then:ident! { $($before:tt)* } $($after:tt)*) => {
        $then! {
            $($before)*
            {
                /// The system instruction; text converts into one (`.system_instruction("...")`).
                system_instruction: $crate::setup::Content,
                /// Tools, in order.
                tools: Vec<$crate::setup::Tool>,
                /// Session resumption.
                session_resumption: $crate::setup::SessionResumptionConfig,
                /// Transcription of the user's audio.
                input_audio_transcription: $crate::setup::AudioTranscriptionConfig,
                /// Transcription of the model's audio.
                output_audio_transcription: $crate::setup::AudioTranscriptionConfig,
                /// Voice activity detection and turn-taking.
                realtime_input_config: $crate::setup::RealtimeInputConfig,
                /// Compression of the context window.
                context_window_compression: $crate::setup::ContextWindowCompressionConfig,
                /// Proactive audio and video.
                proactivity: $crate::setup::ProactivityConfig,
                /// How initial history is given.
                history_config: $crate::setup::HistoryConfig,
                /// A video avatar.
                avatar_config: $crate::setup::AvatarConfig,
                /// Safety settings.
                safety_settings: Vec<$crate::setup::SafetySetting>,
                /// Labels: user data, sent as given.
                labels: std::collections::BTreeMap<String, String>,
            }
            $($after)*
        }
    };
}
pub(crate) use with_setup_fields;

// The config's fields: the nested generation settings, the same settings flat, the
// setup's own fields, then the escape hatch.
with_setup_fields! {
    with_flat_generation_fields! {
        message! {
            /// The session settings a token pins, as the official SDKs' `LiveConnectConfig`.
            ///
            /// The generation settings may be given flat (`temperature`, `speech_config`, ...)
            /// or nested in `generation_config`; both end up in the setup's
            /// `generationConfig`, and a flat field wins over the same nested one.
            ///
            /// ```
            /// use gemini_token_core::{LiveConnectConfig, setup::Modality};
            ///
            /// let config = LiveConnectConfig::new()
            ///     .system_instruction("You are a friendly tutor.")
            ///     .response_modalities(vec![Modality::Audio])
            ///     .speech_config("Kore")
            ///     .temperature(0.7);
            /// assert_eq!(config.temperature, Some(0.7));
            /// ```
            pub struct LiveConnectConfig {
                /// Generation settings, nested. Flat fields below override the same field here.
                generation_config: GenerationConfig,
            }
        }
    }
    {
        /// The escape hatch: setup fields this crate does not model yet, sent at the
        /// top level of the setup as given (camelCase names, as the API spells them).
        /// A name that this crate models is refused; use the typed field.
        extra_setup_fields: serde_json::Map<String, serde_json::Value>,
    }
}

impl LiveConnectConfig {
    /// Adds one tool after those already set.
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.get_or_insert_with(Vec::new).push(tool);
        self
    }

    /// Adds one label.
    #[must_use]
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Adds a setup field this crate does not model yet (see `extra_setup_fields`).
    #[must_use]
    pub fn extra_setup_field(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra_setup_fields
            .get_or_insert_with(serde_json::Map::new)
            .insert(name.into(), value);
        self
    }
}

message! {
    /// The model and session settings a token is limited to.
    ///
    /// ```
    /// use gemini_token_core::{LiveConnectConfig, LiveConnectConstraints};
    ///
    /// let constraints = LiveConnectConstraints::new()
    ///     .model("gemini-live-2.5-flash-preview")
    ///     .config(LiveConnectConfig::new().temperature(0.2));
    /// assert_eq!(constraints.model.as_deref(), Some("gemini-live-2.5-flash-preview"));
    /// ```
    pub struct LiveConnectConstraints {
        /// The model, with or without the `models/` prefix.
        model: String,
        /// The session settings.
        config: LiveConnectConfig,
    }
}
