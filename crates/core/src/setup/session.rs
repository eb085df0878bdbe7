//! Session settings: voice activity detection, resumption, context compression,
//! transcription, proactivity, history and the avatar.

wire_enum! {
    /// How readily the start of speech is detected.
    pub enum StartSensitivity {
        /// Not specified (high).
        Unspecified = "START_SENSITIVITY_UNSPECIFIED",
        /// Detect the start of speech more often.
        High = "START_SENSITIVITY_HIGH",
        /// Detect the start of speech less often.
        Low = "START_SENSITIVITY_LOW",
    }
}

wire_enum! {
    /// How readily the end of speech is detected.
    pub enum EndSensitivity {
        /// Not specified (high).
        Unspecified = "END_SENSITIVITY_UNSPECIFIED",
        /// End speech more often.
        High = "END_SENSITIVITY_HIGH",
        /// End speech less often.
        Low = "END_SENSITIVITY_LOW",
    }
}

wire_enum! {
    /// What user activity does to the model's answer.
    pub enum ActivityHandling {
        /// Not specified (interrupts).
        Unspecified = "ACTIVITY_HANDLING_UNSPECIFIED",
        /// The start of user activity interrupts the model (barge-in).
        StartOfActivityInterrupts = "START_OF_ACTIVITY_INTERRUPTS",
        /// The model is not interrupted.
        NoInterruption = "NO_INTERRUPTION",
    }
}

wire_enum! {
    /// Which input a user turn includes.
    pub enum TurnCoverage {
        /// Not specified (only activity).
        Unspecified = "TURN_COVERAGE_UNSPECIFIED",
        /// Only input during activity.
        TurnIncludesOnlyActivity = "TURN_INCLUDES_ONLY_ACTIVITY",
        /// All input since the last turn.
        TurnIncludesAllInput = "TURN_INCLUDES_ALL_INPUT",
        /// Audio during activity and all video.
        TurnIncludesAudioActivityAndAllVideo = "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
    }
}

wire_enum! {
    /// How transcripts are written.
    pub enum TranscriptionMode {
        /// Not specified.
        Unspecified = "MODE_UNSPECIFIED",
        /// Word for word.
        Verbatim = "VERBATIM",
        /// Cleaned up.
        Smart = "SMART",
    }
}

message! {
    /// Automatic detection of when the user speaks.
    pub struct AutomaticActivityDetection {
        /// Turn detection off; the client then sends activity signals itself.
        disabled: bool,
        /// How readily the start of speech is detected.
        start_of_speech_sensitivity: StartSensitivity,
        /// How readily the end of speech is detected.
        end_of_speech_sensitivity: EndSensitivity,
        /// Speech that must pass before its start is committed, in milliseconds.
        prefix_padding_ms: i32,
        /// Silence that ends speech, in milliseconds.
        silence_duration_ms: i32,
    }
}

message! {
    /// How the session handles realtime input.
    pub struct RealtimeInputConfig {
        /// Automatic activity detection.
        automatic_activity_detection: AutomaticActivityDetection,
        /// What user activity does to the model's answer.
        activity_handling: ActivityHandling,
        /// Which input a turn includes.
        turn_coverage: TurnCoverage,
        /// Whether interim transcripts carry timestamps.
        interim_transcript_timestamp_enabled: bool,
    }
}

message! {
    /// Session resumption. (`transparent` is Vertex AI only and refused.)
    pub struct SessionResumptionConfig {
        /// The handle of the session to resume; absent starts a resumable session.
        handle: String,
    }
}

message! {
    /// The window of context kept when compression starts.
    pub struct SlidingWindow {
        /// Tokens kept after compression.
        target_tokens: i64,
    }
}

message! {
    /// Compression of the context window, for sessions longer than the window.
    pub struct ContextWindowCompressionConfig {
        /// Context length that starts compression, in tokens.
        trigger_tokens: i64,
        /// The sliding-window mechanism.
        sliding_window: SlidingWindow,
    }
}

empty_message! {
    /// Detect the language automatically.
    pub struct LanguageAuto;
}

message! {
    /// Languages the audio is expected to be in.
    pub struct LanguageHints {
        /// BCP-47 codes.
        language_codes: Vec<String>,
    }
}

message! {
    /// Transcription of audio; `{}` turns it on with the defaults.
    pub struct AudioTranscriptionConfig {
        /// BCP-47 codes of the languages spoken.
        language_codes: Vec<String>,
        /// Detect the language automatically.
        language_auto: LanguageAuto,
        /// Languages the audio is expected to be in.
        language_hints: LanguageHints,
        /// Words to favour.
        custom_vocabulary: Vec<String>,
        /// Phrases to favour.
        adaptation_phrases: Vec<String>,
        /// Whether words carry timestamps.
        word_timestamp: bool,
        /// Whether speakers are told apart.
        diarization: bool,
        /// How transcripts are written.
        mode: TranscriptionMode,
        /// Text the audio is read from.
        source_text: String,
    }
}

message! {
    /// Proactivity: the model may decide not to answer, or speak on its own.
    pub struct ProactivityConfig {
        /// Proactive audio.
        proactive_audio: bool,
        /// Proactive video.
        proactive_video: bool,
    }
}

message! {
    /// How initial history is given.
    pub struct HistoryConfig {
        /// The client sends initial history as client content before the first turn.
        initial_history_in_client_content: bool,
    }
}

message! {
    /// An avatar made from an image.
    pub struct CustomizedAvatar {
        /// MIME type of the image.
        image_mime_type: String,
        /// The image, base64.
        image_data: String,
    }
}

message! {
    /// A video avatar that speaks the model's answers.
    pub struct AvatarConfig {
        /// The id of a prebuilt avatar.
        avatar_name: String,
        /// An avatar made from an image.
        customized_avatar: CustomizedAvatar,
        /// Audio bitrate, bits per second.
        audio_bitrate_bps: i32,
        /// Video bitrate, bits per second.
        video_bitrate_bps: i32,
    }
}
