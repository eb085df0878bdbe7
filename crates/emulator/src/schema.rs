//! The service's schema, as the emulator knows it: every message reachable from
//! `AuthToken` and `BidiGenerateContentSetup`, one entry per field, with its JSON
//! (lowerCamel) and proto (snake_case) names, its type, and whether the Gemini API
//! takes it at all.
//!
//! Written from Google's public protos (`google/ai/generativelanguage/v1beta`, for the
//! types and enum numbers they have), the API reference of the Live API (the fields it
//! does not support), and the official SDKs' Developer-API converters (google-genai
//! 3.6.1, @google/genai 2.32.0: newer fields, and the ones they refuse as Vertex AI
//! only). It is deliberately not derived from the core crate's types: the emulator
//! checks what the core crate sends against this table, so a disagreement shows.
//!
//! Where the public protos are silent (fields newer than them), the scalar types follow
//! the SDKs: an SDK `int` is an `int32` unless the JS SDK types it as a string (then
//! `int64`), an SDK `float` is a `float`. Enum numbers missing from the protos are our
//! guess, in the order the SDKs list the values.

use std::fmt;

/// The type of a field (of each element, for a repeated field or a map's values).
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Int32,
    Int64,
    Float,
    Double,
    Bool,
    String,
    /// Base64 in JSON.
    Bytes,
    Enum(&'static EnumType),
    Message(&'static Message),
    /// `google.protobuf.Timestamp`: an RFC 3339 string.
    Timestamp,
    /// `google.protobuf.Duration`: a string such as `"1.5s"`.
    Duration,
    /// `google.protobuf.Struct`: any JSON object.
    Struct,
    /// `google.protobuf.Value`: any JSON value.
    Value,
    /// `google.protobuf.FieldMask`: comma-separated paths in a string.
    FieldMask,
}

/// How many values a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// One value.
    Single,
    /// A list.
    Repeated,
    /// A map with string keys (a JSON object of user data).
    Map,
}

/// Where a field is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The Gemini API has it, and the Live API takes it.
    Live,
    /// The Gemini API has it (so a token can carry it), but the Live API reference
    /// lists it as not supported in a session's `generationConfig`.
    NotLive,
    /// Only Vertex AI has it: the SDKs refuse it in Gemini API mode, and the Gemini
    /// API's parser does not know the name.
    VertexOnly,
}

/// One field of a message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The JSON name (lowerCamel).
    pub(crate) json: &'static str,
    /// The proto name (snake_case), which is also what error paths use.
    pub(crate) proto: &'static str,
    pub(crate) kind: Kind,
    pub(crate) label: Label,
    pub(crate) scope: Scope,
}

/// A message type.
pub(crate) struct Message {
    /// The name after the package, as in a type URL (`GenerationConfig`,
    /// `Tool.GoogleSearch`).
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
}

/// An enum type.
pub(crate) struct EnumType {
    /// The name after the package, as in a type URL.
    pub(crate) name: &'static str,
    /// Each value's name and number.
    pub(crate) values: &'static [(&'static str, i32)],
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Enum(e) => write!(f, "Enum({})", e.name),
            Self::Message(m) => write!(f, "Message({})", m.name),
            Self::Int32 => f.write_str("Int32"),
            Self::Int64 => f.write_str("Int64"),
            Self::Float => f.write_str("Float"),
            Self::Double => f.write_str("Double"),
            Self::Bool => f.write_str("Bool"),
            Self::String => f.write_str("String"),
            Self::Bytes => f.write_str("Bytes"),
            Self::Timestamp => f.write_str("Timestamp"),
            Self::Duration => f.write_str("Duration"),
            Self::Struct => f.write_str("Struct"),
            Self::Value => f.write_str("Value"),
            Self::FieldMask => f.write_str("FieldMask"),
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the fields: messages refer to themselves (`Schema.items`).
        write!(f, "Message({})", self.name)
    }
}

impl fmt::Debug for EnumType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Enum({})", self.name)
    }
}

impl Message {
    /// The field a JSON key names, by either name form. A Vertex-only field is not
    /// found: the Gemini API does not have it.
    pub(crate) fn field(&self, name: &str) -> Option<(usize, &'static Field)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.scope != Scope::VertexOnly && (f.json == name || f.proto == name))
    }
}

impl EnumType {
    /// The value a name stands for. Exact first; then, as Google's JSON parser does
    /// for the Gemini API (our inference: the API's own REST examples write
    /// `"type": "object"` for the enum `Type`), ignoring case and reading `-` as `_`.
    pub(crate) fn by_name(&self, name: &str) -> Option<&'static str> {
        if let Some((exact, _)) = self.values.iter().find(|(n, _)| *n == name) {
            return Some(exact);
        }
        self.values
            .iter()
            .find(|(n, _)| {
                n.len() == name.len()
                    && n.bytes().zip(name.bytes()).all(|(a, b)| {
                        let b = if b == b'-' {
                            b'_'
                        } else {
                            b.to_ascii_uppercase()
                        };
                        a == b
                    })
            })
            .map(|(n, _)| *n)
    }

    /// The name of the value with this number.
    pub(crate) fn by_number(&self, number: i64) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(_, n)| i64::from(*n) == number)
            .map(|(n, _)| *n)
    }
}

const fn field(json: &'static str, proto: &'static str, kind: Kind) -> Field {
    Field {
        json,
        proto,
        kind,
        label: Label::Single,
        scope: Scope::Live,
    }
}

impl Field {
    const fn repeated(self) -> Self {
        Self {
            label: Label::Repeated,
            ..self
        }
    }

    const fn map(self) -> Self {
        Self {
            label: Label::Map,
            ..self
        }
    }

    const fn not_live(self) -> Self {
        Self {
            scope: Scope::NotLive,
            ..self
        }
    }

    const fn vertex_only(self) -> Self {
        Self {
            scope: Scope::VertexOnly,
            ..self
        }
    }
}

const fn message(name: &'static str, fields: &'static [Field]) -> Message {
    Message { name, fields }
}

const fn msg(message: &'static Message) -> Kind {
    Kind::Message(message)
}

const fn enumeration(e: &'static EnumType) -> Kind {
    Kind::Enum(e)
}

use Kind::{
    Bool as BOOL, Bytes as BYTES, Double as DOUBLE, Duration as DURATION, FieldMask as FIELD_MASK,
    Float as FLOAT, Int32 as INT32, Int64 as INT64, String as STRING, Struct as STRUCT,
    Timestamp as TIMESTAMP, Value as VALUE,
};

// ---------------------------------------------------------------------------------
// The request body.

