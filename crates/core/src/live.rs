//! What a token allows: [`LiveConnectConstraints`] (a model and a
//! [`LiveConnectConfig`]), the same shapes the official SDKs take.

use std::collections::BTreeMap;

use crate::setup::{
    AudioTranscriptionConfig, AvatarConfig, Content, ContextWindowCompressionConfig,
    GenerationConfig, HistoryConfig, MediaResolution, Modality, ProactivityConfig,
    RealtimeInputConfig, SafetySetting, SessionResumptionConfig, SpeechConfig, ThinkingConfig,
    Tool, TranslationConfig,
};

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
        /// What the model answers with: `[AUDIO]` or `[TEXT]`.
        response_modalities: Vec<Modality>,
        /// Sampling temperature.
        temperature: f64,
        /// Nucleus sampling probability.
        top_p: f64,
        /// Top-k sampling.
        top_k: i32,
        /// The most tokens one answer may have.
        max_output_tokens: i32,
        /// The detail of images and video the model sees.
        media_resolution: MediaResolution,
        /// A seed for sampling.
        seed: i32,
        /// The voice; a voice name converts into one (`.speech_config("Kore")`).
        speech_config: SpeechConfig,
        /// Thinking settings.
        thinking_config: ThinkingConfig,
        /// Whether the model adapts its tone to the user's (native audio models).
        enable_affective_dialog: bool,
        /// Speech-to-speech translation.
        translation_config: TranslationConfig,
        /// The system instruction; text converts into one (`.system_instruction("...")`).
        system_instruction: Content,
        /// Tools, in order.
        tools: Vec<Tool>,
        /// Session resumption.
        session_resumption: SessionResumptionConfig,
        /// Transcription of the user's audio.
        input_audio_transcription: AudioTranscriptionConfig,
        /// Transcription of the model's audio.
        output_audio_transcription: AudioTranscriptionConfig,
        /// Voice activity detection and turn-taking.
        realtime_input_config: RealtimeInputConfig,
        /// Compression of the context window.
        context_window_compression: ContextWindowCompressionConfig,
        /// Proactive audio and video.
        proactivity: ProactivityConfig,
        /// How initial history is given.
        history_config: HistoryConfig,
        /// A video avatar.
        avatar_config: AvatarConfig,
        /// Safety settings.
        safety_settings: Vec<SafetySetting>,
        /// Labels: user data, sent as given.
        labels: BTreeMap<String, String>,
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
