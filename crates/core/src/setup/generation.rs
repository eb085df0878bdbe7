//! Generation settings: sampling, output modalities, voice, thinking, translation.

use super::session::AudioTranscriptionConfig;
use crate::fields::Field;

wire_enum! {
    /// A kind of content the model may answer with.
    pub enum Modality {
        /// Not specified; the service picks.
        Unspecified = "MODALITY_UNSPECIFIED",
        /// Text.
        Text = "TEXT",
        /// Images.
        Image = "IMAGE",
        /// Audio (speech).
        Audio = "AUDIO",
        /// Video.
        Video = "VIDEO",
    }
}

wire_enum! {
    /// How much detail of images and video the model sees.
    pub enum MediaResolution {
        /// Not specified; the service picks.
        Unspecified = "MEDIA_RESOLUTION_UNSPECIFIED",
        /// Low resolution (64 tokens per image).
        Low = "MEDIA_RESOLUTION_LOW",
        /// Medium resolution (256 tokens per image).
        Medium = "MEDIA_RESOLUTION_MEDIUM",
        /// High resolution.
        High = "MEDIA_RESOLUTION_HIGH",
    }
}

wire_enum! {
    /// How hard the model thinks before it answers.
    pub enum ThinkingLevel {
        /// Not specified; the model's default.
        Unspecified = "THINKING_LEVEL_UNSPECIFIED",
        /// As little as possible.
        Minimal = "MINIMAL",
        /// Little.
        Low = "LOW",
        /// Some.
        Medium = "MEDIUM",
        /// Much.
        High = "HIGH",
        /// As much as the model allows.
        Xhigh = "XHIGH",
    }
}

message! {
    /// A voice from the service's prebuilt set.
    pub struct PrebuiltVoiceConfig {
        /// The voice's name, such as `Kore` or `Puck`.
        voice_name: String,
    }
}

message! {
    /// A consent signature for a replicated voice.
    pub struct VoiceConsentSignature {
        /// The signature.
        signature: String,
    }
}

message! {
    /// A voice replicated from a sample.
    pub struct ReplicatedVoiceConfig {
        /// MIME type of the audio samples.
        mime_type: String,
        /// The voice sample, base64.
        voice_sample_audio: String,
        /// The consent recording, base64.
        consent_audio: String,
        /// The consent signature.
        voice_consent_signature: VoiceConsentSignature,
    }
}

message! {
    /// Which voice speaks.
    pub struct VoiceConfig {
        /// A prebuilt voice.
        prebuilt_voice_config: PrebuiltVoiceConfig,
        /// A voice replicated from a sample.
        replicated_voice_config: ReplicatedVoiceConfig,
        /// A voice by name.
        voice: String,
    }
}

message! {
    /// How the model speaks. A bare voice name converts into one
    /// (`SpeechConfig::from("Kore")`), as in JSON configs (`"speech_config": "Kore"`).
    pub struct SpeechConfig {
        /// The voice.
        voice_config: VoiceConfig,
        /// The language to speak, as a BCP-47 code such as `en-US`.
        language_code: String,
    }
    // Several speakers are not supported by the Live API (refused when set).
    lock_only [Field::message(
        "multiSpeakerVoiceConfig",
        &[Field::list("speakerVoiceConfigs")],
    )]
}

impl From<&str> for SpeechConfig {
    fn from(voice_name: &str) -> Self {
        Self::from(voice_name.to_owned())
    }
}

impl From<String> for SpeechConfig {
    fn from(voice_name: String) -> Self {
        Self::new().voice_config(
            VoiceConfig::new()
                .prebuilt_voice_config(PrebuiltVoiceConfig::new().voice_name(voice_name)),
        )
    }
}

message! {
    /// Thinking (reasoning) settings.
    pub struct ThinkingConfig {
        /// Whether thoughts are sent to the client.
        include_thoughts: bool,
        /// The token budget for thinking; 0 turns thinking off.
        thinking_budget: i32,
        /// How hard to think, for models that take a level rather than a budget.
        thinking_level: ThinkingLevel,
    }
}

message! {
    /// Speech-to-speech translation.
    pub struct TranslationConfig {
        /// The language to translate into, as a BCP-47 code.
        target_language_code: String,
        /// Whether speech already in the target language is echoed.
        echo_target_language: bool,
    }
}

/// The generation settings that both [`GenerationConfig`] and
/// [`LiveConnectConfig`](crate::LiveConnectConfig) (flat) have, written once: calls
/// `$then! { $before {these fields} $after }`, so that the list is spliced into a
/// `message!` as a group of fields, or into the code that copies the flat fields over
/// the nested ones.
macro_rules! with_flat_generation_fields {
    ($then:ident! { $($before:tt)* } $($after:tt)*) => {
        $then! {
            $($before)*
            {
                /// What the model answers with: `[AUDIO]` or `[TEXT]`.
                response_modalities: Vec<$crate::setup::Modality>,
                /// Sampling temperature.
                temperature: f64,
                /// Nucleus sampling probability.
                top_p: f64,
                /// Top-k sampling.
                top_k: i32,
                /// The most tokens one answer may have.
                max_output_tokens: i32,
                /// The detail of images and video the model sees.
                media_resolution: $crate::setup::MediaResolution,
                /// A seed for sampling.
                seed: i32,
                /// The voice; a voice name converts into one (`.speech_config("Kore")`).
                speech_config: $crate::setup::SpeechConfig,
                /// Thinking settings.
                thinking_config: $crate::setup::ThinkingConfig,
                /// Whether the model adapts its tone to the user's (native audio models).
                enable_affective_dialog: bool,
                /// Speech-to-speech translation.
                translation_config: $crate::setup::TranslationConfig,
            }
            $($after)*
        }
    };
}
pub(crate) use with_flat_generation_fields;

with_flat_generation_fields! {
    message! {
        /// The `generationConfig` of a Live setup: the fields the Live API accepts.
        ///
        /// Fields of the general `GenerationConfig` that the Live API does not support
        /// (`responseMimeType`, `responseSchema`, `stopSequences`, ...) are not here, and a
        /// config that sets them is refused with an error that says so. The field order is
        /// the order of the wire body and of the lock mask.
        pub struct GenerationConfig
    }
    {
        /// How many answers to generate.
        candidate_count: i32,
        /// Penalty for tokens already present.
        presence_penalty: f64,
        /// Penalty growing with how often a token was used.
        frequency_penalty: f64,
        /// Enhanced answers on civic topics.
        enable_enhanced_civic_answers: bool,
        /// Transcription of audio output.
        audio_transcription_config: AudioTranscriptionConfig,
    }
    // The fields of the API's `GenerationConfig` that the Live API refuses: a lock may
    // name them, which keeps their defaults.
    lock_only [
        Field::message(
            "modelSelectionConfig",
            &[Field::leaf("featureSelectionPreference")],
        ),
        Field::leaf("responseJsonSchema"),
        Field::leaf("audioTimestamp"),
        Field::leaf("logprobs"),
        Field::leaf("responseLogprobs"),
        Field::leaf("responseMimeType"),
        Field::leaf("responseSchema"),
        Field::message(
            "routingConfig",
            &[
                Field::message("autoMode", &[Field::leaf("modelRoutingPreference")]),
                Field::message("manualMode", &[Field::leaf("modelName")]),
            ],
        ),
        Field::list("stopSequences"),
        Field::list("responseFormat"),
    ]
}