/// `AuthToken`: the body of `POST /{version}/auth_tokens` (the request's `auth_token`).
pub(crate) static AUTH_TOKEN: Message = message(
    "AuthToken",
    &[
        // Output only; a client that echoes a token back is not refused.
        field("name", "name", STRING),
        field("expireTime", "expire_time", TIMESTAMP),
        field("newSessionExpireTime", "new_session_expire_time", TIMESTAMP),
        field("uses", "uses", INT32),
        field(
            "bidiGenerateContentSetup",
            "bidi_generate_content_setup",
            msg(&BIDI_GENERATE_CONTENT_SETUP),
        ),
        field("fieldMask", "field_mask", FIELD_MASK),
    ],
);

/// `BidiGenerateContentSetup`: a Live session's settings, which a token may pin.
pub(crate) static BIDI_GENERATE_CONTENT_SETUP: Message = message(
    "BidiGenerateContentSetup",
    &[
        field("model", "model", STRING),
        field(
            "generationConfig",
            "generation_config",
            msg(&GENERATION_CONFIG),
        ),
        field("systemInstruction", "system_instruction", msg(&CONTENT)),
        field("tools", "tools", msg(&TOOL)).repeated(),
        field(
            "realtimeInputConfig",
            "realtime_input_config",
            msg(&REALTIME_INPUT_CONFIG),
        ),
        field(
            "sessionResumption",
            "session_resumption",
            msg(&SESSION_RESUMPTION_CONFIG),
        ),
        field(
            "contextWindowCompression",
            "context_window_compression",
            msg(&CONTEXT_WINDOW_COMPRESSION_CONFIG),
        ),
        field(
            "inputAudioTranscription",
            "input_audio_transcription",
            msg(&AUDIO_TRANSCRIPTION_CONFIG),
        ),
        field(
            "outputAudioTranscription",
            "output_audio_transcription",
            msg(&AUDIO_TRANSCRIPTION_CONFIG),
        ),
        field("proactivity", "proactivity", msg(&PROACTIVITY_CONFIG)),
        field("historyConfig", "history_config", msg(&HISTORY_CONFIG)),
        field("avatarConfig", "avatar_config", msg(&AVATAR_CONFIG)),
        field("safetySettings", "safety_settings", msg(&SAFETY_SETTING)).repeated(),
        field("labels", "labels", STRING).map(),
        field("explicitVadSignal", "explicit_vad_signal", BOOL).vertex_only(),
    ],
);

// ---------------------------------------------------------------------------------
// The Live API's client messages (`BidiGenerateContentClientMessage`): what a client
// sends on the WebSocket. Exactly one of the fields is set in each message (a
// `oneof` in the proto); the emulator checks that after reading.

/// `BidiGenerateContentClientMessage`: one message from a Live client.
pub(crate) static BIDI_GENERATE_CONTENT_CLIENT_MESSAGE: Message = message(
    "BidiGenerateContentClientMessage",
    &[
        field("setup", "setup", msg(&BIDI_GENERATE_CONTENT_SETUP)),
        field(
            "clientContent",
            "client_content",
            msg(&BIDI_GENERATE_CONTENT_CLIENT_CONTENT),
        ),
        field(
            "realtimeInput",
            "realtime_input",
            msg(&BIDI_GENERATE_CONTENT_REALTIME_INPUT),
        ),
        field(
            "toolResponse",
            "tool_response",
            msg(&BIDI_GENERATE_CONTENT_TOOL_RESPONSE),
        ),
    ],
);

static BIDI_GENERATE_CONTENT_CLIENT_CONTENT: Message = message(
    "BidiGenerateContentClientContent",
    &[
        field("turns", "turns", msg(&CONTENT)).repeated(),
        field("turnComplete", "turn_complete", BOOL),
    ],
);

static BIDI_GENERATE_CONTENT_REALTIME_INPUT: Message = message(
    "BidiGenerateContentRealtimeInput",
    &[
        field("mediaChunks", "media_chunks", msg(&BLOB)).repeated(),
        field("audio", "audio", msg(&BLOB)),
        field("audioStreamEnd", "audio_stream_end", BOOL),
        field("video", "video", msg(&BLOB)),
        field("text", "text", STRING),
        field("activityStart", "activity_start", msg(&ACTIVITY_START)),
        field("activityEnd", "activity_end", msg(&ACTIVITY_END)),
    ],
);

static ACTIVITY_START: Message = message("ActivityStart", &[]);

static ACTIVITY_END: Message = message("ActivityEnd", &[]);

static BIDI_GENERATE_CONTENT_TOOL_RESPONSE: Message = message(
    "BidiGenerateContentToolResponse",
    &[field(
        "functionResponses",
        "function_responses",
        msg(&FUNCTION_RESPONSE),
    )
    .repeated()],
);

/// The JSON names of the `generationConfig` fields the Live API reference lists as not
/// supported in a session.
pub(crate) fn not_live_generation_fields() -> impl Iterator<Item = &'static str> {
    GENERATION_CONFIG
        .fields
        .iter()
        .filter(|f| f.scope == Scope::NotLive)
        .map(|f| f.json)
}

// ---------------------------------------------------------------------------------
// Generation.

static GENERATION_CONFIG: Message = message(
    "GenerationConfig",
    &[
        field("candidateCount", "candidate_count", INT32),
        field("stopSequences", "stop_sequences", STRING)
            .repeated()
            .not_live(),
        field("maxOutputTokens", "max_output_tokens", INT32),
        field("temperature", "temperature", FLOAT),
        field("topP", "top_p", FLOAT),
        field("topK", "top_k", INT32),
        field("seed", "seed", INT32),
        field("responseMimeType", "response_mime_type", STRING).not_live(),
        field("responseSchema", "response_schema", msg(&SCHEMA)).not_live(),
        field("responseJsonSchema", "response_json_schema", VALUE).not_live(),
        field("presencePenalty", "presence_penalty", FLOAT),
        field("frequencyPenalty", "frequency_penalty", FLOAT),
        field("responseLogprobs", "response_logprobs", BOOL).not_live(),
        field("logprobs", "logprobs", INT32).not_live(),
        field(
            "enableEnhancedCivicAnswers",
            "enable_enhanced_civic_answers",
            BOOL,
        ),
        field(
            "responseModalities",
            "response_modalities",
            enumeration(&MODALITY),
        )
        .repeated(),
        field("speechConfig", "speech_config", msg(&SPEECH_CONFIG)),
        field("thinkingConfig", "thinking_config", msg(&THINKING_CONFIG)),
        field(
            "mediaResolution",
            "media_resolution",
            enumeration(&MEDIA_RESOLUTION),
        ),
        field("enableAffectiveDialog", "enable_affective_dialog", BOOL),
        field(
            "translationConfig",
            "translation_config",
            msg(&TRANSLATION_CONFIG),
        ),
        field(
            "audioTranscriptionConfig",
            "audio_transcription_config",
            msg(&AUDIO_TRANSCRIPTION_CONFIG),
        ),
        field("responseFormat", "response_format", msg(&RESPONSE_FORMAT)).repeated(),
        field("routingConfig", "routing_config", STRUCT).vertex_only(),
        field("modelSelectionConfig", "model_selection_config", STRUCT).vertex_only(),
        field("audioTimestamp", "audio_timestamp", BOOL).vertex_only(),
    ],
);

