//! The names of the setup's fields, as a static tree: what lock names are checked
//! against, and where a lock path may go.
//!
//! The tree lists wire (camelCase) names. It is kept true to the typed messages in
//! [`crate::setup`] by a test that serializes a config with every field set and
//! finds each of its paths here.

/// A field of a setup message, and what is below it.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) below: Below,
}

/// What a lock path may find below a field.
#[derive(Debug)]
pub(crate) enum Below {
    /// A scalar or an enum: nothing.
    Nothing,
    /// A list: a mask path never indexes into one.
    List,
    /// A map of user data (`labels`): its keys are not fields.
    Map,
    /// A message, with its fields.
    Message(&'static [Field]),
}

const fn leaf(name: &'static str) -> Field {
    Field {
        name,
        below: Below::Nothing,
    }
}

const fn list(name: &'static str) -> Field {
    Field {
        name,
        below: Below::List,
    }
}

const fn message(name: &'static str, fields: &'static [Field]) -> Field {
    Field {
        name,
        below: Below::Message(fields),
    }
}

const VOICE_CONFIG: &[Field] = &[
    message("prebuiltVoiceConfig", &[leaf("voiceName")]),
    message(
        "replicatedVoiceConfig",
        &[
            leaf("mimeType"),
            leaf("voiceSampleAudio"),
            leaf("consentAudio"),
            message("voiceConsentSignature", &[leaf("signature")]),
        ],
    ),
    leaf("voice"),
];

const SPEECH_CONFIG: &[Field] = &[
    message("voiceConfig", VOICE_CONFIG),
    leaf("languageCode"),
    message("multiSpeakerVoiceConfig", &[list("speakerVoiceConfigs")]),
];

const TRANSCRIPTION: &[Field] = &[
    list("languageCodes"),
    message("languageAuto", &[]),
    message("languageHints", &[list("languageCodes")]),
    list("customVocabulary"),
    list("adaptationPhrases"),
    leaf("wordTimestamp"),
    leaf("diarization"),
    leaf("mode"),
    leaf("sourceText"),
];

/// The fields of `GenerationConfig` a lock may name: every field of the message, also
/// those the Live API does not let a config set (locking them keeps their default).
pub(crate) const GENERATION_CONFIG: &[Field] = &[
    list("responseModalities"),
    leaf("temperature"),
    leaf("topP"),
    leaf("topK"),
    leaf("maxOutputTokens"),
    leaf("mediaResolution"),
    leaf("seed"),
    message("speechConfig", SPEECH_CONFIG),
    message(
        "thinkingConfig",
        &[
            leaf("includeThoughts"),
            leaf("thinkingBudget"),
            leaf("thinkingLevel"),
        ],
    ),
    leaf("enableAffectiveDialog"),
    message(
        "translationConfig",
        &[leaf("targetLanguageCode"), leaf("echoTargetLanguage")],
    ),
    leaf("candidateCount"),
    leaf("presencePenalty"),
    leaf("frequencyPenalty"),
    leaf("enableEnhancedCivicAnswers"),
    message("audioTranscriptionConfig", TRANSCRIPTION),
    message(
        "modelSelectionConfig",
        &[leaf("featureSelectionPreference")],
    ),
    leaf("responseJsonSchema"),
    leaf("audioTimestamp"),
    leaf("logprobs"),
    leaf("responseLogprobs"),
    leaf("responseMimeType"),
    leaf("responseSchema"),
    message(
        "routingConfig",
        &[
            message("autoMode", &[leaf("modelRoutingPreference")]),
            message("manualMode", &[leaf("modelName")]),
        ],
    ),
    list("stopSequences"),
    list("responseFormat"),
];

/// The top-level fields of the Live `setup` message, in wire order.
pub(crate) const SETUP: &[Field] = &[
    leaf("model"),
    message("generationConfig", GENERATION_CONFIG),
    message("systemInstruction", &[list("parts"), leaf("role")]),
    list("tools"),
    message("sessionResumption", &[leaf("handle")]),
    message("inputAudioTranscription", TRANSCRIPTION),
    message("outputAudioTranscription", TRANSCRIPTION),
    message(
        "realtimeInputConfig",
        &[
            message(
                "automaticActivityDetection",
                &[
                    leaf("disabled"),
                    leaf("startOfSpeechSensitivity"),
                    leaf("endOfSpeechSensitivity"),
                    leaf("prefixPaddingMs"),
                    leaf("silenceDurationMs"),
                ],
            ),
            leaf("activityHandling"),
            leaf("turnCoverage"),
            leaf("interimTranscriptTimestampEnabled"),
        ],
    ),
    message(
        "contextWindowCompression",
        &[
            leaf("triggerTokens"),
            message("slidingWindow", &[leaf("targetTokens")]),
        ],
    ),
    message(
        "proactivity",
        &[leaf("proactiveAudio"), leaf("proactiveVideo")],
    ),
    message("historyConfig", &[leaf("initialHistoryInClientContent")]),
    message(
        "avatarConfig",
        &[
            leaf("avatarName"),
            message(
                "customizedAvatar",
                &[leaf("imageMimeType"), leaf("imageData")],
            ),
            leaf("audioBitrateBps"),
            leaf("videoBitrateBps"),
        ],
    ),
    list("safetySettings"),
    Field {
        name: "labels",
        below: Below::Map,
    },
];

/// The field called `name` (camelCase) among `fields`.
pub(crate) fn find<'f>(fields: &'f [Field], name: &str) -> Option<&'f Field> {
    fields.iter().find(|f| f.name == name)
}