static MODALITY: EnumType = EnumType {
    name: "GenerationConfig.Modality",
    values: &[
        ("MODALITY_UNSPECIFIED", 0),
        ("TEXT", 1),
        ("IMAGE", 2),
        ("AUDIO", 3),
        ("VIDEO", 4),
    ],
};

static MEDIA_RESOLUTION: EnumType = EnumType {
    name: "MediaResolution",
    values: &[
        ("MEDIA_RESOLUTION_UNSPECIFIED", 0),
        ("MEDIA_RESOLUTION_LOW", 1),
        ("MEDIA_RESOLUTION_MEDIUM", 2),
        ("MEDIA_RESOLUTION_HIGH", 3),
    ],
};

static SPEECH_CONFIG: Message = message(
    "SpeechConfig",
    &[
        field("voiceConfig", "voice_config", msg(&VOICE_CONFIG)),
        field(
            "multiSpeakerVoiceConfig",
            "multi_speaker_voice_config",
            msg(&MULTI_SPEAKER_VOICE_CONFIG),
        ),
        field("languageCode", "language_code", STRING),
    ],
);

static VOICE_CONFIG: Message = message(
    "VoiceConfig",
    &[
        field(
            "prebuiltVoiceConfig",
            "prebuilt_voice_config",
            msg(&PREBUILT_VOICE_CONFIG),
        ),
        field(
            "replicatedVoiceConfig",
            "replicated_voice_config",
            msg(&REPLICATED_VOICE_CONFIG),
        ),
        field("voice", "voice", STRING),
    ],
);

static PREBUILT_VOICE_CONFIG: Message = message(
    "PrebuiltVoiceConfig",
    &[field("voiceName", "voice_name", STRING)],
);

static REPLICATED_VOICE_CONFIG: Message = message(
    "ReplicatedVoiceConfig",
    &[
        field("mimeType", "mime_type", STRING),
        field("voiceSampleAudio", "voice_sample_audio", BYTES),
        field("consentAudio", "consent_audio", BYTES),
        field(
            "voiceConsentSignature",
            "voice_consent_signature",
            msg(&VOICE_CONSENT_SIGNATURE),
        ),
    ],
);

static VOICE_CONSENT_SIGNATURE: Message = message(
    "VoiceConsentSignature",
    &[field("signature", "signature", STRING)],
);

static MULTI_SPEAKER_VOICE_CONFIG: Message = message(
    "MultiSpeakerVoiceConfig",
    &[field(
        "speakerVoiceConfigs",
        "speaker_voice_configs",
        msg(&SPEAKER_VOICE_CONFIG),
    )
    .repeated()],
);

static SPEAKER_VOICE_CONFIG: Message = message(
    "SpeakerVoiceConfig",
    &[
        field("speaker", "speaker", STRING),
        field("voiceConfig", "voice_config", msg(&VOICE_CONFIG)),
    ],
);

static THINKING_CONFIG: Message = message(
    "ThinkingConfig",
    &[
        field("includeThoughts", "include_thoughts", BOOL),
        field("thinkingBudget", "thinking_budget", INT32),
        field(
            "thinkingLevel",
            "thinking_level",
            enumeration(&THINKING_LEVEL),
        ),
    ],
);

static THINKING_LEVEL: EnumType = EnumType {
    name: "ThinkingConfig.ThinkingLevel",
    values: &[
        ("THINKING_LEVEL_UNSPECIFIED", 0),
        ("MINIMAL", 1),
        ("LOW", 2),
        ("MEDIUM", 3),
        ("HIGH", 4),
        ("XHIGH", 5),
    ],
};

static TRANSLATION_CONFIG: Message = message(
    "TranslationConfig",
    &[
        field("targetLanguageCode", "target_language_code", STRING),
        field("echoTargetLanguage", "echo_target_language", BOOL),
    ],
);

static RESPONSE_FORMAT: Message = message(
    "ResponseFormat",
    &[
        field("audio", "audio", msg(&AUDIO_RESPONSE_FORMAT)),
        field("image", "image", msg(&IMAGE_RESPONSE_FORMAT)),
        field("text", "text", msg(&TEXT_RESPONSE_FORMAT)),
        field("video", "video", msg(&VIDEO_RESPONSE_FORMAT)),
    ],
);

static AUDIO_RESPONSE_FORMAT: Message = message(
    "AudioResponseFormat",
    &[
        field("bitRate", "bit_rate", INT32),
        field("delivery", "delivery", enumeration(&DELIVERY)),
        field("mimeType", "mime_type", STRING),
        field("sampleRate", "sample_rate", INT32),
    ],
);

static IMAGE_RESPONSE_FORMAT: Message = message(
    "ImageResponseFormat",
    &[
        field("aspectRatio", "aspect_ratio", enumeration(&ASPECT_RATIO)),
        field("delivery", "delivery", enumeration(&DELIVERY)),
        field("imageSize", "image_size", enumeration(&IMAGE_SIZE)),
        field("mimeType", "mime_type", STRING),
    ],
);

static TEXT_RESPONSE_FORMAT: Message = message(
    "TextResponseFormat",
    &[
        field("mimeType", "mime_type", STRING),
        field("jsonSchema", "json_schema", VALUE),
    ],
);

static VIDEO_RESPONSE_FORMAT: Message = message(
    "VideoResponseFormat",
    &[
        field("aspectRatio", "aspect_ratio", enumeration(&ASPECT_RATIO)),
        field("delivery", "delivery", enumeration(&DELIVERY)),
        // The SDKs type it as a string; whether the proto has a Duration is unknown.
        field("duration", "duration", STRING),
        field("gcsUri", "gcs_uri", STRING),
        field("resolution", "resolution", STRING),
    ],
);

static DELIVERY: EnumType = EnumType {
    name: "Delivery",
    values: &[("DELIVERY_UNSPECIFIED", 0), ("INLINE", 1), ("URI", 2)],
};

static ASPECT_RATIO: EnumType = EnumType {
    name: "AspectRatio",
    values: &[
        ("ASPECT_RATIO_UNSPECIFIED", 0),
        ("ASPECT_RATIO_ONE_BY_ONE", 1),
        ("ASPECT_RATIO_TWO_BY_THREE", 2),
        ("ASPECT_RATIO_THREE_BY_TWO", 3),
        ("ASPECT_RATIO_THREE_BY_FOUR", 4),
        ("ASPECT_RATIO_FOUR_BY_THREE", 5),
        ("ASPECT_RATIO_FOUR_BY_FIVE", 6),
        ("ASPECT_RATIO_FIVE_BY_FOUR", 7),
        ("ASPECT_RATIO_NINE_BY_SIXTEEN", 8),
        ("ASPECT_RATIO_SIXTEEN_BY_NINE", 9),
        ("ASPECT_RATIO_TWENTY_ONE_BY_NINE", 10),
        ("ASPECT_RATIO_ONE_BY_EIGHT", 11),
        ("ASPECT_RATIO_EIGHT_BY_ONE", 12),
        ("ASPECT_RATIO_ONE_BY_FOUR", 13),
        ("ASPECT_RATIO_FOUR_BY_ONE", 14),
    ],
};

static IMAGE_SIZE: EnumType = EnumType {
    name: "ImageSize",
    values: &[
        ("IMAGE_SIZE_UNSPECIFIED", 0),
        ("IMAGE_SIZE_FIVE_TWELVE", 1),
        ("IMAGE_SIZE_ONE_K", 2),
        ("IMAGE_SIZE_TWO_K", 3),
        ("IMAGE_SIZE_FOUR_K", 4),
    ],
};

/// `Schema`: the OpenAPI subset of function declarations and `responseSchema`.
static SCHEMA: Message = message(
    "Schema",
    &[
        field("type", "type", enumeration(&TYPE)),
        field("format", "format", STRING),
        field("title", "title", STRING),
        field("description", "description", STRING),
        field("nullable", "nullable", BOOL),
        field("enum", "enum", STRING).repeated(),
        field("items", "items", msg(&SCHEMA)),
        field("maxItems", "max_items", INT64),
        field("minItems", "min_items", INT64),
        field("properties", "properties", msg(&SCHEMA)).map(),
        field("required", "required", STRING).repeated(),
        field("minProperties", "min_properties", INT64),
        field("maxProperties", "max_properties", INT64),
        field("minimum", "minimum", DOUBLE),
        field("maximum", "maximum", DOUBLE),
        field("minLength", "min_length", INT64),
        field("maxLength", "max_length", INT64),
        field("pattern", "pattern", STRING),
        field("example", "example", VALUE),
        field("anyOf", "any_of", msg(&SCHEMA)).repeated(),
        field("propertyOrdering", "property_ordering", STRING).repeated(),
        field("default", "default", VALUE),
    ],
);

static TYPE: EnumType = EnumType {
    name: "Type",
    values: &[
        ("TYPE_UNSPECIFIED", 0),
        ("STRING", 1),
        ("NUMBER", 2),
        ("INTEGER", 3),
        ("BOOLEAN", 4),
        ("ARRAY", 5),
        ("OBJECT", 6),
        ("NULL", 7),
    ],
};

// ---------------------------------------------------------------------------------
// Content: the system instruction.

static CONTENT: Message = message(
    "Content",
    &[
        field("parts", "parts", msg(&PART)).repeated(),
        field("role", "role", STRING),
    ],
);

static PART: Message = message(
    "Part",
    &[
        field("text", "text", STRING),
        field("inlineData", "inline_data", msg(&BLOB)),
        field("fileData", "file_data", msg(&FILE_DATA)),
        field("functionCall", "function_call", msg(&FUNCTION_CALL)),
        field(
            "functionResponse",
            "function_response",
            msg(&FUNCTION_RESPONSE),
        ),
        field("executableCode", "executable_code", msg(&EXECUTABLE_CODE)),
        field(
            "codeExecutionResult",
            "code_execution_result",
            msg(&CODE_EXECUTION_RESULT),
        ),
        field("thought", "thought", BOOL),
        field("thoughtSignature", "thought_signature", BYTES),
        field("videoMetadata", "video_metadata", msg(&VIDEO_METADATA)),
        field("partMetadata", "part_metadata", STRUCT),
        field(
            "mediaResolution",
            "media_resolution",
            msg(&PART_MEDIA_RESOLUTION),
        ),
        field("toolCall", "tool_call", msg(&TOOL_CALL)),
        field("toolResponse", "tool_response", msg(&TOOL_RESPONSE)),
        field(
            "audioTranscription",
            "audio_transcription",
            msg(&TRANSCRIPTION),
        ),
        field(
            "mediaProcessing",
            "media_processing",
            enumeration(&MEDIA_PROCESSING),
        ),
        field("speechMetadata", "speech_metadata", msg(&SPEECH_METADATA)),
        field(
            "documentMetadata",
            "document_metadata",
            msg(&DOCUMENT_METADATA),
        ),
        field(
            "spreadsheetMetadata",
            "spreadsheet_metadata",
            msg(&SPREADSHEET_METADATA),
        ),
        field("audioMetadata", "audio_metadata", msg(&AUDIO_METADATA)),
    ],
);

static BLOB: Message = message(
    "Blob",
    &[
        field("mimeType", "mime_type", STRING),
        field("data", "data", BYTES),
        field("displayName", "display_name", STRING),
    ],
);

static FILE_DATA: Message = message(
    "FileData",
    &[
        field("mimeType", "mime_type", STRING),
        field("fileUri", "file_uri", STRING),
        field("displayName", "display_name", STRING),
    ],
);

static FUNCTION_CALL: Message = message(
    "FunctionCall",
    &[
        field("id", "id", STRING),
        field("name", "name", STRING),
        field("args", "args", STRUCT),
        field("partialArgs", "partial_args", STRUCT)
            .repeated()
            .vertex_only(),
        field("willContinue", "will_continue", BOOL).vertex_only(),
    ],
);

static FUNCTION_RESPONSE: Message = message(
    "FunctionResponse",
    &[
        field("id", "id", STRING),
        field("name", "name", STRING),
        field("response", "response", STRUCT),
        field("parts", "parts", msg(&FUNCTION_RESPONSE_PART)).repeated(),
        field("willContinue", "will_continue", BOOL),
        field("scheduling", "scheduling", enumeration(&SCHEDULING)),
    ],
);

static SCHEDULING: EnumType = EnumType {
    name: "FunctionResponse.Scheduling",
    values: &[
        ("SCHEDULING_UNSPECIFIED", 0),
        ("SILENT", 1),
        ("WHEN_IDLE", 2),
        ("INTERRUPT", 3),
    ],
};

static FUNCTION_RESPONSE_PART: Message = message(
    "FunctionResponsePart",
    &[
        field("inlineData", "inline_data", msg(&FUNCTION_RESPONSE_BLOB)),
        field("fileData", "file_data", msg(&FUNCTION_RESPONSE_FILE_DATA)),
        field(
            "mediaProcessing",
            "media_processing",
            enumeration(&MEDIA_PROCESSING),
        ),
        field(
            "mediaResolution",
            "media_resolution",
            msg(&PART_MEDIA_RESOLUTION),
        ),
        field("videoMetadata", "video_metadata", msg(&VIDEO_METADATA)),
        field(
            "documentMetadata",
            "document_metadata",
            msg(&DOCUMENT_METADATA),
        ),
        field(
            "spreadsheetMetadata",
            "spreadsheet_metadata",
            msg(&SPREADSHEET_METADATA),
        ),
        field("audioMetadata", "audio_metadata", msg(&AUDIO_METADATA)),
    ],
);

static FUNCTION_RESPONSE_BLOB: Message = message(
    "FunctionResponseBlob",
    &[
        field("mimeType", "mime_type", STRING),
        field("data", "data", BYTES),
        field("displayName", "display_name", STRING),
    ],
);

static FUNCTION_RESPONSE_FILE_DATA: Message = message(
    "FunctionResponseFileData",
    &[
        field("fileUri", "file_uri", STRING),
        field("mimeType", "mime_type", STRING),
        field("displayName", "display_name", STRING),
    ],
);

static EXECUTABLE_CODE: Message = message(
    "ExecutableCode",
    &[
        field("language", "language", enumeration(&LANGUAGE)),
        field("code", "code", STRING),
        field("id", "id", STRING),
    ],
);

static LANGUAGE: EnumType = EnumType {
    name: "ExecutableCode.Language",
    values: &[("LANGUAGE_UNSPECIFIED", 0), ("PYTHON", 1)],
};

static CODE_EXECUTION_RESULT: Message = message(
    "CodeExecutionResult",
    &[
        field("outcome", "outcome", enumeration(&OUTCOME)),
        field("output", "output", STRING),
        field("id", "id", STRING),
    ],
);

static OUTCOME: EnumType = EnumType {
    name: "CodeExecutionResult.Outcome",
    values: &[
        ("OUTCOME_UNSPECIFIED", 0),
        ("OUTCOME_OK", 1),
        ("OUTCOME_FAILED", 2),
        ("OUTCOME_DEADLINE_EXCEEDED", 3),
    ],
};

static VIDEO_METADATA: Message = message(
    "VideoMetadata",
    &[
        field("startOffset", "start_offset", DURATION),
        field("endOffset", "end_offset", DURATION),
        field("fps", "fps", DOUBLE),
        field(
            "contentLayers",
            "content_layers",
            enumeration(&VIDEO_CONTENT_LAYER),
        )
        .repeated(),
    ],
);

static VIDEO_CONTENT_LAYER: EnumType = EnumType {
    name: "VideoMetadata.ContentLayer",
    values: &[
        ("CONTENT_LAYER_UNSPECIFIED", 0),
        ("FRAMES", 1),
        ("AUDIO", 2),
        ("TRANSCRIPT", 3),
    ],
};

static PART_MEDIA_RESOLUTION: Message = message(
    "Part.MediaResolution",
    &[
        field("level", "level", enumeration(&MEDIA_RESOLUTION_LEVEL)),
        field("numTokens", "num_tokens", INT32),
    ],
);

static MEDIA_RESOLUTION_LEVEL: EnumType = EnumType {
    name: "Part.MediaResolution.Level",
    values: &[
        ("MEDIA_RESOLUTION_UNSPECIFIED", 0),
        ("MEDIA_RESOLUTION_LOW", 1),
        ("MEDIA_RESOLUTION_MEDIUM", 2),
        ("MEDIA_RESOLUTION_HIGH", 3),
        ("MEDIA_RESOLUTION_ULTRA_HIGH", 4),
    ],
};

static MEDIA_PROCESSING: EnumType = EnumType {
    name: "MediaProcessing",
    values: &[
        ("MEDIA_PROCESSING_UNSPECIFIED", 0),
        ("STATIC", 1),
        ("AGENTIC", 2),
    ],
};

static TOOL_CALL: Message = message(
    "ToolCall",
    &[
        field("id", "id", STRING),
        field("toolType", "tool_type", enumeration(&TOOL_TYPE)),
        field("args", "args", STRUCT),
    ],
);

static TOOL_RESPONSE: Message = message(
    "ToolResponse",
    &[
        field("id", "id", STRING),
        field("toolType", "tool_type", enumeration(&TOOL_TYPE)),
        field("response", "response", STRUCT),
    ],
);

static TOOL_TYPE: EnumType = EnumType {
    name: "ToolType",
    values: &[
        ("TOOL_TYPE_UNSPECIFIED", 0),
        ("GOOGLE_SEARCH_WEB", 1),
        ("GOOGLE_SEARCH_IMAGE", 2),
        ("URL_CONTEXT", 3),
        ("GOOGLE_MAPS", 4),
        ("FILE_SEARCH", 5),
        ("MEDIA_PROCESSING", 6),
    ],
};

static TRANSCRIPTION: Message = message(
    "Transcription",
    &[
        field("text", "text", STRING),
        field("finished", "finished", BOOL),
        field("languageCode", "language_code", STRING),
        field("speakerLabel", "speaker_label", STRING),
        field("words", "words", msg(&WORD_INFO)).repeated(),
        field("startOffset", "start_offset", DURATION),
        field("endOffset", "end_offset", DURATION),
    ],
);

static WORD_INFO: Message = message(
    "WordInfo",
    &[
        field("word", "word", STRING),
        field("startOffset", "start_offset", DURATION),
        field("endOffset", "end_offset", DURATION),
    ],
);

static SPEECH_METADATA: Message = message(
    "SpeechMetadata",
    &[
        field("speaker", "speaker", STRING),
        field("style", "style", STRING),
    ],
);

static DOCUMENT_METADATA: Message = message(
    "DocumentMetadata",
    &[
        field("startPage", "start_page", INT32),
        field("endPage", "end_page", INT32),
        field(
            "contentLayers",
            "content_layers",
            enumeration(&DOCUMENT_CONTENT_LAYER),
        )
        .repeated(),
    ],
);

static DOCUMENT_CONTENT_LAYER: EnumType = EnumType {
    name: "DocumentMetadata.ContentLayer",
    values: &[
        ("CONTENT_LAYER_UNSPECIFIED", 0),
        ("PAGE_IMAGE", 1),
        ("PAGE_TEXT", 2),
    ],
};

static SPREADSHEET_METADATA: Message = message(
    "SpreadsheetMetadata",
    &[
        field("visibleCells", "visible_cells", STRING),
        field("sheetIndex", "sheet_index", INT32),
        field(
            "contentLayers",
            "content_layers",
            enumeration(&SPREADSHEET_CONTENT_LAYER),
        )
        .repeated(),
    ],
);

static SPREADSHEET_CONTENT_LAYER: EnumType = EnumType {
    name: "SpreadsheetMetadata.ContentLayer",
    values: &[
        ("CONTENT_LAYER_UNSPECIFIED", 0),
        ("DATA", 1),
        ("FORMULAS", 2),
        ("VISUAL", 3),
    ],
};

static AUDIO_METADATA: Message = message(
    "AudioMetadata",
    &[
        field("startOffset", "start_offset", DURATION),
        field("endOffset", "end_offset", DURATION),
    ],
);

// ---------------------------------------------------------------------------------
// Tools.

static TOOL: Message = message(
    "Tool",
    &[
        field(
            "functionDeclarations",
            "function_declarations",
            msg(&FUNCTION_DECLARATION),
        )
        .repeated(),
        field(
            "googleSearchRetrieval",
            "google_search_retrieval",
            msg(&GOOGLE_SEARCH_RETRIEVAL),
        ),
        field("codeExecution", "code_execution", msg(&CODE_EXECUTION)),
        field("googleSearch", "google_search", msg(&GOOGLE_SEARCH)),
        field("computerUse", "computer_use", msg(&COMPUTER_USE)),
        field("urlContext", "url_context", msg(&URL_CONTEXT)),
        field("fileSearch", "file_search", msg(&FILE_SEARCH)),
        field("googleMaps", "google_maps", msg(&GOOGLE_MAPS)),
        field("mcpServers", "mcp_servers", msg(&MCP_SERVER)).repeated(),
        field("retrieval", "retrieval", STRUCT).vertex_only(),
        field("enterpriseWebSearch", "enterprise_web_search", STRUCT).vertex_only(),
        field("parallelAiSearch", "parallel_ai_search", STRUCT).vertex_only(),
        field("exaAiSearch", "exa_ai_search", STRUCT).vertex_only(),
    ],
);

static FUNCTION_DECLARATION: Message = message(
    "FunctionDeclaration",
    &[
        field("name", "name", STRING),
        field("description", "description", STRING),
        field("parameters", "parameters", msg(&SCHEMA)),
        field("parametersJsonSchema", "parameters_json_schema", VALUE),
        field("response", "response", msg(&SCHEMA)),
        field("responseJsonSchema", "response_json_schema", VALUE),
        field("behavior", "behavior", enumeration(&BEHAVIOR)),
    ],
);

static BEHAVIOR: EnumType = EnumType {
    name: "FunctionDeclaration.Behavior",
    values: &[("UNSPECIFIED", 0), ("BLOCKING", 1), ("NON_BLOCKING", 2)],
};

static GOOGLE_SEARCH_RETRIEVAL: Message = message(
    "GoogleSearchRetrieval",
    &[field(
        "dynamicRetrievalConfig",
        "dynamic_retrieval_config",
        msg(&DYNAMIC_RETRIEVAL_CONFIG),
    )],
);

static DYNAMIC_RETRIEVAL_CONFIG: Message = message(
    "DynamicRetrievalConfig",
    &[
        field("mode", "mode", enumeration(&DYNAMIC_RETRIEVAL_MODE)),
        field("dynamicThreshold", "dynamic_threshold", FLOAT),
    ],
);

static DYNAMIC_RETRIEVAL_MODE: EnumType = EnumType {
    name: "DynamicRetrievalConfig.Mode",
    values: &[("MODE_UNSPECIFIED", 0), ("MODE_DYNAMIC", 1)],
};

static CODE_EXECUTION: Message = message("CodeExecution", &[]);

static URL_CONTEXT: Message = message("UrlContext", &[]);

static GOOGLE_SEARCH: Message = message(
    "Tool.GoogleSearch",
    &[
        field("timeRangeFilter", "time_range_filter", msg(&INTERVAL)),
        field("searchTypes", "search_types", msg(&SEARCH_TYPES)),
        field("excludeDomains", "exclude_domains", STRING)
            .repeated()
            .vertex_only(),
        field("blockingConfidence", "blocking_confidence", STRING).vertex_only(),
    ],
);

/// `google.type.Interval`.
static INTERVAL: Message = message(
    "google.type.Interval",
    &[
        field("startTime", "start_time", TIMESTAMP),
        field("endTime", "end_time", TIMESTAMP),
    ],
);

static SEARCH_TYPES: Message = message(
    "SearchTypes",
    &[
        field("webSearch", "web_search", msg(&WEB_SEARCH)),
        field("imageSearch", "image_search", msg(&IMAGE_SEARCH)),
    ],
);

static WEB_SEARCH: Message = message("WebSearch", &[]);

static IMAGE_SEARCH: Message = message("ImageSearch", &[]);

static COMPUTER_USE: Message = message(
    "Tool.ComputerUse",
    &[
        field("environment", "environment", enumeration(&ENVIRONMENT)),
        field(
            "excludedPredefinedFunctions",
            "excluded_predefined_functions",
            STRING,
        )
        .repeated(),
        field(
            "enablePromptInjectionDetection",
            "enable_prompt_injection_detection",
            BOOL,
        ),
        field(
            "disabledSafetyPolicies",
            "disabled_safety_policies",
            enumeration(&SAFETY_POLICY),
        )
        .repeated(),
    ],
);

static ENVIRONMENT: EnumType = EnumType {
    name: "Tool.ComputerUse.Environment",
    values: &[
        ("ENVIRONMENT_UNSPECIFIED", 0),
        ("ENVIRONMENT_BROWSER", 1),
        ("ENVIRONMENT_MOBILE", 2),
        ("ENVIRONMENT_DESKTOP", 3),
    ],
};

static SAFETY_POLICY: EnumType = EnumType {
    name: "Tool.ComputerUse.SafetyPolicy",
    values: &[
        ("SAFETY_POLICY_UNSPECIFIED", 0),
        ("FINANCIAL_TRANSACTIONS", 1),
        ("SENSITIVE_DATA_MODIFICATION", 2),
        ("COMMUNICATION_TOOL", 3),
        ("ACCOUNT_CREATION", 4),
        ("DATA_MODIFICATION", 5),
        ("USER_CONSENT_MANAGEMENT", 6),
        ("LEGAL_TERMS_AND_AGREEMENTS", 7),
    ],
};

static FILE_SEARCH: Message = message(
    "FileSearch",
    &[
        field("fileSearchStoreNames", "file_search_store_names", STRING).repeated(),
        field("topK", "top_k", INT32),
        field("metadataFilter", "metadata_filter", STRING),
    ],
);

static GOOGLE_MAPS: Message = message(
    "GoogleMaps",
    &[
        field("enableWidget", "enable_widget", BOOL),
        field("authConfig", "auth_config", msg(&AUTH_CONFIG)),
        field("groundingTypes", "grounding_types", STRUCT).vertex_only(),
    ],
);

/// What the Developer API takes of the SDKs' `AuthConfig`: the key only.
static AUTH_CONFIG: Message = message(
    "AuthConfig",
    &[
        field("apiKey", "api_key", STRING),
        field("apiKeyConfig", "api_key_config", STRUCT).vertex_only(),
        field("authType", "auth_type", STRING).vertex_only(),
        field(
            "googleServiceAccountConfig",
            "google_service_account_config",
            STRUCT,
        )
        .vertex_only(),
        field("httpBasicAuthConfig", "http_basic_auth_config", STRUCT).vertex_only(),
        field("oauthConfig", "oauth_config", STRUCT).vertex_only(),
        field("oidcConfig", "oidc_config", STRUCT).vertex_only(),
    ],
);

static MCP_SERVER: Message = message(
    "McpServer",
    &[
        field("name", "name", STRING),
        field(
            "streamableHttpTransport",
            "streamable_http_transport",
            msg(&STREAMABLE_HTTP_TRANSPORT),
        ),
    ],
);

static STREAMABLE_HTTP_TRANSPORT: Message = message(
    "StreamableHttpTransport",
    &[
        field("url", "url", STRING),
        field("headers", "headers", STRING).map(),
        field("timeout", "timeout", DURATION),
        field("sseReadTimeout", "sse_read_timeout", DURATION),
        field("terminateOnClose", "terminate_on_close", BOOL),
    ],
);

// ---------------------------------------------------------------------------------
// Session settings.

static REALTIME_INPUT_CONFIG: Message = message(
    "RealtimeInputConfig",
    &[
        field(
            "automaticActivityDetection",
            "automatic_activity_detection",
            msg(&AUTOMATIC_ACTIVITY_DETECTION),
        ),
        field(
            "activityHandling",
            "activity_handling",
            enumeration(&ACTIVITY_HANDLING),
        ),
        field("turnCoverage", "turn_coverage", enumeration(&TURN_COVERAGE)),
        field(
            "interimTranscriptTimestampEnabled",
            "interim_transcript_timestamp_enabled",
            BOOL,
        ),
    ],
);

static AUTOMATIC_ACTIVITY_DETECTION: Message = message(
    "RealtimeInputConfig.AutomaticActivityDetection",
    &[
        field("disabled", "disabled", BOOL),
        field(
            "startOfSpeechSensitivity",
            "start_of_speech_sensitivity",
            enumeration(&START_SENSITIVITY),
        ),
        field("prefixPaddingMs", "prefix_padding_ms", INT32),
        field(
            "endOfSpeechSensitivity",
            "end_of_speech_sensitivity",
            enumeration(&END_SENSITIVITY),
        ),
        field("silenceDurationMs", "silence_duration_ms", INT32),
    ],
);

static START_SENSITIVITY: EnumType = EnumType {
    name: "RealtimeInputConfig.AutomaticActivityDetection.StartSensitivity",
    values: &[
        ("START_SENSITIVITY_UNSPECIFIED", 0),
        ("START_SENSITIVITY_HIGH", 1),
        ("START_SENSITIVITY_LOW", 2),
    ],
};

static END_SENSITIVITY: EnumType = EnumType {
    name: "RealtimeInputConfig.AutomaticActivityDetection.EndSensitivity",
    values: &[
        ("END_SENSITIVITY_UNSPECIFIED", 0),
        ("END_SENSITIVITY_HIGH", 1),
        ("END_SENSITIVITY_LOW", 2),
    ],
};

static ACTIVITY_HANDLING: EnumType = EnumType {
    name: "RealtimeInputConfig.ActivityHandling",
    values: &[
        ("ACTIVITY_HANDLING_UNSPECIFIED", 0),
        ("START_OF_ACTIVITY_INTERRUPTS", 1),
        ("NO_INTERRUPTION", 2),
    ],
};

static TURN_COVERAGE: EnumType = EnumType {
    name: "RealtimeInputConfig.TurnCoverage",
    values: &[
        ("TURN_COVERAGE_UNSPECIFIED", 0),
        ("TURN_INCLUDES_ONLY_ACTIVITY", 1),
        ("TURN_INCLUDES_ALL_INPUT", 2),
        ("TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO", 3),
    ],
};

static SESSION_RESUMPTION_CONFIG: Message = message(
    "SessionResumptionConfig",
    &[
        field("handle", "handle", STRING),
        field("transparent", "transparent", BOOL).vertex_only(),
    ],
);

static CONTEXT_WINDOW_COMPRESSION_CONFIG: Message = message(
    "ContextWindowCompressionConfig",
    &[
        field("slidingWindow", "sliding_window", msg(&SLIDING_WINDOW)),
        field("triggerTokens", "trigger_tokens", INT64),
    ],
);

static SLIDING_WINDOW: Message = message(
    "ContextWindowCompressionConfig.SlidingWindow",
    &[field("targetTokens", "target_tokens", INT64)],
);

static AUDIO_TRANSCRIPTION_CONFIG: Message = message(
    "AudioTranscriptionConfig",
    &[
        field("languageCodes", "language_codes", STRING).repeated(),
        field("languageAuto", "language_auto", msg(&LANGUAGE_AUTO)),
        field("languageHints", "language_hints", msg(&LANGUAGE_HINTS)),
        field("customVocabulary", "custom_vocabulary", STRING).repeated(),
        field("adaptationPhrases", "adaptation_phrases", STRING).repeated(),
        field("wordTimestamp", "word_timestamp", BOOL),
        field("diarization", "diarization", BOOL),
        field("mode", "mode", enumeration(&TRANSCRIPTION_MODE)),
        field("sourceText", "source_text", STRING),
    ],
);

static LANGUAGE_AUTO: Message = message("LanguageAuto", &[]);

static LANGUAGE_HINTS: Message = message(
    "LanguageHints",
    &[field("languageCodes", "language_codes", STRING).repeated()],
);

static TRANSCRIPTION_MODE: EnumType = EnumType {
    name: "AudioTranscriptionConfig.Mode",
    values: &[("MODE_UNSPECIFIED", 0), ("VERBATIM", 1), ("SMART", 2)],
};

static PROACTIVITY_CONFIG: Message = message(
    "ProactivityConfig",
    &[
        field("proactiveAudio", "proactive_audio", BOOL),
        field("proactiveVideo", "proactive_video", BOOL),
    ],
);

static HISTORY_CONFIG: Message = message(
    "HistoryConfig",
    &[field(
        "initialHistoryInClientContent",
        "initial_history_in_client_content",
        BOOL,
    )],
);

static AVATAR_CONFIG: Message = message(
    "AvatarConfig",
    &[
        field("avatarName", "avatar_name", STRING),
        field(
            "customizedAvatar",
            "customized_avatar",
            msg(&CUSTOMIZED_AVATAR),
        ),
        field("audioBitrateBps", "audio_bitrate_bps", INT32),
        field("videoBitrateBps", "video_bitrate_bps", INT32),
    ],
);

static CUSTOMIZED_AVATAR: Message = message(
    "CustomizedAvatar",
    &[
        field("imageMimeType", "image_mime_type", STRING),
        field("imageData", "image_data", BYTES),
    ],
);

static SAFETY_SETTING: Message = message(
    "SafetySetting",
    &[
        field("category", "category", enumeration(&HARM_CATEGORY)),
        field("threshold", "threshold", enumeration(&HARM_BLOCK_THRESHOLD)),
        field("method", "method", STRING).vertex_only(),
    ],
);

static HARM_CATEGORY: EnumType = EnumType {
    name: "HarmCategory",
    values: &[
        ("HARM_CATEGORY_UNSPECIFIED", 0),
        ("HARM_CATEGORY_DEROGATORY", 1),
        ("HARM_CATEGORY_TOXICITY", 2),
        ("HARM_CATEGORY_VIOLENCE", 3),
        ("HARM_CATEGORY_SEXUAL", 4),
        ("HARM_CATEGORY_MEDICAL", 5),
        ("HARM_CATEGORY_DANGEROUS", 6),
        ("HARM_CATEGORY_HARASSMENT", 7),
        ("HARM_CATEGORY_HATE_SPEECH", 8),
        ("HARM_CATEGORY_SEXUALLY_EXPLICIT", 9),
        ("HARM_CATEGORY_DANGEROUS_CONTENT", 10),
        ("HARM_CATEGORY_CIVIC_INTEGRITY", 11),
        ("HARM_CATEGORY_JAILBREAK", 12),
        ("HARM_CATEGORY_IMAGE_HATE", 13),
        ("HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT", 14),
        ("HARM_CATEGORY_IMAGE_HARASSMENT", 15),
        ("HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT", 16),
    ],
};

static HARM_BLOCK_THRESHOLD: EnumType = EnumType {
    name: "SafetySetting.HarmBlockThreshold",
    values: &[
        ("HARM_BLOCK_THRESHOLD_UNSPECIFIED", 0),
        ("BLOCK_LOW_AND_ABOVE", 1),
        ("BLOCK_MEDIUM_AND_ABOVE", 2),
        ("BLOCK_ONLY_HIGH", 3),
        ("BLOCK_NONE", 4),
        ("OFF", 5),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use gemini_token_core::formats::snake_to_camel;

    /// A field's JSON name is protoc's from its proto name (drop each `_`, capitalize
    /// what follows): a string rule shared with core, which knows nothing of this
    /// schema.
    fn assert_json_name(message: &Message, f: &Field) {
        assert_eq!(
            f.json,
            snake_to_camel(f.proto),
            "{}.{}",
            message.name,
            f.proto
        );
    }

    fn every_message() -> Vec<&'static Message> {
        let mut seen: Vec<&'static Message> = vec![&AUTH_TOKEN];
        let mut next = 0;
        while let Some(message) = seen.get(next).copied() {
            for f in message.fields {
                if let Kind::Message(m) = f.kind {
                    if !seen.iter().any(|s| std::ptr::eq(*s, m)) {
                        seen.push(m);
                    }
                }
            }
            next += 1;
        }
        seen
    }

    #[test]
    fn json_names_follow_the_proto_names_and_are_unique() {
        let messages = every_message();
        assert_eq!(messages.len(), 69);
        for message in messages {
            let mut names = Vec::new();
            for f in message.fields {
                assert_json_name(message, f);
                names.push(f.json);
                if f.proto != f.json {
                    names.push(f.proto);
                }
            }
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "a name twice in {}", message.name);
        }
    }

    #[test]
    fn enums_have_unique_names_and_numbers_and_start_at_zero() {
        let mut enums = Vec::new();
        for message in every_message() {
            for f in message.fields {
                if let Kind::Enum(e) = f.kind {
                    enums.push(e);
                }
            }
        }
        for e in enums {
            assert_eq!(e.values.first().map(|v| v.1), Some(0), "{}", e.name);
            for (i, (name, number)) in e.values.iter().enumerate() {
                assert!(
                    e.values[i + 1..]
                        .iter()
                        .all(|(n, v)| n != name && v != number),
                    "{} {name}",
                    e.name
                );
            }
        }
    }

    #[test]
    fn enum_names_match_exactly_then_loosely() {
        assert_eq!(TYPE.by_name("OBJECT"), Some("OBJECT"));
        assert_eq!(TYPE.by_name("object"), Some("OBJECT"));
        assert_eq!(
            MEDIA_RESOLUTION.by_name("media-resolution-low"),
            Some("MEDIA_RESOLUTION_LOW")
        );
        assert_eq!(MEDIA_RESOLUTION.by_name("SMELL"), None);
        assert_eq!(
            MEDIA_RESOLUTION.by_number(2),
            Some("MEDIA_RESOLUTION_MEDIUM")
        );
        assert_eq!(MEDIA_RESOLUTION.by_number(9), None);
    }

    #[test]
    fn client_messages_reach_the_setup_and_their_own_messages() {
        let mut seen: Vec<&'static Message> = vec![&BIDI_GENERATE_CONTENT_CLIENT_MESSAGE];
        let mut next = 0;
        while let Some(message) = seen.get(next).copied() {
            for f in message.fields {
                assert_json_name(message, f);
                if let Kind::Message(m) = f.kind {
                    if !seen.iter().any(|s| std::ptr::eq(*s, m)) {
                        seen.push(m);
                    }
                }
            }
            next += 1;
        }
        // The setup's 68 (every message from `AuthToken` but itself) and six of its own.
        assert_eq!(seen.len(), 68 + 6);
    }

    #[test]
    fn vertex_only_fields_are_not_found() {
        assert!(
            BIDI_GENERATE_CONTENT_SETUP
                .field("explicitVadSignal")
                .is_none()
        );
        assert!(SESSION_RESUMPTION_CONFIG.field("transparent").is_none());
        assert_eq!(
            BIDI_GENERATE_CONTENT_SETUP
                .field("generation_config")
                .map(|(_, f)| f.json),
            Some("generationConfig")
        );
    }

    #[test]
    fn debug_names_types_without_their_fields() {
        assert_eq!(
            format!("{GENERATION_CONFIG:?}"),
            "Message(GenerationConfig)"
        );
        assert_eq!(format!("{MODALITY:?}"), "Enum(GenerationConfig.Modality)");
        let kinds = [
            (
                Kind::Message(&GENERATION_CONFIG),
                "Message(GenerationConfig)",
            ),
            (Kind::Enum(&MODALITY), "Enum(GenerationConfig.Modality)"),
            (Kind::Int32, "Int32"),
            (Kind::Int64, "Int64"),
            (Kind::Float, "Float"),
            (Kind::Double, "Double"),
            (Kind::Bool, "Bool"),
            (Kind::String, "String"),
            (Kind::Bytes, "Bytes"),
            (Kind::Timestamp, "Timestamp"),
            (Kind::Duration, "Duration"),
            (Kind::Struct, "Struct"),
            (Kind::Value, "Value"),
            (Kind::FieldMask, "FieldMask"),
        ];
        for (kind, shown) in kinds {
            assert_eq!(format!("{kind:?}"), shown);
        }
    }
}
